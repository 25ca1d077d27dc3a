"""What subscribers say about a mobile carrier, in five languages (demo content)."""

from __future__ import annotations

from listener.sources.demo.model import Industry, TopicText

__all__ = ["TELECOM"]

_EN = {
    "coverage": TopicText(
        problems=(
            "no {brand} signal at all in {city} since this morning",
            "calls keep dropping on {brand} every time I take the train to {city2}",
            "one bar of {brand} signal in my own flat in {city}",
        ),
        shortfalls=(
            "the coverage map says full 5G in {city}, I get one bar of 3G",
            "{brand} coverage used to be solid here, it's been awful for {n} weeks",
        ),
        praise=("{brand} signal even in the mountains above {city}, impressed",),
        exceeded=("had signal in the underground car park, did not expect that from {brand}",),
        questions=("does {brand} have 5G in {city} yet?",),
        details=("Restarted the phone twice.", "Neighbours have the same issue."),
    ),
    "data_speed": TopicText(
        problems=(
            "{brand} mobile data crawling at 0.{n} Mbps in {city}",
            "can't load a single web page on {brand} data tonight",
        ),
        shortfalls=(
            "I pay for unlimited 5G and videos won't load",
            "advertised up to 500 Mbps, speed test says {n} Mbps",
        ),
        praise=("{brand} 5G in {city} is ridiculously fast",),
        exceeded=("speed test on {brand} hit {n}00 Mbps, way better than advertised",),
        questions=("is there a {brand} data add-on for a single weekend?",),
    ),
    "billing": TopicText(
        problems=(
            "{brand} charged me twice this month, invoice {code}",
            "got a {amount} bill from {brand} for calls I never made",
        ),
        shortfalls=(
            "the shop told me no activation fee, the first bill has a {amount} activation fee",
            "my plan is supposed to be {amount} a month, I was billed double",
            "{brand} raised my price mid-contract after promising a fixed price",
        ),
        praise=("{brand} billing is clear and always on time",),
        exceeded=("{brand} refunded the overcharge before I even complained, pleasantly surprised",),
        questions=("when does the {brand} billing cycle start?",),
        details=("Direct debit already taken.",),
    ),
    "roaming": TopicText(
        problems=(
            "roaming not working on {brand} in {city}",
            "landed in {city} and my {brand} SIM says no service",
        ),
        shortfalls=(
            "roaming was supposed to be included, got a {amount} charge from {city}",
            "you said EU roaming works like home, my data stopped after {n} GB",
        ),
        praise=("{brand} roaming in {city} worked the moment I landed",),
        exceeded=("didn't expect free roaming in {city2} on my plan, nice one {brand}",),
        questions=("does {brand} roaming cover {city2}?",),
    ),
    "customer_service": TopicText(
        problems=(
            "on hold with {brand} for {mins} minutes",
            "{brand} store in {city} sent me to the hotline, hotline sent me to the store",
        ),
        shortfalls=(
            "the agent promised a call back within 24 hours, that was {n} days ago",
            "the {brand} chat used to be fast, now it's a bot that can't understand anything",
        ),
        praise=("lovely {brand} agent sorted my number transfer in five minutes",),
        exceeded=("{brand} agent set up my gran's phone on a call, way above and beyond",),
        questions=("what are the {brand} store opening hours in {city}?",),
        details=("Ticket {code}.",),
    ),
    "esim": TopicText(
        problems=(
            "{brand} eSIM activation stuck on 'pending' for {hours} hours",
            "QR code for my {brand} eSIM says already used",
        ),
        shortfalls=("eSIM was supposed to activate instantly, I've been offline all day",),
        praise=("switched to a {brand} eSIM in two minutes, painless",),
        questions=("can I have two {brand} eSIMs on one phone?",),
    ),
    "plans": TopicText(
        problems=("{brand} plans are confusing, can't tell what I'm paying for",),
        shortfalls=(
            "for this price I expect more than {n} GB",
            "loyal {brand} customer for {n} years and new customers get a better deal than me",
        ),
        praise=("{brand} family plan is great value",),
        exceeded=("{brand} upgraded my data for free at renewal, didn't expect that",),
        questions=("what's the cheapest {brand} plan with unlimited calls?",),
    ),
    "app": TopicText(
        problems=("the {brand} app logs me out every time I open it",),
        shortfalls=("the new {brand} app hid the usage screen I checked every day",),
        praise=("the {brand} app shows my usage clearly, love it",),
        questions=("can I pay my {brand} bill in the app?",),
    ),
}

_ES = {
    "coverage": TopicText(
        problems=("sin cobertura de {brand} en {city} desde esta mañana",),
        shortfalls=("el mapa dice 5G en {city} y no tengo ni una raya",),
        praise=("cobertura de {brand} hasta en el pueblo, genial",),
        questions=("¿{brand} ya tiene 5G en {city}?",),
    ),
    "billing": TopicText(
        problems=("{brand} me ha cobrado dos veces este mes",),
        shortfalls=("en la tienda me dijeron que no había cuota de alta y me la han cobrado",),
        exceeded=("me devolvieron el cobro de más sin tener que reclamar, no me lo esperaba",),
    ),
    "customer_service": TopicText(
        problems=("{mins} minutos esperando al teléfono con {brand}",),
        praise=("el agente de {brand} me solucionó la portabilidad en cinco minutos",),
    ),
}

_FR = {
    "coverage": TopicText(
        problems=("plus de réseau {brand} à {city} depuis ce matin",),
        shortfalls=("la carte de couverture promet la 5G à {city}, j'ai une barre de 3G",),
        praise=("réseau {brand} impeccable même à la campagne",),
    ),
    "data_speed": TopicText(
        problems=("internet mobile {brand} très lent ce soir",),
        shortfalls=("je paie pour la 5G illimitée et les vidéos ne chargent pas",),
        exceeded=("débit {brand} bien meilleur que ce qui était annoncé, agréable surprise",),
    ),
    "billing": TopicText(
        problems=("{brand} m'a facturé deux fois ce mois-ci",),
        shortfalls=("le forfait devait coûter {amount} par mois, la facture est le double",),
        questions=("quand commence le cycle de facturation {brand} ?",),
    ),
    "customer_service": TopicText(
        problems=("{mins} minutes d'attente au service client {brand}",),
        praise=("conseiller {brand} très sympa, problème réglé en cinq minutes",),
    ),
}

_DE = {
    "coverage": TopicText(
        problems=("seit heute Morgen kein {brand} Netz in {city}",),
        shortfalls=("laut Netzkarte volles 5G in {city}, ich habe einen Balken",),
        praise=("{brand} Netz sogar im Zug stabil, top",),
    ),
    "billing": TopicText(
        problems=("{brand} hat mir diesen Monat doppelt abgebucht",),
        shortfalls=("im Laden hieß es keine Anschlussgebühr, jetzt stehen {amount} auf der Rechnung",),
        exceeded=("{brand} hat die Gutschrift gemacht bevor ich mich beschwert habe, positiv überrascht",),
    ),
    "roaming": TopicText(
        problems=("Roaming mit {brand} in {city} funktioniert nicht",),
        shortfalls=("Roaming sollte inklusive sein, jetzt {amount} Zusatzkosten",),
        questions=("gilt das {brand} Roaming auch in {city2}?",),
    ),
}

_PT = {
    "coverage": TopicText(
        problems=("sem sinal da {brand} em {city} desde cedo",),
        shortfalls=("o mapa diz 5G em {city} e eu não tenho nem 3G",),
        praise=("sinal da {brand} ótimo até na praia",),
    ),
    "billing": TopicText(
        problems=("a {brand} me cobrou duas vezes este mês",),
        shortfalls=("o plano era para custar {amount} por mês e veio o dobro",),
    ),
    "customer_service": TopicText(
        problems=("{mins} minutos esperando no atendimento da {brand}",),
        exceeded=("o atendente da {brand} foi muito além do que eu esperava",),
        questions=("qual o horário da loja {brand} em {city}?",),
    ),
}

TELECOM = Industry(
    key="telecom",
    topics={"en": _EN, "es": _ES, "fr": _FR, "de": _DE, "pt": _PT},
    sarcasm={
        "en": (
            "thanks {brand}, nothing like zero signal to help me switch off",
            "love paying for 5G to watch a loading wheel, cheers {brand}",
            "great, {brand} billed me twice. generous of me",
        ),
        "fr": ("merci {brand}, grâce à vous je redécouvre la vie sans internet",),
    },
    news={
        "en": (
            "{brand} switches on 5G in {n} more towns around {city}",
            "{brand} to retire its 3G network next year",
            "{brand} announces new prices for family plans",
        ),
        "es": ("{brand} activa el 5G en {n} municipios más",),
        "fr": ("{brand} annonce l'arrêt de la 3G l'an prochain",),
        "de": ("{brand} startet 5G in {n} weiteren Städten",),
        "pt": ("{brand} anuncia novos planos familiares",),
    },
    switching={
        "en": (
            "porting my number away from {brand} tomorrow, any carrier is better than this",
            "{n} years with {brand} and I'm out, my sister's network actually works",
        ),
        "es": ("me cambio de compañía, {brand} ya no me compensa",),
        "fr": ("je quitte {brand} à la fin du mois",),
        "pt": ("vou fazer a portabilidade e sair da {brand}",),
    },
    mood={"en": ("Monday again. at least my {brand} phone plays music",)},
    contexts={
        "en": (
            ("loyal_customer", "With {brand} for {n} years."),
            ("loyal_customer", "Customer since the 3G days."),
            ("first_time", "Switched to {brand} last month."),
            ("parent", "Got {brand} plans for the whole family."),
            ("business_traveller", "I work remotely from {city}, so my phone is my office."),
            ("student", "Student here, on the cheapest plan."),
        ),
        "es": (("loyal_customer", "Cliente de {brand} desde hace {n} años."),),
        "fr": (("first_time", "Nouveau client {brand} depuis le mois dernier."),),
        "de": (("loyal_customer", "Seit {n} Jahren Kunde bei {brand}."),),
        "pt": (("parent", "Tenho plano família na {brand}."),),
    },
    cities=(
        "Lakeside",
        "Riverton",
        "Northgate",
        "Brookfield",
        "Westmoor",
        "Ashby",
        "Kingsport",
        "Millbrook",
        "Oakdale",
        "Fairhaven",
    ),
)
