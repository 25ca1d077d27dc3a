"""Lexicon: telecom, bank and fintech, utilities, insurance, software, streaming."""

from __future__ import annotations

from .industry import Industry

__all__ = ["BANK", "INSURANCE", "SAAS", "STREAMING", "TELECOM", "UTILITIES"]

TELECOM = Industry(
    name="telecom",
    brands=("Vireo Mobile", "Telnova", "Pulse Broadband", "Kestrel Telecom"),
    thing="plan",
    ref="Account number: <999999999>",
    prices=("$85 a month", "£45 a month", "€30 a month", "£60"),
    sub="r/mobile",
    background=(
        "I've been with {b} since 2014",
        "I work from home, so my {b} broadband is basically my job",
        "I moved my whole family onto {b} last year",
        "I switched to {b} for the 5G coverage",
    ),
    promises=(
        ("*900 Mbps fibre", "I'm getting 40 on a good day", "pq"),
        ("*unlimited data", "they throttle me to a crawl after 20GB", "pq pol"),
        ("an engineer visit between 8 and 12", "nobody showed and no one called", "store wait"),
        ("free roaming in Europe on my plan", "I came back to a £94 roaming charge", "bill pol"),
        ("a locked price for 24 months", "my bill went up twice in a year", "pr pol"),
        ("a callback within 24 hours", "I've been waiting four days", "cs wait"),
        ("*5G in my area", "my phone shows one bar of 4G at home", "pq out"),
    ),
    habits=(
        ("the signal at home used to be perfect", "now I have to stand by the window to send a text", "out pq"),
        ("I used to get through to a person in five minutes", "now it's an hour of bots and hold music", "cs wait"),
        ("my bill was always the same every month", "now it changes every single time", "bill"),
    ),
    calm=(
        ("the 'unlimited' plan now slows down after 20GB", "pol pq"),
        ("the loyalty discount I was told would last two years disappeared after six months", "pr pol"),
        ("the router they sent as an upgrade is slower than the old one", "pq"),
    ),
    standards=(
        ("internet that stays on during the working day", "it drops every afternoon", "out"),
        ("a signal in the middle of a city", "I get none in my own kitchen", "out pq"),
    ),
    problems=(
        ("the internet has been down since 6am", "out"),
        ("I was on hold for 55 minutes and then the line went dead", "wait cs"),
        ("my bill has a £30 charge I don't recognise", "bill"),
        ("the store guy pushed me into a contract I didn't need", "store pol"),
        ("they want a £200 fee to leave my contract", "pol pr"),
        ("the my-account app logs me out every time I open it", "app acc"),
        ("there's no signal at all in the whole north of town", "out"),
        ("someone ported my number out without my permission", "acc"),
        ("the chat agent disconnected me halfway through", "cs"),
    ),
    praise=(
        ("the engineer was quick, polite and tidied up after himself", "store"),
        ("speeds have been rock solid all month", "pq"),
        ("the agent on chat fixed my bill in five minutes", "cs bill"),
        ("best coverage I've had anywhere", "pq"),
        ("the new family plan is really good value", "pr"),
    ),
    surprises=(
        (
            "credit my account for the outage without me asking",
            "they credited my account for the outage without me asking",
            "bill out",
        ),
        ("lower my bill when I called to cancel", "they lowered my bill when I called to cancel", "pr cs"),
        ("send an engineer the same day", "they sent an engineer the same day", "store wait"),
    ),
    beats=(
        ("a week without internet during the move", "the new line was live the day we moved in", "out"),
        ("a painful switch with my old number", "the number moved over in an hour", "acc"),
    ),
    questions=(
        ("does the 30GB plan work in the US?", "pol"),
        ("can I keep my number if I switch to an eSIM?", "acc"),
        ("is fibre available on Elm Street yet?", "pq"),
        ("what's the difference between the basic and plus plans?", "pr"),
    ),
    wishes=(
        ("a data rollover option", "pol"),
        ("Wi-Fi calling on older phones", "pq"),
    ),
    news=(
        ("{b} switches on 5G in 40 more towns", ""),
        ("{b} says prices will rise by inflation plus 3.9% in April", "pr"),
    ),
    moods=(
        ("hate Mondays. scrolling on {b} data on a packed bus", ""),
        ("terrible day at work, just want to sit in the dark and let my {b} broadband do its thing", ""),
    ),
)

BANK = Industry(
    name="bank_fintech",
    brands=("Fernbank", "Paylo", "Northstone Bank", "Quidly"),
    thing="account",
    ref="Customer ID: <99999999>",
    prices=("£12 a month", "$15 a month", "€9.99 a month", "$4.50 per transfer"),
    sub="r/personalfinance",
    background=(
        "I've banked with {b} since my student days",
        "I run my small business account through {b}",
        "I moved my salary to {b} because of the app",
        "I use {b} to send money to my family abroad",
    ),
    promises=(
        ("instant transfers", "my transfer has been pending for three days", "out bill"),
        ("*no foreign transaction fees", "I was charged 3% on every payment in Spain", "bill pol"),
        ("a new card within 5 working days", "it's been three weeks and no card", "del"),
        ("a response within 24 hours", "my fraud claim has been open for 12 days", "cs wait"),
        ("fee-free overdraft up to £500", "they charged me £35 for going £20 over", "bill pol"),
        ("a dispute decision within 10 days", "two months later I'm still chasing it", "bill wait"),
    ),
    habits=(
        ("I used to be able to pay in cheques through the app", "that feature just vanished", "app"),
        ("the branch on High Street was always open on Saturdays", "now it closes at noon on weekdays", "store"),
        ("logging in was just my fingerprint", "now it's three codes and a selfie every time", "acc app"),
    ),
    calm=(
        ("the savings rate I opened the account for has quietly dropped to 1.1%", "pr"),
        ("the app update removed the spending categories I relied on", "app"),
        ("my 'free' account now has a monthly fee", "pr pol"),
    ),
    standards=(
        ("an app that loads on payday", "it was down all morning", "app out"),
        ("a human when my card is stolen", "I got a chatbot", "cs"),
    ),
    problems=(
        ("my card got declined at the supermarket for no reason", "out"),
        ("they froze my account and won't tell me why", "acc pol"),
        ("the verification code never arrives", "acc"),
        ("there's a payment on my account I didn't make", "acc bill"),
        ("the branch had one person on the counter and a queue out the door", "store wait"),
        ("the app crashes every time I try to send money", "app"),
        ("I was on hold for an hour to report a lost card", "wait cs"),
        ("got charged twice for the same transfer", "bill"),
    ),
    praise=(
        ("the app is the best banking app I've used", "app"),
        ("the fraud team caught a dodgy payment before I did", "cs acc"),
        ("the lady at the branch sorted my mortgage paperwork in one visit", "store"),
        ("transfers abroad are cheap and fast", "pr"),
        ("support on chat actually answers within minutes", "cs wait"),
    ),
    surprises=(
        ("refund the scam payment the same day", "they refunded the scam payment the same day", "bill cs"),
        ("waive the late fee after I explained", "they waived the late fee after I explained", "bill"),
        ("ring me back on a Sunday", "an adviser rang me back on a Sunday", "cs"),
    ),
    beats=(
        ("weeks of paperwork to open a business account", "it was open in twenty minutes", "acc"),
        ("a 5-day wait for my new card", "it arrived the next morning", "del"),
    ),
    questions=(
        ("can I open a joint account in the app?", "app acc"),
        ("is there a fee for using my card in Japan?", "pr pol"),
        ("how do I add my partner as a payee?", "app"),
        ("what's the interest rate on the easy saver right now?", "pr"),
    ),
    wishes=(
        ("round-up savings in the app", "app"),
        ("a way to freeze just online payments", "app acc"),
    ),
    news=(
        ("{b} to close 40 branches next year", "store"),
        ("{b} launches a savings account for under-18s", ""),
    ),
    moods=(
        ("payday can't come fast enough. staring at my {b} balance like it'll change", ""),
        ("worst week ever. at least my {b} card still works for coffee", ""),
    ),
)

UTILITIES = Industry(
    name="utilities_energy",
    brands=("Brightwatt Energy", "AquaServe", "Nordic Heat & Power", "Solis Utilities"),
    thing="tariff",
    ref="Account: <99999999>",
    prices=("£190 a month", "$240", "€130 a month", "£1,800 a year"),
    sub="r/UKPersonalFinance",
    background=(
        "we switched to {b} when we moved into our first house",
        "I've been a {b} customer for twelve years",
        "I'm a pensioner on a fixed income with {b}",
        "we got solar panels and moved to {b} for the export tariff",
    ),
    promises=(
        ("a smart meter install on Tuesday", "nobody came and the slot vanished from my account", "store wait"),
        ("a fixed price for 12 months", "my direct debit went up by £60 in month three", "pr bill"),
        ("my credit refunded within 10 days", "six weeks and not a penny", "bill"),
        ("power back on by 6pm", "we were in the dark until the next afternoon", "out"),
        ("an engineer within 4 hours for a leak", "it took two days", "wait store"),
        ("*a 100% renewable tariff", "half the 'green' power turns out to be offset certificates", "pol"),
    ),
    habits=(
        ("my bill used to be based on real readings", "now it's estimates that are way off", "bill"),
        ("I could always get someone on the phone", "now it's a 90 minute wait", "cs wait"),
        ("the app used to show yesterday's usage", "now it's a week behind", "app"),
    ),
    calm=(
        ("the direct debit they set after the review is double what our usage says it should be", "bill pr"),
        ("the smart meter they installed stopped sending readings, so we're back on estimates", "pq bill"),
        ("our fixed deal ended and we were rolled onto the standard rate without a word", "pr pol"),
    ),
    standards=(
        ("accurate bills", "mine was for a house three doors down", "bill"),
        ("hot water in January", "the boiler cover took a week to send anyone", "wait"),
    ),
    problems=(
        ("we've had our third power cut this week", "out"),
        ("the water's been brown since this morning", "pq"),
        ("my bill is £400 and I live alone in a flat", "bill pr"),
        ("I was on hold for 50 minutes just to give a meter reading", "wait cs"),
        ("I can't log in to submit my reading, it says my account doesn't exist", "acc app"),
        ("they sent debt collectors over a bill I already paid", "bill cs"),
        ("the engineer left a mess and a loose socket", "store pq"),
    ),
    praise=(
        ("the engineer was brilliant and explained everything", "store"),
        ("the app makes submitting readings easy", "app"),
        ("our bills have been spot on since the smart meter", "bill"),
        ("really fair tariff compared to everyone else", "pr"),
        ("the phone team were patient with my dad", "cs"),
    ),
    surprises=(
        (
            "knock money off our bill after a long outage",
            "they knocked money off our bill after the long outage",
            "bill out",
        ),
        ("check on my elderly mum during the storm", "they phoned to check on my elderly mum during the storm", "cs"),
        ("move us onto a cheaper tariff unprompted", "they moved us onto a cheaper tariff unprompted", "pr"),
    ),
    beats=(
        ("a day without water during the works", "it was back on in two hours", "out"),
        ("weeks of back and forth over my credit", "the refund arrived in three days", "bill"),
    ),
    questions=(
        ("do you offer an export tariff for home batteries?", "pr"),
        ("how do I move my account to a new address?", "acc"),
        ("when will smart meters be available in our postcode?", "pq"),
    ),
    wishes=(
        ("half-hourly usage graphs in the app", "app"),
        ("a cheaper overnight rate for EV charging", "pr"),
    ),
    news=(
        ("{b} to cut standing charges from July", "pr"),
        ("{b} warns of planned maintenance in the eastern districts this weekend", "out"),
    ),
    moods=(
        ("freezing, skint and it's raining. kettle on, sorry {b}", ""),
        ("ugh, exam week. running on coffee and {b} electricity", ""),
    ),
)

INSURANCE = Industry(
    name="insurance",
    brands=("Shieldwell Insurance", "Covermate", "Harbor Mutual", "Lumen Assure"),
    thing="policy",
    ref="Policy no. <XX99999999>",
    prices=("£640 a year", "$180 a month", "€55 a month", "$2,300"),
    sub="r/Insurance",
    background=(
        "I've had my car and home insurance with {b} for nine years",
        "we bought travel cover from {b} for a trip to Thailand",
        "my landlord made me take contents cover, so I picked {b}",
        "I'm a self-employed builder and insure my van with {b}",
    ),
    promises=(
        ("claims settled within 10 working days", "my claim has been open for four months", "wait bill"),
        ("*a courtesy car while mine is repaired", "I've had no car for three weeks", "pol"),
        ("new-for-old cover on my contents", "they offered me a third of what the laptop cost", "pol bill"),
        ("a 24/7 claims line", "nobody answered at 10pm after the crash", "cs out"),
        ("a loyalty discount at renewal", "my premium went up 40% for no reason", "pr"),
        ("*full cover for my phone", "they refused the claim because of a 'pre-existing' crack", "pol"),
    ),
    habits=(
        ("renewal used to be one click online", "now I have to phone and argue for an hour", "app cs"),
        ("I always got the same handler on my claims", "now I get someone new every call", "cs"),
    ),
    calm=(
        ("the excess on my renewal doubled while the cover stayed exactly the same", "pr pol"),
        ("the policy I bought for accidental damage turns out to exclude anything outside the house", "pol"),
        ("the travel cover I paid for won't cover the cancelled flight it was meant for", "pol"),
    ),
    standards=(
        ("a claim handled within a month", "it's month five", "wait"),
        ("someone who reads the photos I sent", "they asked for them four times", "cs"),
    ),
    problems=(
        ("my claim was rejected with a two-line email", "pol cs"),
        ("no one has called me back about the water damage", "cs wait"),
        ("the online portal won't let me upload photos", "app"),
        ("they cancelled my policy over a missed payment and didn't tell me", "pol bill"),
        ("the assessor was rude and rushed the whole visit", "store"),
        ("I spent 45 minutes on hold just to update my address", "wait cs"),
        ("they charged me a £50 admin fee to change my car", "bill pol"),
    ),
    praise=(
        ("my claim was paid in a week", "bill"),
        ("the handler was kind after our burglary", "cs"),
        ("cheapest quote I found and the cover is solid", "pr"),
        ("the app makes a claim really easy", "app"),
    ),
    surprises=(
        (
            "pay for a hotel while our kitchen was repaired",
            "they paid for a hotel while our kitchen was repaired",
            "pol",
        ),
        ("settle my claim over the phone in one call", "they settled my claim over the phone in one call", "cs"),
        ("refund the unused months when I sold the car", "they refunded the unused months when I sold the car", "bill"),
    ),
    beats=(
        ("a fight over the windscreen claim", "they booked a repair for the next morning", "cs"),
        ("weeks for a payout", "the money was in my account in three days", "bill"),
    ),
    questions=(
        ("does the home policy cover my bike outside the house?", "pol"),
        ("can I add my son as a named driver for a week?", "pol"),
        ("is dental included in the family health plan?", "pol"),
    ),
    wishes=(
        ("a monthly payment option without interest", "pr"),
        ("claim tracking in the app", "app"),
    ),
    news=(
        ("{b} reports record claims after the winter storms", ""),
        ("{b} to offer pay-per-mile car cover", "pr"),
    ),
    moods=(
        ("worst birthday ever and my {b} renewal letter arrived too", ""),
        ("tired of adulting. car tax, dentist, {b} renewal, all in one week", ""),
    ),
)

SAAS = Industry(
    name="software_saas",
    brands=("Taskloom", "Cloudnote", "Ledgerly", "Brisk CRM"),
    thing="subscription",
    ref="Workspace ID: <xxxx-9999>",
    prices=("$29 per seat", "$12 a month", "€99 a year", "$400 a month"),
    sub="r/SaaS",
    background=(
        "our 30-person team has run on {b} for three years",
        "I'm a freelancer and {b} is where all my invoices live",
        "we migrated our whole support desk to {b} in January",
        "I picked {b} for my small business over the big names",
    ),
    promises=(
        ("99.9% uptime", "we've had four outages this month alone", "out"),
        ("*priority support on the business plan", "our ticket sat for five days", "cs wait"),
        ("a one-click export of all our data", "the export drops every attachment", "app pol"),
        ("the same price for existing customers", "our renewal came in 60% higher", "pr"),
        ("offline mode on mobile", "nothing loads without a connection", "app"),
        ("a migration in one weekend", "we're three weeks in and half the records are missing", "pq"),
    ),
    habits=(
        ("search used to find any note in a second", "now it times out on half my queries", "app pq"),
        ("the Zapier integration always just worked", "since the update it silently fails", "app"),
        ("reports used to load instantly", "now they spin for a minute", "app pq"),
    ),
    calm=(
        ("the new update moved every menu I relied on", "app"),
        ("the redesign hid the keyboard shortcuts our team used daily", "app"),
        ("the features we bought the pro plan for are now an add-on", "pr pol"),
    ),
    standards=(
        ("a product that doesn't lose our data", "two days of work vanished", "pq"),
        ("replies from a human", "we only ever get the bot", "cs"),
    ),
    problems=(
        ("the app has been down for two hours", "out"),
        ("it crashes every time I paste an image", "app pq"),
        ("I can't log in, the SSO page just loops", "acc"),
        ("we were billed for 40 seats after removing half the team", "bill"),
        ("support closed my ticket without answering it", "cs"),
        ("sync keeps duplicating every task", "app pq"),
        ("the mobile app drains my battery", "app pq"),
    ),
    praise=(
        ("the new editor is buttery smooth", "app"),
        ("support fixed our SSO issue in twenty minutes", "cs acc"),
        ("it replaced three tools for us", "pq pr"),
        ("the API docs are excellent", "pq"),
        ("fair pricing for small teams", "pr"),
    ),
    surprises=(
        ("ship the feature I asked for in a week", "they shipped the feature I asked for within a week", "app"),
        ("refund the annual plan we forgot to cancel", "they refunded the annual plan we forgot to cancel", "bill"),
        ("get a founder to reply to my bug report", "one of the founders replied to my bug report", "cs"),
    ),
    beats=(
        ("a painful migration", "the import tool moved everything in an hour", "app"),
        ("a canned reply from support", "an engineer jumped on a call with us the same day", "cs"),
    ),
    questions=(
        ("is there a way to share a board with guests for free?", "pr pol"),
        ("does the API support webhooks on the starter plan?", "pol"),
        ("can I self-host the desktop app?", "pol"),
        ("how do I export just one project?", "app"),
    ),
    wishes=(
        ("a proper dark mode", "app"),
        ("nested subtasks", "app"),
    ),
    news=(
        ("{b} raises $40M to build its AI assistant", ""),
        ("{b} is deprecating its v1 API at the end of the year", "pol"),
    ),
    moods=(
        ("another 8am standup. monday can go away. opening {b} with my eyes half shut", ""),
        ("burnt out and it's only Wednesday. staring at my {b} board", ""),
    ),
)

STREAMING = Industry(
    name="streaming_media",
    brands=("Flixora", "Streamly", "SoundNest", "PrimeView+"),
    thing="subscription",
    ref="Account no. <99999999>",
    prices=("$15.99 a month", "£10.99 a month", "€8 a month", "$140 a year"),
    sub="r/cordcutters",
    background=(
        "we've had {b} since it launched",
        "I mostly use {b} for my commute playlists",
        "I share a {b} family plan with my parents",
        "I signed up for {b} for one show",
    ),
    promises=(
        ("*4K on the premium plan", "everything streams in blurry 720p", "pq"),
        ("*ad-free viewing", "I'm getting ads before every episode", "pq pol"),
        ("downloads for offline watching", "the downloads expire after a day", "app pol"),
        ("the whole season on release day", "only two episodes are up", "pq"),
        ("cancel anytime", "it took six screens and a phone call to cancel", "pol app"),
        ("a free trial with no charge", "they charged me on day one", "bill"),
    ),
    habits=(
        ("I used to share my account with my mum", "now she gets blocked as a 'different household'", "pol acc"),
        ("the app used to remember where I stopped", "now it starts every episode from the beginning", "app"),
        ("the catalogue used to be huge", "half the shows I watch have gone", "pq"),
    ),
    calm=(
        ("the plan we're paying the same for has lost HD quality", "pq pr"),
        ("the new home screen buried my watchlist behind three menus", "app"),
        ("the album I bought the subscription for got pulled from the catalogue", "pq"),
    ),
    standards=(
        ("a stream that doesn't buffer every ten minutes", "ours buffers through every film", "pq out"),
        ("at least subtitles that match the audio", "they're two seconds off", "pq"),
    ),
    problems=(
        ("the app keeps crashing on my TV", "app"),
        ("it's been down all evening", "out"),
        ("someone in another country is logged into my account", "acc"),
        ("I've been charged twice this month", "bill"),
        ("the last episode of the season won't load", "out pq"),
        ("I can't reset my password, the email never comes", "acc"),
        ("their support chat just sends help articles", "cs"),
    ),
    praise=(
        ("the new season is incredible", "pq"),
        ("best catalogue of documentaries anywhere", "pq"),
        ("the app is fast and so easy to use", "app"),
        ("the yearly plan is a steal", "pr"),
        ("their recommendations are scarily good", "app"),
    ),
    surprises=(
        ("refund the month I forgot to cancel", "they refunded the month I forgot to cancel", "bill"),
        ("give us a free month after the outage", "they gave everyone a free month after the outage", "bill out"),
    ),
    beats=(
        ("a so-so adaptation", "the show is better than the books", "pq"),
        ("a clunky TV app", "the TV app is the smoothest one I own", "app"),
    ),
    questions=(
        ("when does season 3 come out?", "pq"),
        ("can I download shows on two devices on the basic plan?", "pol"),
        ("does the family plan work for people at different addresses?", "pol"),
        ("is the student discount still available?", "pr"),
    ),
    wishes=(
        ("a skip intro button on every show", "app"),
        ("a cheaper plan with ads for music", "pr"),
    ),
    news=(
        ("{b} confirms a price increase for new subscribers from next month", "pr"),
        ("{b} signs a multi-year deal for Champions League streaming", ""),
    ),
    moods=(
        ("I hate Sundays, the dread is real. {b} and blanket it is", ""),
        ("breakup week. eating ice cream and watching {b} till 3am", ""),
    ),
)
