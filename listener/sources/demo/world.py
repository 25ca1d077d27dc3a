# ruff: noqa: E501  (demo sentences read better on one line each)
"""The demo world: fictional brands, their queries, their stories and their noise.

:data:`DEMO_BRANDS` is public: ``cxpulse demo`` and the sample ``config.toml``
are built from it. The profiles behind it (industry, handle, the week's story,
the homonyms and spam the query must drop) are internal to the generator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from listener.sources.demo.content_airline import AIRLINE
from listener.sources.demo.content_generic import GENERIC
from listener.sources.demo.content_telecom import TELECOM
from listener.sources.demo.model import Industry

__all__ = ["DEMO_BRANDS", "OFFTOPIC", "DemoBrand", "Profile", "Story", "profile_for"]


@dataclass(frozen=True, slots=True)
class DemoBrand:
    """One fictional brand of the demo world, ready to put in ``config.toml``."""

    name: str
    query: str
    """The brand query in the cxpulse query language."""
    competitors: tuple[str, ...] = ()
    """Names of other demo brands."""
    languages: tuple[str, ...] = ()
    """ISO 639-1 codes the brand is listened in (empty: every language)."""
    description: str = ""


DEMO_BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand(
        name="Northwind Air",
        query='(northwind OR @northwindair OR #northwindair) -"northwind traders" -airdrop',
        competitors=("Skyhop",),
        languages=("en", "es", "fr", "de", "pt"),
        description="A fictional European airline; this week its app update broke check-in.",
    ),
    DemoBrand(
        name="Skyhop",
        query='(skyhop OR @skyhop OR #skyhop) -"skyhop trampoline" -airdrop',
        competitors=("Northwind Air",),
        languages=("en", "es", "de", "pt"),
        description="A fictional low-cost airline; it just started charging for cabin bags.",
    ),
    DemoBrand(
        name="Bluefinch Mobile",
        query="(bluefinch OR @bluefinchmobile OR #bluefinchmobile) -#birding -birdwatching -airdrop",
        languages=("en", "fr", "es", "de", "pt"),
        description="A fictional mobile carrier; a network outage hit Lakeside this week.",
    ),
)


@dataclass(frozen=True, slots=True)
class Story:
    """A recent spike of one complaint that a weekly digest should surface.

    ``texts[language]`` holds ``(kind, template)`` pairs, kind being
    ``complaint`` or ``shortfall``.
    """

    topic: str
    texts: Mapping[str, tuple[tuple[str, str], ...]]
    days: int = 7
    share: float = 0.08


@dataclass(frozen=True, slots=True)
class Profile:
    """How the generator writes about one brand."""

    name: str
    industry: Industry
    handle: str
    hashtag: str
    code_prefix: str
    competitors: tuple[str, ...]
    language_weights: Mapping[str, float]
    story: Story
    homonyms: tuple[str, ...] = ()
    """On-topic-looking text that the brand query's exclusions drop."""
    spam: tuple[str, ...] = field(
        default=(
            "🚀 {brand} AIRDROP is LIVE 🚀 claim free tokens before midnight ➡ bit.ly/{code}",
            "FREE {brand} airdrop 💰💰 connect your wallet now, only {n}00 spots left",
        )
    )


_LANGS = {"en": 0.74, "es": 0.09, "fr": 0.06, "de": 0.06, "pt": 0.05}
OFFTOPIC = (
    "#travel #wanderlust #photooftheday follow for follow",
    "good morning everyone ☀️ coffee first",
    "who else is watching the match tonight?",
)
"""Noise without any brand term: the query drops it."""

_PROFILES: dict[str, Profile] = {
    "Northwind Air": Profile(
        name="Northwind Air",
        industry=AIRLINE,
        handle="northwindair",
        hashtag="northwindair",
        code_prefix="NW",
        competitors=("Skyhop",),
        language_weights=_LANGS,
        story=Story(
            topic="checkin_app",
            texts={
                "en": (
                    (
                        "complaint",
                        "the {brand} app update {version} crashes every time I tap check-in",
                    ),
                    (
                        "complaint",
                        "can't check in since the {brand} app update, stuck at the airport queue",
                    ),
                    (
                        "shortfall",
                        "check-in used to take 10 seconds in the {brand} app, since {version} it doesn't work at all",
                    ),
                    (
                        "shortfall",
                        "{brand} says the new app makes check-in faster, it logs me out at the boarding pass step",
                    ),
                    (
                        "complaint",
                        "boarding pass disappeared from the {brand} app after updating to {version}",
                    ),
                ),
                "es": (
                    (
                        "complaint",
                        "desde la actualización {version} la app de {brand} no me deja hacer el check-in",
                    ),
                    (
                        "shortfall",
                        "antes el check-in con la app de {brand} era inmediato, ahora se cuelga",
                    ),
                ),
                "de": (
                    (
                        "complaint",
                        "seit dem Update {version} stürzt die {brand} App beim Check-in ab",
                    ),
                ),
                "fr": (
                    (
                        "shortfall",
                        "l'enregistrement marchait très bien avant la mise à jour {version}, maintenant l'appli {brand} plante",
                    ),
                ),
            },
        ),
        homonyms=(
            "loading the Northwind Traders sample database into Postgres for my SQL class",
            "Northwind Traders query practice: top {n} customers by order value",
            "why does every Access tutorial still use Northwind Traders?",
        ),
    ),
    "Skyhop": Profile(
        name="Skyhop",
        industry=AIRLINE,
        handle="skyhop",
        hashtag="skyhop",
        code_prefix="SH",
        competitors=("Northwind Air",),
        language_weights={"en": 0.78, "es": 0.1, "de": 0.07, "pt": 0.05},
        story=Story(
            topic="fees",
            days=10,
            texts={
                "en": (
                    ("shortfall", "{brand} cabin bags used to be free, now it's {amount} each way"),
                    ("complaint", "{brand} charged me {amount} for a tiny backpack at the gate"),
                    (
                        "shortfall",
                        "booked {brand} because the bag was included, new fee means I paid {amount} more than advertised",
                    ),
                    (
                        "complaint",
                        "new {brand} carry-on fee, {amount} for a bag that fits under the seat",
                    ),
                ),
                "es": (
                    (
                        "shortfall",
                        "antes la maleta de cabina era gratis en {brand}, ahora cobran {amount}",
                    ),
                ),
                "de": (("complaint", "{brand} verlangt jetzt {amount} fürs Handgepäck"),),
            },
        ),
        homonyms=(
            "Skyhop Trampoline Park birthday party was chaos but the kids loved it",
            "Skyhop Trampoline Park in {city} is closed for renovation",
        ),
    ),
    "Bluefinch Mobile": Profile(
        name="Bluefinch Mobile",
        industry=TELECOM,
        handle="bluefinchmobile",
        hashtag="bluefinchmobile",
        code_prefix="BF",
        competitors=(),
        language_weights=_LANGS,
        story=Story(
            topic="coverage",
            days=5,
            texts={
                "en": (
                    ("complaint", "{brand} outage in Lakeside, no calls or data since Tuesday"),
                    ("complaint", "still no {brand} network in Lakeside, working from a café"),
                    (
                        "shortfall",
                        "{brand} status page says all services normal, Lakeside has had nothing for {n} days",
                    ),
                    (
                        "shortfall",
                        "I pay {brand} for a network that's supposed to just work, Lakeside is dead for the {n}th day",
                    ),
                ),
                "fr": (("complaint", "panne {brand} à Lakeside, plus rien depuis mardi"),),
            },
        ),
        homonyms=(
            "finally spotted a bluefinch at the feeder this morning 🐦 #birding",
            "bluefinch pair nesting in the hedge again, birdwatching season is on",
        ),
    ),
}


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower()) or "brand"


def profile_for(name: str, competitors: tuple[str, ...] = ()) -> Profile:
    """The demo profile of ``name``; a generic consumer-brand one when it isn't a demo brand."""
    known = _PROFILES.get(name)
    if known is not None:
        return known
    slug = _slug(name)
    return Profile(
        name=name,
        industry=GENERIC,
        handle=slug,
        hashtag=slug,
        code_prefix=slug[:2].upper(),
        competitors=competitors,
        language_weights=_LANGS,
        story=Story(
            topic="delivery",
            texts={
                "en": (
                    ("complaint", "{brand} order {code} stuck in the warehouse for {n} days"),
                    (
                        "shortfall",
                        "{brand} promised delivery by Friday, tracking still says 'label created'",
                    ),
                    ("complaint", "is anyone else's {brand} order delayed this week?"),
                ),
            },
        ),
    )
