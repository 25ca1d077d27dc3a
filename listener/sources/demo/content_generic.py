"""What customers say about any consumer brand (used for brands outside the demo world)."""

from __future__ import annotations

from listener.sources.demo.model import Industry, TopicText

__all__ = ["GENERIC"]

_EN = {
    "delivery": TopicText(
        problems=(
            "my {brand} order {code} still hasn't arrived",
            "{brand} parcel left at the wrong address in {city}",
            "tracking for my {brand} order hasn't moved in {n} days",
        ),
        shortfalls=(
            "advertised 2-day shipping, it's been {n} weeks",
            "{brand} used to deliver next day, now it's a week",
            "paid {amount} for express delivery and it came with the normal post",
        ),
        praise=("{brand} order arrived the next morning, well packed",),
        exceeded=("ordered from {brand} at midnight and it arrived before lunch, didn't expect that",),
        questions=("does {brand} deliver to {city}?",),
        details=("Order {code}.", "Nobody replies to emails."),
    ),
    "product_quality": TopicText(
        problems=(
            "the {brand} charger I bought stopped working after {n} days",
            "{brand} jacket seam came apart on the first wash",
        ),
        shortfalls=(
            "the {brand} product page says waterproof, it leaked on the first rainy walk",
            "for this price I expect it to last more than a month",
            "{brand} quality used to be great, this one feels cheap",
        ),
        praise=("still using my {brand} backpack after {n} years, built to last",),
        exceeded=("honestly better than advertised, {brand} nailed this one",),
        questions=("is the {brand} kettle dishwasher safe?",),
    ),
    "returns": TopicText(
        problems=(
            "can I get a refund for the broken {brand} blender?",
            "{brand} rejected my return with no explanation",
        ),
        shortfalls=(
            "you promised a free return label, I was charged {amount}",
            "refund was supposed to take 5 days, still waiting after {n} weeks",
        ),
        praise=("{brand} return was quick, refund in two days",),
        exceeded=("{brand} refunded me without even asking for the item back, pleasantly surprised",),
        questions=("how long is the {brand} return window?",),
    ),
    "pricing": TopicText(
        problems=("{brand} prices went up {amount} overnight",),
        shortfalls=("the ad said {amount} off, at checkout the discount disappeared",),
        praise=("{brand} sale prices are actually good this year",),
        questions=("does {brand} price match?",),
    ),
    "customer_service": TopicText(
        problems=(
            "on hold with {brand} for {mins} minutes",
            "{brand} chat closed my case unresolved",
        ),
        shortfalls=("the agent said someone would call me back, nobody did",),
        praise=("{brand} support was friendly and fast",),
        exceeded=("the {brand} agent went above and beyond to fix my order",),
        questions=("what's the best way to contact {brand} support?",),
    ),
    "website": TopicText(
        problems=("{brand} checkout keeps failing on payment",),
        shortfalls=("the new {brand} website moved everything I relied on",),
        praise=("the {brand} app is easy to use",),
        questions=("can I change my {brand} order after paying?",),
    ),
}

_ES = {
    "delivery": TopicText(
        problems=("mi pedido de {brand} todavía no ha llegado",),
        shortfalls=("anunciaban envío en 2 días y ya van {n} semanas",),
        praise=("el pedido de {brand} llegó al día siguiente, perfecto",),
    ),
    "customer_service": TopicText(
        problems=("llevo {mins} minutos esperando a {brand}",),
        exceeded=("el agente de {brand} fue mucho más allá de lo que esperaba",),
    ),
}

_FR = {
    "delivery": TopicText(
        problems=("ma commande {brand} n'est toujours pas arrivée",),
        shortfalls=("livraison en 2 jours annoncée, ça fait {n} semaines",),
        praise=("commande {brand} reçue le lendemain, nickel",),
    ),
    "returns": TopicText(
        problems=("{brand} a refusé mon retour sans explication",),
        exceeded=("remboursé par {brand} sans renvoyer l'article, agréablement surpris",),
    ),
}

_DE = {
    "delivery": TopicText(
        problems=("meine {brand} Bestellung ist immer noch nicht da",),
        shortfalls=("Lieferung in 2 Tagen versprochen, jetzt sind es {n} Wochen",),
        praise=("{brand} Paket kam schon am nächsten Tag, super",),
    ),
    "product_quality": TopicText(
        problems=("das {brand} Ladegerät ist nach {n} Tagen kaputt",),
        exceeded=("besser als beworben, {brand} hat mich positiv überrascht",),
    ),
}

_PT = {
    "delivery": TopicText(
        problems=("meu pedido da {brand} ainda não chegou",),
        shortfalls=("prometeram entrega em 2 dias e já são {n} semanas",),
        praise=("pedido da {brand} chegou no dia seguinte, ótimo",),
    ),
    "customer_service": TopicText(
        problems=("{mins} minutos esperando o atendimento da {brand}",),
        exceeded=("o atendimento da {brand} superou minhas expectativas",),
    ),
}

GENERIC = Industry(
    key="generic",
    topics={"en": _EN, "es": _ES, "fr": _FR, "de": _DE, "pt": _PT},
    sarcasm={
        "en": (
            "love waiting {n} weeks for a parcel, thanks {brand}",
            "wow {brand}, a broken product AND a return fee. impressive",
        ),
    },
    news={
        "en": (
            "{brand} opens a new store in {city}",
            "{brand} announces its spring collection",
        ),
        "es": ("{brand} abre una nueva tienda en {city}",),
        "fr": ("{brand} ouvre une boutique à {city}",),
        "de": ("{brand} eröffnet eine Filiale in {city}",),
        "pt": ("{brand} abre nova loja em {city}",),
    },
    switching={
        "en": ("done with {brand}, ordering from {competitor} from now on",),
        "es": ("me cambio a {competitor}, {brand} ya no me convence",),
    },
    mood={"en": ("I hate Mondays. {brand} coffee please",)},
    contexts={
        "en": (
            ("loyal_customer", "Been buying from {brand} for {n} years."),
            ("first_time", "First order from {brand}."),
            ("parent", "Bought it for my daughter's birthday."),
            ("gift", "It was a gift for my dad."),
        ),
        "es": (("first_time", "Primer pedido en {brand}."),),
        "fr": (("loyal_customer", "Client {brand} depuis {n} ans."),),
        "de": (("first_time", "Erste Bestellung bei {brand}."),),
        "pt": (("first_time", "Primeiro pedido na {brand}."),),
    },
    cities=("Springfield", "Riverton", "Lakeside", "Oakdale", "Brookfield", "Fairview"),
)
