"""What passengers say about an airline, in five languages (demo content)."""

from __future__ import annotations

from listener.sources.demo.content_airline_intl import DE, ES, FR, PT
from listener.sources.demo.model import Industry, TopicText

__all__ = ["AIRLINE"]

_EN = {
    "delays": TopicText(
        problems=(
            "my flight {code} to {city} is delayed again, now {hours} hours",
            "sitting at gate B{n} in {city}, flight delayed {mins} minutes and counting",
            "{brand} flight from {city} to {city2} cancelled an hour before boarding",
            "missed my connection in {city} because the {brand} flight left {mins} min late",
            "delayed {hours}h on the tarmac in {city} with no air conditioning",
        ),
        shortfalls=(
            "the app said on time until we were at the gate, then suddenly {hours} hours late",
            "you promised rebooking on the next flight, next flight is tomorrow night",
            "{brand} used to be the punctual one, {n} delays in a row now",
            "paid extra for the early flight so I could make a meeting, landed at noon",
            "supposed to be a 40 minute connection in {city}, spent {hours} hours there",
        ),
        praise=(
            "flight to {city} left on time and landed early, smooth as ever",
            "pilot kept us updated every 10 minutes during the delay, appreciated",
        ),
        exceeded=(
            "didn't expect {brand} to text me a new connection before we even landed",
            "flight was cancelled but they had a hotel and dinner sorted before I asked, above and beyond",
        ),
        questions=(
            "how early should I be at {city} airport for a {brand} flight to {city2}?",
            "does {brand} show the inbound aircraft status anywhere?",
        ),
        details=(
            "No announcement at the gate.",
            "Nobody at the desk knows anything.",
            "Third time this month.",
            "Kids are exhausted.",
        ),
    ),
    "baggage": TopicText(
        problems=(
            "{brand} lost my suitcase on the way to {city}, claim number {code}",
            "bag came off the belt in {city} with a broken handle",
            "waited {mins} minutes at baggage claim in {city} and my bag never showed",
            "my bag went to {city2} and I went to {city}",
        ),
        shortfalls=(
            "tracker said my bag would be delivered within 24 hours, it's been {n} days",
            "paid {amount} for priority baggage and mine was the last one out",
            "the website says one free checked bag, the desk in {city} charged me {amount}",
        ),
        praise=(
            "bags were on the belt before we reached the hall, impressive",
            "{brand} ground staff in {city} handled my stroller with real care",
        ),
        exceeded=("expected to never see my lost bag again, {brand} drove it to my hotel in {city} the same night",),
        questions=(
            "what are the cabin bag dimensions on {brand}?",
            "can I check a bike on {brand} to {city}?",
        ),
        details=("Medication is in that bag.", "No update since Tuesday."),
    ),
    "refunds": TopicText(
        problems=(
            "still waiting for my refund for cancelled flight {code}",
            "refund request for {code} rejected with no reason given",
            "got a voucher instead of the {amount} refund I asked for",
        ),
        shortfalls=(
            "you promised a refund within 7 days, it has been {n} weeks",
            "the agent told me the refund was processed, my bank says nothing arrived",
            "advertised as fully refundable, now there's a {amount} fee to cancel",
        ),
        praise=("refund for my cancelled {city} trip arrived in two days, thanks {brand}",),
        exceeded=("didn't expect {brand} to refund the taxes on a non-refundable ticket, pleasantly surprised",),
        questions=("how long do {brand} refunds usually take to show up on a credit card?",),
        details=("Emailed twice.", "The chat bot keeps closing the case."),
    ),
    "checkin_app": TopicText(
        problems=(
            "the {brand} app crashes when I try to check in",
            "can't add my boarding pass to the wallet in the {brand} app",
            "{brand} online check-in shows an error for flight {code}",
        ),
        shortfalls=(
            "the new app moved every menu I relied on, took me {mins} minutes to find check-in",
            "check-in is supposed to open 24 hours before, still locked {hours} hours out",
        ),
        praise=("checked in and got my boarding pass in 20 seconds, the {brand} app is great",),
        exceeded=("the app rebooked me automatically and it actually worked, did not expect that",),
        questions=("can I check in for a {brand} flight with someone else's booking code?",),
        details=("Reinstalled twice.", "Tried on wifi and 5G."),
    ),
    "seats": TopicText(
        problems=(
            "seat {n}C on my {brand} flight doesn't recline",
            "{brand} split our family across three rows on the {city} flight",
            "broken tray table and no legroom on the {city} to {city2} leg",
        ),
        shortfalls=(
            "paid {amount} for extra legroom and got a regular seat",
            "booked a window seat months ago, the app moved me to a middle seat",
        ),
        praise=("the new seats on the {city} route are really comfortable",),
        exceeded=("free upgrade to the front row on my birthday, totally unexpected, thank you",),
        questions=("which {brand} seats have the most legroom in economy?",),
    ),
    "crew": TopicText(
        problems=(
            "flight attendant on {code} was rude to an elderly passenger",
            "crew ignored the call button for the whole flight to {city}",
        ),
        shortfalls=("{brand} ads talk about warm service, the crew on my {city} flight barely looked at us",),
        praise=(
            "shout out to the {brand} crew on the {city} flight, kind and funny",
            "cabin crew helped my nervous mum the whole way to {city}",
        ),
        exceeded=(
            "the crew noticed it was our anniversary and brought dessert, went above and beyond",
            "a flight attendant found my kid's lost toy and posted it to us, way beyond what I expected",
        ),
        questions=("is {brand} hiring cabin crew in {city} this year?",),
    ),
    "loyalty": TopicText(
        problems=(
            "my {brand} miles from the {city} trip never got credited",
            "can't log in to my loyalty account, password reset never arrives",
        ),
        shortfalls=(
            "gold status used to mean lounge access, now it's a discount on snacks",
            "the program promised miles never expire, {n}000 of mine just vanished",
        ),
        praise=("redeemed miles for a flight to {city}, easy and good value",),
        exceeded=("got status matched the same day, didn't expect it to be that painless",),
        questions=("do {brand} miles count on partner flights to {city}?",),
    ),
    "fees": TopicText(
        problems=(
            "{amount} to change a flight date on {brand}",
            "charged {amount} for printing a boarding pass at the airport",
        ),
        shortfalls=(
            "the price on the website was {amount} less than what I paid at checkout",
            "for this price I expect at least a bottle of water",
            "fare said all-inclusive, then a {amount} seat fee appeared",
        ),
        praise=("fares to {city} were cheap and no hidden fees, refreshing",),
        exceeded=("changed my flight for free during the strike, better than I expected",),
        questions=("does the basic fare on {brand} include a carry-on?",),
    ),
    "customer_service": TopicText(
        problems=(
            "on hold with {brand} for {mins} minutes",
            "{brand} chat disconnected three times while I was explaining the issue",
            "nobody answers the {brand} phone line in {city}",
        ),
        shortfalls=(
            "your site says you reply within 24 hours, emailed {n} days ago",
            "the agent said someone would call me back, nobody did",
        ),
        praise=("{brand} support sorted my name typo in two minutes, thanks",),
        exceeded=("agent stayed on the phone until my new booking was confirmed, above and beyond",),
        questions=("what's the best way to reach {brand} support from abroad?",),
        details=("Case number {code}.", "I just want a human."),
    ),
    "food": TopicText(
        problems=(
            "the sandwich on my {brand} flight was still frozen",
            "no vegetarian meal on board even though I selected it",
        ),
        shortfalls=(
            "the menu in the app showed hot meals, all they had was crisps",
            "used to get a free snack on {brand}, now even water costs {amount}",
        ),
        praise=("the coffee on {brand} is genuinely good now",),
        exceeded=("surprisingly good curry on the {city} flight, did not expect airline food to be that tasty",),
        questions=("can I bring my own food on a {brand} flight?",),
    ),
}

AIRLINE = Industry(
    key="airline",
    topics={"en": _EN, "es": ES, "fr": FR, "de": DE, "pt": PT},
    sarcasm={
        "en": (
            "nothing says premium like a {hours} hour delay and a warm sandwich, well done {brand}",
            "love how {brand} turns a {mins} minute flight into a full day adventure",
            "great job {brand}, my bag is enjoying {city2} while I'm in {city}",
            "wow {brand}, another 'minor delay'. truly world class",
        ),
        "es": ("qué maravilla {brand}, otras {hours} horas de retraso. de primera",),
        "de": ("danke {brand}, {hours} Stunden Verspätung, genau so hatte ich mir den Urlaub vorgestellt",),
    },
    news={
        "en": (
            "{brand} adds a daily route between {city} and {city2} from next month",
            "{brand} announces a new fleet order of {n}0 aircraft",
            "{brand} cabin crew union to meet management on Thursday",
            "{brand} publishes its winter schedule with more flights to {city}",
        ),
        "es": ("{brand} abre una nueva ruta diaria entre {city} y {city2}",),
        "fr": ("{brand} ouvre une nouvelle ligne entre {city} et {city2} le mois prochain",),
        "de": ("{brand} fliegt ab nächstem Monat täglich von {city} nach {city2}",),
        "pt": ("{brand} anuncia nova rota diária entre {city} e {city2}",),
    },
    switching={
        "en": (
            "done with {brand}. booking {competitor} from now on",
            "{competitor} got me to {city} on time for half the price, bye {brand}",
            "after {n} cancellations I'm moving my company's travel to {competitor}",
        ),
        "es": ("se acabó {brand}, a partir de ahora vuelo con {competitor}",),
        "fr": ("c'est fini {brand}, je passe chez {competitor}",),
        "de": ("nie wieder {brand}, ab jetzt fliege ich {competitor}",),
        "pt": ("chega de {brand}, agora só voo de {competitor}",),
    },
    mood={
        "en": (
            "I hate Mondays. someone put me on a {brand} flight to anywhere sunny",
            "rainy {city} again, dreaming of a {brand} beach holiday",
        ),
    },
    contexts={
        "en": (
            ("business_traveller", "Work trip to {city} again."),
            ("business_traveller", "Flying {city} to {city2} for a client meeting."),
            ("parent", "Travelling with {n} kids to {city}."),
            ("parent", "Family holiday to {city}."),
            ("loyal_customer", "Flown {brand} for {n} years."),
            ("loyal_customer", "Gold member, {n}0 flights a year."),
            ("first_time", "First time flying {brand}."),
            ("first_time", "Booked {brand} for the first time, {city} to {city2}."),
        ),
        "es": (
            ("parent", "Viajando con {n} niños a {city}."),
            ("business_traveller", "Viaje de trabajo a {city}."),
            ("first_time", "Primera vez que vuelo con {brand}."),
        ),
        "fr": (
            ("business_traveller", "Déplacement pro à {city}."),
            ("parent", "En vacances à {city} avec les enfants."),
        ),
        "de": (
            ("business_traveller", "Dienstreise nach {city}."),
            ("loyal_customer", "Fliege seit {n} Jahren mit {brand}."),
        ),
        "pt": (
            ("parent", "Viajando com {n} crianças para {city}."),
            ("first_time", "Primeira vez voando de {brand}."),
        ),
    },
    cities=(
        "Lisbon",
        "Madrid",
        "Paris",
        "Berlin",
        "Porto",
        "Lyon",
        "Dublin",
        "Rome",
        "Amsterdam",
        "Vienna",
        "Munich",
        "Barcelona",
        "Nice",
        "Prague",
        "Copenhagen",
    ),
)
