"""Lexicon: airline, hotel, car rental and ride hailing, public transport."""

from __future__ import annotations

from .industry import Industry

__all__ = ["AIRLINE", "HOTEL", "PUBLIC_TRANSPORT", "RIDE_HAILING"]

AIRLINE = Industry(
    name="airline",
    brands=("SkyVale Airways", "Northjet", "AeroLumen", "Bluecrest Air"),
    thing="flight",
    ref="Booking ref: <XXXXXX>",
    prices=("$420", "£380", "€250", "$1,100"),
    sub="r/travel",
    background=(
        "I fly with {b} about twice a month for work",
        "we booked {b} for our honeymoon back in March",
        "I've been a gold member with {b} for six years",
        "it was my mum's first time flying alone",
    ),
    promises=(
        ("a 9:10 departure", "we finally took off just after 2pm", "out wait"),
        ("*extra legroom", "I got a middle seat next to the toilets", "pq"),
        ("a free checked bag on my fare", "they charged me $65 at the desk", "pr pol"),
        ("a rebooking within the hour", "nobody rebooked us until the next morning", "cs wait"),
        ("*priority boarding", "everyone was herded on at the same time anyway", "store"),
        ("a refund within 7 days for the cancelled leg", "it has been five weeks and nothing", "bill"),
        ("*Wi-Fi on board", "the Wi-Fi never connected once in nine hours", "pq"),
        ("*a vegetarian meal", "they ran out and handed me a bag of pretzels", "pq"),
    ),
    habits=(
        ("check-in used to take ten minutes", "now the bag drop line alone is an hour", "wait store"),
        ("the app used to show my boarding pass offline", "now it needs signal to open", "app"),
        ("seat selection was always free on this route", "now it costs $30 a leg", "pr pol"),
        ("a carry-on used to be included", "today they made me pay to bring it on", "pol pr"),
    ),
    calm=(
        ("the new fare rules quietly dropped the free seat choice I booked them for", "pol pr"),
        ("my lounge access seems to have vanished from the status tier I paid for", "pol"),
        ("the flight I booked as direct now has a stop in Denver", "out pol"),
    ),
    standards=(
        ("a seat that actually reclines", "mine was stuck upright for eleven hours", "pq"),
        ("at least a working screen", "half the row had blank screens", "pq"),
        ("someone at the desk", "the desk was empty for the whole delay", "store wait"),
    ),
    problems=(
        ("my flight is delayed again", "out"),
        ("the gate agent was rude to my elderly father", "store"),
        ("they lost my suitcase somewhere between Madrid and here", "del"),
        ("our flight got cancelled at midnight with no hotel offered", "out"),
        ("I've been stuck at the gate for three hours with no updates", "wait out"),
        ("the online check-in keeps throwing an error", "app"),
        ("my bag came off the carousel with the handle snapped", "pq"),
        ("I was on hold with customer care for 70 minutes", "wait cs"),
        ("they charged my card twice for the same seat upgrade", "bill"),
    ),
    praise=(
        ("the crew on my flight were lovely", "store"),
        ("smoothest boarding I've had in years", "store wait"),
        ("landed twenty minutes early", "out"),
        ("the new app makes changing flights painless", "app"),
        ("the seats in the new cabin are genuinely comfortable", "pq"),
        ("the gate team kept everyone updated during the delay", "store"),
    ),
    surprises=(
        ("upgrade us because it was our honeymoon", "the crew upgraded us because it was our honeymoon", "store"),
        ("refund the bag fee without me asking", "they refunded the bag fee without me asking", "bill"),
        ("hold the connection for six of us", "they held the connecting flight for the six of us", "out"),
        ("find my daughter's teddy and post it home", "they found my daughter's teddy and posted it home", "cs del"),
    ),
    beats=(
        ("a 40-minute delay", "we pushed back after ten", "out"),
        ("a 2-hour wait at the transfer desk", "an agent came to the gate and rebooked us on the spot", "cs wait"),
    ),
    questions=(
        ("can I bring a folding bike as checked luggage?", "pol"),
        ("does the Lisbon flight have power sockets?", "pq"),
        ("when does online check-in open for international flights?", "app"),
        ("is the lounge in Terminal 2 open on Sundays?", "store"),
    ),
    wishes=(
        ("a way to pick seats for a whole group at once", "app"),
        ("more vegetarian options on the long-haul menu", "pq"),
    ),
    news=(
        ("{b} announces new direct routes to Lisbon and Porto from May", ""),
        ("{b} to add 12 aircraft to its fleet next year", ""),
        ("{b} changes its cabin baggage allowance from 1 March", "pol"),
    ),
    moods=(
        ("worst week of my life and it's only Tuesday. at least I'm on a {b} flight home", ""),
        ("hate early mornings so much. 5am alarm for a {b} flight", ""),
    ),
)

HOTEL = Industry(
    name="hotel",
    brands=("Harbourline Hotels", "Casa Verde Resorts", "Stayfield Inn", "The Merrow Group"),
    thing="stay",
    ref="Reservation no. <99999999>",
    prices=("$340 a night", "£210 a night", "€180 a night", "$90"),
    sub="r/hotels",
    background=(
        "we stayed at a {b} property for our tenth anniversary",
        "I travel for work and stay at {b} maybe thirty nights a year",
        "booked {b} for a family wedding weekend",
        "it was my first trip abroad with the kids",
    ),
    promises=(
        ("*a room with a sea view", "our window faced a car park and a bin store", "pq"),
        ("free airport shuttle every 30 minutes", "the shuttle never came and we paid for a taxi", "pol out"),
        ("*breakfast included", "they charged us €22 each at the buffet", "bill pol"),
        ("late checkout at 2pm", "housekeeping knocked at 10:30 telling us to leave", "pol store"),
        ("a quiet room away from the lift", "we were next to the ice machine all night", "pq store"),
        ("a fully refundable booking", "they kept a night's deposit when we cancelled", "bill pol"),
        ("*a heated pool", "the pool was closed for repairs the whole week", "pq"),
    ),
    habits=(
        ("the rooms used to be spotless", "this time there was hair in the shower and a stain on the sheets", "pq"),
        ("member rates were always the cheapest on their own site", "now the booking sites beat them", "pr"),
        ("check-in used to be a two-minute job", "now there's a 40-minute queue at reception", "wait store"),
    ),
    calm=(
        ("the room we booked as a suite turned out to be a standard double with a sofa", "pq pol"),
        ("the 'free' Wi-Fi now has a paid tier for anything faster than email", "pr"),
        ("the spa access on our package is now an extra charge at the door", "pr pol"),
    ),
    standards=(
        ("clean towels at least", "we had to ask three times", "store pq"),
        ("working air conditioning", "it was 29 degrees in the room", "pq"),
    ),
    problems=(
        ("the front desk guy was rude when we asked for extra pillows", "store"),
        ("there was mould on the bathroom ceiling", "pq"),
        ("someone else's booking got merged with ours and now I can't see my reservation", "acc app"),
        ("we waited over an hour at reception just to get our keys", "wait store"),
        ("the hot water ran out every single morning", "pq"),
        ("the noise from the bar kept us up till 3am", "pq"),
        ("my card was charged for a minibar I never touched", "bill"),
        ("the booking page crashed twice while I was paying", "app"),
    ),
    praise=(
        ("the staff remembered our names from day one", "store"),
        ("the breakfast spread was fantastic", "pq"),
        ("spotless room and the comfiest bed I've slept in", "pq"),
        ("check-in took two minutes", "wait store"),
        ("the concierge booked us a great little restaurant", "store"),
    ),
    surprises=(
        (
            "leave a cake in the room for my wife's birthday",
            "they left a cake in the room for my wife's birthday",
            "store",
        ),
        ("upgrade us to a suite for free", "they upgraded us to a suite for free", "store pr"),
        (
            "post my forgotten charger back at their own cost",
            "they posted my forgotten charger back at their own cost",
            "cs",
        ),
    ),
    beats=(
        ("a basic budget room", "the room was bigger and nicer than the photos", "pq"),
        ("a long wait for early check-in", "our room was ready at 9am", "wait"),
    ),
    questions=(
        ("do your rooms in Lisbon have a kettle?", "pq"),
        ("is parking included with the weekend package?", "pr pol"),
        ("can I check in after midnight if I let you know?", "pol"),
        ("are dogs allowed at the Edinburgh hotel?", "pol"),
    ),
    wishes=(
        ("a few more plug sockets by the bed", "pq"),
        ("a gluten-free option at breakfast", "pq"),
    ),
    news=(
        ("{b} opens its first hotel in Porto this summer", ""),
        ("{b} launches a new loyalty programme with free nights after ten stays", "pr"),
    ),
    moods=(
        ("jet lag is destroying me. lying in a {b} bed at 4am wide awake", ""),
        ("rainy conference week, back at the {b} again", ""),
    ),
)

RIDE_HAILING = Industry(
    name="car_rental_ride_hailing",
    brands=("Zoomly", "RideNest", "Drivo Car Rental", "Kora Cabs"),
    thing="ride",
    ref="Trip ID: <XX-99999999>",
    prices=("$48", "£35", "€60 a day", "$310 for the week"),
    sub="r/uberdrivers",
    background=(
        "I use {b} to get to work most days",
        "we rented from {b} for a road trip through Portugal",
        "I don't drive, so {b} is basically how I get around",
        "booked {b} at the airport after a long flight",
    ),
    promises=(
        ("a driver in 4 minutes", "it took 25 minutes and the driver cancelled twice", "wait out"),
        ("an upfront fare of $18", "I was charged $41 at the end", "bill pr"),
        ("*a mid-size SUV", "they gave us a tiny hatchback with no boot space", "pq store"),
        ("*full insurance with no deposit", "they blocked a $1,500 deposit on my card anyway", "bill pol"),
        ("free cancellation up to the pickup time", "they took a $10 cancellation fee", "bill pol"),
        ("a child seat with the booking", "there was no child seat and we waited an hour for one", "store wait"),
    ),
    habits=(
        ("rides from the station used to be under a tenner", "now they're £22 with 'busy area' pricing", "pr"),
        ("the app always showed where the driver was", "now the map freezes until they arrive", "app"),
        ("the airport desk used to hand over keys in five minutes", "now it's an hour in a queue", "wait store"),
    ),
    calm=(
        ("the fuel policy on my rental switched from full-to-full to a prepaid tank I never asked for", "pol pr"),
        ("the ride I scheduled for 6am didn't arrive, so I missed the flight I booked it for", "out"),
        ("the price estimate and the final fare are never the same any more", "pr bill"),
    ),
    standards=(
        ("a car that isn't full of cigarette smoke", "mine reeked of cigarettes", "pq"),
        ("a driver who knows the way", "he followed the wrong pin for 15 minutes", "store"),
    ),
    problems=(
        ("my driver was rude and drove like a maniac", "store"),
        ("the rental car had a warning light on the whole trip", "pq"),
        ("I got charged a cleaning fee for a car I left spotless", "bill"),
        ("the app logged me out and now it won't accept my code", "acc app"),
        ("I waited 40 minutes at the rental counter", "wait store"),
        ("driver cancelled on me three times in a row", "out"),
        ("the car smelled like a wet dog", "pq"),
        ("support keeps sending me the same automated reply", "cs"),
    ),
    praise=(
        ("my driver was so kind and helped with my bags", "store"),
        ("the car was brand new and spotless", "pq"),
        ("pickup at the airport took five minutes", "wait store"),
        ("cheapest rental on the island by far", "pr"),
        ("the app is quick and the fares are clear", "app pr"),
    ),
    surprises=(
        (
            "waive the late return fee because of the traffic",
            "they waived the late return fee because of the traffic",
            "bill pol",
        ),
        ("wait for me while I ran back for my passport", "the driver waited while I ran back for my passport", "store"),
        ("give us a free upgrade to a convertible", "we got a free upgrade to a convertible", "pq pr"),
    ),
    beats=(
        ("a 15-minute wait for a car", "a driver pulled up in two", "wait"),
        ("a long argument about a tiny scratch", "the agent just signed it off and wished us a good trip", "store"),
    ),
    questions=(
        ("can I add a second driver after I've picked up the car?", "pol"),
        ("do you allow pets in rides if they're in a carrier?", "pol"),
        ("is there a ride pass for daily commuters?", "pr"),
    ),
    wishes=(
        ("an option to pick a quiet ride", "app"),
        ("a clearer damage photo step at pickup", "app pol"),
    ),
    news=(
        ("{b} launches electric-only rides in three more cities", ""),
        ("{b} to raise fares 8% from next month, citing fuel costs", "pr"),
    ),
    moods=(
        ("monday, rain, no umbrella. {b} home it is", ""),
        ("so tired of this week. taking a {b} because I can't face the bus", ""),
    ),
)

PUBLIC_TRANSPORT = Industry(
    name="public_transport",
    brands=("MetroLink", "Greenway Rail", "CityBus Connect", "Coastline Trains"),
    thing="journey",
    ref="Ticket no. <999999999>",
    prices=("£6.40", "€3", "$120 a month", "£4,200 a year"),
    sub="r/commuting",
    background=(
        "I commute on {b} five days a week",
        "my kids take {b} to school every morning",
        "I've had an annual season ticket with {b} for eight years",
        "I'm a wheelchair user and rely on {b} to get to work",
    ),
    promises=(
        ("a train every ten minutes", "we waited 35 minutes on the platform", "wait out"),
        ("step-free access at the station", "the lift has been broken for a month", "pol pq"),
        ("*a reserved seat", "my coach didn't even exist on the train", "pq"),
        ("compensation within 14 days for delays", "I've filed four claims and got nothing back", "bill"),
        ("a replacement bus for the closed line", "no bus came and nobody knew anything", "out"),
        ("*a quiet coach", "it was a party carriage the whole way", "pq"),
    ),
    habits=(
        ("the 7:42 was always on time", "this month it's late almost every day", "out"),
        ("you used to be able to tap in with your phone", "now the gates reject it half the time", "app"),
        ("the night bus used to run till 3am", "it stops at midnight now", "out pol"),
    ),
    calm=(
        ("the season ticket went up 6% while the timetable lost a third of its trains", "pr out"),
        ("the new timetable cut the only direct train I relied on", "out pol"),
        ("the app's live times and the real trains have stopped agreeing", "app out"),
    ),
    standards=(
        ("a seat now and then", "I stand the whole hour every day", "pq"),
        ("a train that turns up", "three were cancelled before mine", "out"),
    ),
    problems=(
        ("the 8:15 is cancelled again", "out"),
        ("the ticket machine ate my card", "pq store"),
        ("the bus driver drove straight past me at the stop", "store"),
        ("we've been stuck outside the station for 40 minutes with a signal failure", "out wait"),
        ("the journey planner app crashes when I search for a route", "app"),
        ("I got fined because the ticket app wouldn't load at the gate", "app pol"),
        ("the carriage heating was broken and it was freezing", "pq"),
        ("the guard was really rude to a lady with a pram", "store"),
    ),
    praise=(
        ("the new trains are quiet and clean", "pq"),
        ("the station staff helped my gran all the way to her seat", "store"),
        ("on time every day this week", "out"),
        ("contactless payment on the buses is so easy", "app"),
        ("the monthly pass is honestly great value", "pr"),
    ),
    surprises=(
        ("refund my ticket on the spot", "the staff refunded my ticket on the spot", "bill store"),
        (
            "hold the last train for people coming off the delayed connection",
            "they held the last train for us off the delayed connection",
            "out",
        ),
        ("find my wallet and ring me", "someone found my wallet and rang me", "store"),
    ),
    beats=(
        (
            "an hour of delays with the engineering works",
            "the replacement bus got us there only ten minutes late",
            "out",
        ),
        ("a fight over a delay claim", "the compensation landed in two days", "bill"),
    ),
    questions=(
        ("can I bring my bike on the train at weekends?", "pol"),
        ("does the airport bus run on Christmas Day?", "out"),
        ("is the student discount valid on the night bus?", "pr pol"),
    ),
    wishes=(
        ("more seats in the front carriages", "pq"),
        ("live crowding info in the app", "app"),
    ),
    news=(
        ("{b} confirms weekend engineering works on the northern line", "out"),
        ("{b} orders 40 new electric buses", ""),
    ),
    moods=(
        ("hate mondays. on the {b} to work half asleep", ""),
        ("cold, tired and broke. {b} home and straight to bed", ""),
    ),
)
