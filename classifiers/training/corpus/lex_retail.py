"""Lexicon: e-commerce, food delivery, consumer electronics, grocery, fitness."""

from __future__ import annotations

from .industry import Industry

__all__ = ["ECOMMERCE", "ELECTRONICS", "FITNESS", "FOOD_DELIVERY", "GROCERY"]

ECOMMERCE = Industry(
    name="ecommerce_retail",
    brands=("Parcelio", "ShopHaven", "Trendora", "Basketly"),
    thing="order",
    ref="Order #<XX-9999999>",
    prices=("$60", "£120", "€35", "$15 shipping"),
    sub="r/onlineshopping",
    background=(
        "I do most of my shopping on {b} these days",
        "I ordered a birthday present for my sister on {b}",
        "I've been a {b} plus member for four years",
        "we furnished half our flat through {b}",
    ),
    promises=(
        ("*2-day delivery", "it took three weeks", "del"),
        ("free returns", "they deducted £8.99 from my refund for the label", "pol bill"),
        ("delivery before Christmas", "it turned up on the 29th", "del"),
        ("a refund within 5 working days of the return", "it's been a month since they signed for it", "bill"),
        ("'real leather' in the listing", "it's plastic that's already peeling", "pq"),
        ("a size M exactly like the chart", "it fits like an XS", "pq"),
        ("next-day delivery if I ordered before 10pm", "the tracking still says 'preparing' four days later", "del"),
    ),
    habits=(
        ("deliveries used to come in a day or two", "now it's a week minimum", "del"),
        ("returns used to be a drop-off at any shop", "now I have to print labels and book a courier", "pol"),
        ("I used to get a real person on chat", "now it's a bot that loops", "cs"),
    ),
    calm=(
        ("the jacket I ordered in navy came in a completely different blue from the photos", "pq"),
        ("the membership I pay for no longer includes free delivery on small orders", "pol pr"),
        ("the 'next day' option at checkout gave me a slot for next week", "del"),
    ),
    standards=(
        ("something that survives a single wash", "the seams came apart straight away", "pq"),
        ("a box that isn't crushed", "mine looked like it had been sat on", "del"),
    ),
    problems=(
        ("my order still hasn't arrived", "del"),
        ("the courier left my parcel in the rain", "del"),
        ("the zip broke the first time I used it", "pq"),
        ("I got charged twice for one order", "bill"),
        ("the website keeps emptying my basket at checkout", "app"),
        ("three emails to support and not one reply", "cs"),
        ("tracking hasn't updated in nine days", "del"),
        ("they cancelled my order and kept the money", "bill"),
    ),
    praise=(
        ("arrived the next day, beautifully packed", "del"),
        ("the quality is amazing for the price", "pq pr"),
        ("returns were painless", "pol"),
        ("support replaced my broken mug with no fuss", "cs"),
        ("checkout is quick and easy", "app"),
    ),
    surprises=(
        (
            "refund me without asking for the item back",
            "they refunded me without even asking for the item back",
            "bill",
        ),
        (
            "send a replacement before my return arrived",
            "they sent a replacement before my return had even arrived",
            "cs del",
        ),
        ("include a handwritten note in the box", "there was a handwritten thank-you note in the box", "pq"),
    ),
    beats=(
        ("5-7 days delivery", "it arrived the next morning", "del"),
        ("a cheap-feeling dupe", "the bag feels like the designer one", "pq"),
    ),
    questions=(
        ("do you ship to Ireland?", "del"),
        ("does this sofa come assembled?", "pq"),
        ("is the blue one back in stock soon?", "pq"),
        ("can I change the delivery address after ordering?", "del"),
    ),
    wishes=(
        ("a way to combine orders into one delivery", "del"),
        ("more size info on the product pages", "app"),
    ),
    news=(
        ("{b} to open its first physical store in Manchester", "store"),
        ("{b} will start charging for returns on sale items", "pol pr"),
    ),
    moods=(
        ("i hate mondays. retail therapy on {b} it is", ""),
        ("feeling rubbish today, adding things to my {b} basket and not buying them", ""),
    ),
)

FOOD_DELIVERY = Industry(
    name="food_delivery",
    brands=("Munchly", "GrubRoute", "Dishdash", "Bitebox"),
    thing="order",
    ref="Order ID: <999999999>",
    prices=("$38", "£24", "€19", "a £3.99 delivery fee"),
    sub="r/doordash",
    background=(
        "I order from {b} on Friday nights with my flatmates",
        "I'm a nurse on night shifts and {b} feeds me",
        "we ordered {b} for my son's birthday party",
        "I have a {b} pass for free delivery",
    ),
    promises=(
        ("delivery in 25-35 minutes", "the food turned up after an hour and a half", "del wait"),
        ("*free delivery with my pass", "I was charged a £2.99 delivery fee anyway", "bill pol"),
        ("a refund for the missing items", "they gave me a voucher I didn't ask for", "bill"),
        ("contactless delivery to my door", "the driver left it in the lobby downstairs", "del"),
        ("a large pizza", "what turned up was the size of a side plate", "pq"),
        ("hot food", "everything was stone cold", "pq del"),
    ),
    habits=(
        ("the delivery fee used to be a pound", "now it's £3.99 plus a 'service fee'", "pr"),
        (
            "my order always came from the branch round the corner",
            "now it comes from across town and arrives cold",
            "del pq",
        ),
        ("support used to refund missing items straight away", "now they want photos and argue", "cs bill"),
    ),
    calm=(
        ("the meal deal I ordered every week has dropped the drink and kept the price", "pr"),
        ("my 'free delivery' pass now has a minimum order I don't always reach", "pol pr"),
    ),
    standards=(
        ("the right order", "I got someone else's curry", "pq"),
        ("a driver who can find a front door", "he called me six times from the wrong street", "del"),
    ),
    problems=(
        ("half my order is missing", "del"),
        ("the driver ate my fries, the bag was open", "del"),
        ("my food has been 'on the way' for an hour", "del wait"),
        ("the app charged me but the order never went through", "app bill"),
        ("the burger was raw in the middle", "pq"),
        ("support ended the chat before fixing anything", "cs"),
        ("the delivery guy was rude when I asked for my drink", "store"),
    ),
    praise=(
        ("food arrived piping hot and fast", "del pq"),
        ("the driver was so friendly", "store"),
        ("best sushi I've had from an app", "pq"),
        ("the app is easy and the tracking is accurate", "app"),
        ("the deals this week were great", "pr"),
    ),
    surprises=(
        (
            "refund the whole order over one missing drink",
            "they refunded the whole order over one missing drink",
            "bill",
        ),
        ("throw in free dessert for the delay", "they threw in a free dessert for the delay", "pq"),
        (
            "bring it up six floors when the lift was broken",
            "the driver brought it up six floors when the lift was broken",
            "store del",
        ),
    ),
    beats=(
        ("a 50-minute wait on a Friday night", "it was at the door in 20", "del wait"),
        ("soggy takeaway chips", "they were crispier than at the restaurant", "pq"),
    ),
    questions=(
        ("do you deliver to the university campus?", "del"),
        ("can I schedule an order for tomorrow lunchtime?", "app"),
        ("is the pass worth it if I order twice a month?", "pr"),
    ),
    wishes=(
        ("a filter for restaurants with vegan options", "app"),
        ("the option to tip after delivery", "app"),
    ),
    news=(
        ("{b} partners with 200 new restaurants in Leeds", ""),
        ("{b} introduces a small-order fee from next week", "pr pol"),
    ),
    moods=(
        ("hate mondays. coffee from {b} please, I can't face the world", ""),
        ("rough day at work. ordering {b} and crawling into bed", ""),
    ),
)

ELECTRONICS = Industry(
    name="consumer_electronics",
    brands=("Voltra", "Lumio", "Ostrich Audio", "Kinetix"),
    thing="device",
    ref="Serial no. <XX9999999999>",
    prices=("$899", "£249", "€129", "$1,499"),
    sub="r/headphones",
    background=(
        "I bought the {b} laptop for uni",
        "I saved up for months for the {b} headphones",
        "I've owned every {b} phone since the first one",
        "I bought a {b} TV for the World Cup",
    ),
    promises=(
        ("*30 hours of battery", "I get about nine", "pq"),
        ("a 2-year warranty", "they refused the repair because the box wasn't original", "pol"),
        ("waterproof to 50 metres", "it fogged up in the shower", "pq"),
        ("*noise cancelling that blocks out a plane", "I can hear the person next to me typing", "pq"),
        ("software updates for five years", "they dropped my model after two", "pol app"),
        ("a repair turnaround of 7 days", "my phone has been at the service centre for five weeks", "wait store"),
    ),
    habits=(
        ("the battery used to last two days", "after the update it's dead by lunch", "pq app"),
        ("the companion app used to pair in seconds", "now it takes three tries", "app"),
        ("the old model came with a charger", "this one comes with nothing", "pol pr"),
    ),
    calm=(
        ("the firmware update removed the EQ settings I bought these headphones for", "app pq"),
        ("the 'free' cloud storage that came with the camera now needs a subscription", "pr pol"),
        ("the smart watch I bought for sleep tracking stopped tracking sleep after the update", "pq app"),
    ),
    standards=(
        ("a screen that doesn't scratch in a week", "mine is already scratched", "pq"),
        ("a laptop that doesn't overheat on video calls", "it sounds like a jet engine", "pq"),
    ),
    problems=(
        ("my headphones stopped charging after a month", "pq"),
        ("the screen cracked on its own in my pocket", "pq"),
        ("the app keeps disconnecting from the speaker", "app"),
        ("they charged me for a repair that should be under warranty", "bill pol"),
        ("the guy at the store couldn't answer a single question", "store"),
        ("the TV arrived with a dead pixel line", "pq del"),
        ("can't log into the account to register my warranty", "acc"),
    ),
    praise=(
        ("the sound quality is unreal", "pq"),
        ("the battery easily lasts all day", "pq"),
        ("setup took two minutes", "app"),
        ("the store staff helped me pick the right model", "store"),
        ("for the price nothing comes close", "pr"),
    ),
    surprises=(
        ("replace my cracked screen for free", "they replaced my cracked screen for free", "cs pq"),
        (
            "send a new unit before I returned the old one",
            "they sent a new unit before I'd even returned the old one",
            "cs del",
        ),
        ("add a feature to a three-year-old model", "they added a whole new feature to my three-year-old model", "app"),
    ),
    beats=(
        ("average budget earbuds", "they sound like ones three times the price", "pq pr"),
        ("a battery that lasts a day", "it goes three days between charges", "pq"),
    ),
    questions=(
        ("does the new watch work with Android?", "pq"),
        ("is the 256GB model coming back in stock?", "pq"),
        ("can I use the charger from the old model?", "pq"),
        ("what's the difference between the S and the Pro?", "pq pr"),
    ),
    wishes=(
        ("a multipoint Bluetooth option", "pq"),
        ("a cheaper replacement battery programme", "pr"),
    ),
    news=(
        ("{b} unveils its new foldable at the Berlin trade fair", ""),
        ("{b} recalls 20,000 power banks over overheating risk", "pq"),
    ),
    moods=(
        ("i hate mondays. at least my {b} headphones drown out the office", ""),
        ("everything is going wrong this week. new {b} laptop is the only thing keeping me sane", ""),
    ),
)

GROCERY = Industry(
    name="grocery_supermarket",
    brands=("FreshCart", "Greenbasket", "Marlow's Market", "ValuMart"),
    thing="shop",
    ref="Order no. <99999999>",
    prices=("£90", "$150", "€70", "£2.50"),
    sub="r/CasualUK",
    background=(
        "I do a big {b} shop every Saturday for a family of five",
        "{b} is the only supermarket near my flat",
        "I've had a {b} delivery saver for two years",
        "my dad shops at the {b} on the high street every day",
    ),
    promises=(
        ("a delivery slot between 6 and 7", "the van came at 9:40", "del wait"),
        ("fresh produce that lasts at least 5 days", "the strawberries were mouldy the next morning", "pq"),
        ("the price on the shelf", "the till charged me £2 more", "bill pr store"),
        ("*substitutions only with my approval", "they swapped my oat milk for cream", "pol del"),
        ("the loyalty points on every shop", "my points haven't been added for a month", "acc pr"),
        ("the offer price in the app", "it wasn't applied at the till", "pr app"),
    ),
    habits=(
        ("there were always six tills open on Saturday", "now it's one till and the self-checkouts", "store wait"),
        ("the bakery used to do fresh bread all day", "now it's gone by 11am", "pq"),
        ("the meal deal used to be £3", "now it's £4 without the card", "pr"),
    ),
    calm=(
        ("the 'family size' pack I always buy has got smaller but the price hasn't", "pr pq"),
        ("the delivery pass I pay for now only works on weekday slots", "pol pr"),
        ("the app's substitution settings got reset and I didn't notice until the order arrived", "app"),
    ),
    standards=(
        ("eggs that aren't cracked", "half the box was broken", "pq del"),
        ("more than one till open on a Saturday", "the queue went down the aisle", "wait store"),
    ),
    problems=(
        ("the self-checkout keeps saying unexpected item", "store"),
        ("the milk in my delivery was out of date", "pq del"),
        ("a security guard followed me around the store", "store"),
        ("half my online order was missing", "del"),
        ("the queue at the tills was 20 minutes", "wait store"),
        ("the app won't accept my card", "app bill"),
        ("the chicken smelled off straight from the pack", "pq"),
    ),
    praise=(
        ("the staff on the fish counter are lovely", "store"),
        ("the delivery driver carried everything into the kitchen for my nan", "del store"),
        ("the own-brand stuff is cheap and just as good", "pr pq"),
        ("the new store layout is so much easier", "store"),
        ("click and collect was ready early", "del wait"),
    ),
    surprises=(
        (
            "refund me for the bruised apples without a receipt",
            "they refunded the bruised apples without a receipt",
            "bill store",
        ),
        (
            "carry my shopping to the car in the rain",
            "a staff member carried my shopping to the car in the rain",
            "store",
        ),
        ("give my son a free fruit at the till", "the cashier gave my son a free banana", "store"),
    ),
    beats=(
        ("a substitution mess", "every single item was there", "del"),
        ("a sad supermarket sandwich", "it was genuinely as good as a café", "pq"),
    ),
    questions=(
        ("what time does the Elm Road store open on bank holidays?", "store"),
        ("do you sell gluten-free bread in the small branches?", "pq"),
        ("can I use two coupons on one shop?", "pr pol"),
    ),
    wishes=(
        ("more own-brand vegan options", "pq"),
        ("a way to save my usual shop as a list", "app"),
    ),
    news=(
        ("{b} cuts prices on 300 everyday items", "pr"),
        ("{b} to trial checkout-free stores in London", "store"),
    ),
    moods=(
        ("worst day at work. standing in {b} buying ice cream for dinner", ""),
        ("mondays are the worst. {b} coffee aisle, save me", ""),
    ),
)

FITNESS = Industry(
    name="fitness_gym",
    brands=("IronPeak Gyms", "FlexHub", "PulseFit Studios", "Summit Climbing Co"),
    thing="membership",
    ref="Member no. <9999999>",
    prices=("£35 a month", "$60 a month", "€29 a month", "$499 a year"),
    sub="r/GYM",
    background=(
        "I've been a member at my local {b} for three years",
        "I joined {b} in January like everyone else",
        "I train at {b} before work every day",
        "my physio told me to start swimming, so I joined {b}",
    ),
    promises=(
        ("24/7 access", "the doors are locked after 10pm half the week", "pol out"),
        ("cancel anytime with no fees", "they want two months' notice and a £40 exit fee", "pol bill"),
        ("*a personal trainer session each month", "I've had one in six months", "store"),
        ("a fully equipped weights area", "there are two benches for the whole gym", "pq"),
        ("a frozen membership while I'm injured", "they kept charging me anyway", "bill pol"),
        ("*classes bookable a week ahead", "everything is full within a minute of opening", "app wait"),
    ),
    habits=(
        ("the changing rooms used to be spotless", "now the showers are cold and filthy", "pq store"),
        ("the class app used to be simple", "now it takes five taps and crashes", "app"),
        ("the pool used to be open till 10", "now it closes at 7", "pol"),
    ),
    calm=(
        ("the membership I signed up for at £25 is now £35 with no new equipment", "pr"),
        ("the 'all clubs' pass I pay extra for doesn't work at the new clubs", "pol pr"),
        ("the pool I joined for has been closed for refurbishment since March", "pq out"),
    ),
    standards=(
        ("machines that work", "three treadmills have 'out of order' signs", "pq"),
        ("some staff on the floor", "there was nobody at the desk all evening", "store"),
    ),
    problems=(
        ("the showers have been cold for a week", "pq"),
        ("someone at reception was really rude about my card", "store"),
        ("the app won't let me book any classes", "app"),
        ("they charged me a joining fee twice", "bill"),
        ("the queue for the squat rack is 30 minutes every evening", "wait pq"),
        ("I can't log into the member portal since the update", "acc app"),
        ("the air con has been broken all summer", "pq"),
    ),
    praise=(
        ("the trainers are so encouraging", "store"),
        ("clean, never too busy, great kit", "pq"),
        ("the spin classes are the best in town", "pq"),
        ("cheap and does exactly what I need", "pr"),
        ("booking a class in the app takes seconds", "app"),
    ),
    surprises=(
        (
            "freeze my membership free while I was in hospital",
            "they froze my membership free while I was in hospital",
            "pol bill",
        ),
        ("write me a full training plan at no charge", "a trainer wrote me a full plan at no charge", "store"),
        ("refund the month the pool was shut", "they refunded the month the pool was shut", "bill"),
    ),
    beats=(
        ("a crowded budget gym", "it's quieter and cleaner than my old premium one", "pq"),
        ("a hard sell at the intro session", "the coach just helped me and never pushed a contract", "store"),
    ),
    questions=(
        ("can I bring a guest on weekends?", "pol"),
        ("do you have a student rate?", "pr"),
        ("what time do the morning yoga classes start?", "store"),
    ),
    wishes=(
        ("a few more squat racks", "pq"),
        ("a waitlist for full classes", "app"),
    ),
    news=(
        ("{b} opens three new clubs in the north west", ""),
        ("{b} to introduce off-peak memberships from April", "pr"),
    ),
    moods=(
        ("hate mondays. dragging myself to {b} anyway", ""),
        ("awful week. going to {b} to punch a bag", ""),
    ),
)
