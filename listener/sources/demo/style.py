"""How each channel and language dresses a sentence: authors, closers, emoji, layout.

Everything here is a pure function of a seeded ``random.Random`` and its
arguments, so the generator stays deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from random import Random
from typing import TypeVar

__all__ = ["Author", "author", "dress", "pick"]

_T = TypeVar("_T")


def pick(rng: Random, items: Sequence[_T]) -> _T:
    """A uniform choice, a little faster than ``Random.choice``."""
    return items[int(rng.random() * len(items))]


_FIRST = {
    "en": (
        "James",
        "Olivia",
        "Liam",
        "Emma",
        "Noah",
        "Ava",
        "Priya",
        "Tom",
        "Grace",
        "Sam",
        "Chloe",
        "Ben",
        "Aisha",
        "Jack",
        "Mia",
        "Ryan",
        "Zoe",
        "Dan",
        "Ella",
        "Omar",
    ),
    "es": (
        "Lucía",
        "Javier",
        "Carmen",
        "Diego",
        "Sofía",
        "Pablo",
        "Marta",
        "Andrés",
        "Elena",
        "Raúl",
    ),
    "fr": ("Camille", "Louis", "Chloé", "Hugo", "Léa", "Julien", "Manon", "Théo", "Inès", "Paul"),
    "de": ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Tobias", "Sophie", "Jan", "Hannah"),
    "pt": (
        "João",
        "Ana",
        "Pedro",
        "Beatriz",
        "Lucas",
        "Mariana",
        "Rafael",
        "Camila",
        "Tiago",
        "Inês",
    ),
}
_LAST = {
    "en": (
        "Smith",
        "Patel",
        "Jones",
        "Brown",
        "Walsh",
        "Khan",
        "Taylor",
        "Nguyen",
        "Evans",
        "Reid",
        "Clarke",
        "Murphy",
        "Hughes",
        "Lee",
        "Wright",
    ),
    "es": ("García", "Martínez", "López", "Sánchez", "Romero", "Navarro", "Torres", "Ruiz"),
    "fr": ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Girard", "Roux", "Fournier"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann"),
    "pt": ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Ferreira", "Almeida", "Pereira"),
}
_WORDS = (
    "sky",
    "coffee",
    "pixel",
    "blue",
    "wander",
    "night",
    "sunny",
    "retro",
    "urban",
    "quiet",
    "lazy",
    "cosmic",
    "salty",
    "tiny",
    "big",
    "happy",
    "grumpy",
    "wild",
)
_NOUNS = (
    "fox",
    "owl",
    "traveller",
    "nomad",
    "panda",
    "rider",
    "cat",
    "dev",
    "mum",
    "dad",
    "chef",
    "runner",
    "geek",
    "bee",
)
_MAILS = ("example.com", "example.org", "example.net")


class Author:
    """Who wrote a mention: derived from an author number, so authors repeat."""

    __slots__ = ("email", "followers", "handle", "name", "short_name")

    def __init__(self, handle: str, name: str, followers: int, email: str) -> None:
        self.handle = handle
        self.name = name
        self.followers = followers
        self.email = email
        first, _, last = name.partition(" ")
        self.short_name = f"{first} {last[:1]}."
        """How review sites show a reviewer: first name and initial."""


@lru_cache(maxsize=65536)
def author(lang: str, number: int) -> Author:
    """The author ``number`` of language ``lang`` (same number, same author)."""
    firsts = _FIRST.get(lang, _FIRST["en"])
    lasts = _LAST.get(lang, _LAST["en"])
    h = (number * 2654435761 + 97) % 4294967296
    first = firsts[h % len(firsts)]
    last = lasts[(h >> 8) % len(lasts)]
    style = (h >> 16) % 4
    plain = first.lower().translate(_ASCII) + last.lower().translate(_ASCII)
    if style == 0:
        handle = plain
    elif style == 1:
        handle = f"{first.lower().translate(_ASCII)}_{number % 1000}"
    elif style == 2:
        handle = f"{_WORDS[(h >> 4) % len(_WORDS)]}{_NOUNS[(h >> 12) % len(_NOUNS)]}{number % 97}"
    else:
        handle = f"{plain[:12]}{h % 90 + 10}"
    u = ((h * 40503) % 65536 + 0.5) / 65536.0
    followers = min(int(15.0 / (1.0 - u) ** 1.1), 2_500_000)
    email = f"{first.lower().translate(_ASCII)}.{last.lower().translate(_ASCII)}@{_MAILS[h % 3]}"
    return Author(handle, f"{first} {last}", followers, email)


_ASCII = str.maketrans("áéíóúàèìòùâêîôûãõçñäöüß", "aeiouaeiouaeiouaocnaous")

_CLOSERS = {
    "en": {
        "anger": ("Unacceptable.", "Absolutely ridiculous.", "Sort it out.", "Fuming.", "Not ok."),
        "frustration": ("Again.", "Every single time.", "Come on.", "Seriously?", "Ugh.", "Great."),
        "disappointment": (
            "Really disappointed.",
            "Sad to see.",
            "Shame.",
            "Not what I signed up for.",
        ),
        "anxiety": ("Can someone please help?", "What do I do now?", "Getting worried.", "Help?"),
        "delight": ("Thank you!", "Love it.", "Made my day.", "10/10.", "Cheers!", "Well done."),
        "none": ("", "", "Thanks.", "Any idea?"),
    },
    "es": {
        "anger": ("Inaceptable.", "Vergonzoso."),
        "frustration": ("Otra vez.", "En fin."),
        "disappointment": ("Qué decepción.",),
        "anxiety": ("¿Alguien me ayuda?",),
        "delight": ("¡Gracias!", "¡Genial!"),
        "none": ("", "Gracias."),
    },
    "fr": {
        "anger": ("Inadmissible.", "Honteux."),
        "frustration": ("Encore.", "Pénible."),
        "disappointment": ("Très déçu.",),
        "anxiety": ("Quelqu'un peut m'aider ?",),
        "delight": ("Merci !", "Top !"),
        "none": ("", "Merci."),
    },
    "de": {
        "anger": ("Unverschämt.", "Frechheit."),
        "frustration": ("Schon wieder.", "Nervig."),
        "disappointment": ("Sehr enttäuschend.",),
        "anxiety": ("Kann mir jemand helfen?",),
        "delight": ("Danke!", "Super!"),
        "none": ("", "Danke."),
    },
    "pt": {
        "anger": ("Inaceitável.", "Um absurdo."),
        "frustration": ("De novo.", "Complicado."),
        "disappointment": ("Que decepção.",),
        "anxiety": ("Alguém pode ajudar?",),
        "delight": ("Obrigado!", "Top!"),
        "none": ("", "Obrigado."),
    },
}
_EMOJI = {
    "anger": ("😡", "🤬", "😤"),
    "frustration": ("🙄", "😩", "🤦", "😒"),
    "disappointment": ("😞", "😔", "💔"),
    "anxiety": ("😟", "😰", "🙏"),
    "delight": ("😍", "🙌", "❤️", "👏", "✨", "😊"),
    "none": ("🤔", "👀", ""),
    "sarcasm": ("🙃", "👏", "🙂"),
}
_EMAIL = {
    "en": (
        ("Dear {brand} team,", "Hello {brand},", "To whom it may concern at {brand},"),
        ("Kind regards,", "Best regards,", "Sincerely,"),
        ("Reference: {code}.", "My booking reference is {code}."),
    ),
    "es": (
        ("Estimados señores de {brand}:", "Hola equipo de {brand}:"),
        ("Un saludo,", "Atentamente,"),
        ("Referencia: {code}.",),
    ),
    "fr": (
        ("À l'attention du service client {brand},", "Bonjour l'équipe {brand},"),
        ("Cordialement,", "Bien à vous,"),
        ("Référence : {code}.",),
    ),
    "de": (
        ("Sehr geehrte Damen und Herren von {brand},", "Hallo {brand} Team,"),
        ("Mit freundlichen Grüßen", "Viele Grüße"),
        ("Referenz: {code}.",),
    ),
    "pt": (
        ("Prezados da {brand},", "Olá equipe {brand},"),
        ("Atenciosamente,", "Abraços,"),
        ("Referência: {code}.",),
    ),
}
_REDDIT_INTRO = {
    "en": (
        "Long time lurker, first post.",
        "Throwaway for obvious reasons.",
        "Quick one.",
        "Not sure if this is the right sub but",
        "PSA for anyone flying soon:",
        "",
    ),
}
_REDDIT_OUTRO = {
    "en": ("Anyone else?", "Rant over.", "Is this normal?", "Edit: typo.", "Thoughts?", ""),
    "es": ("¿A alguien más le pasa?", ""),
    "fr": ("Ça vous est déjà arrivé ?", ""),
    "de": ("Geht das nur mir so?", ""),
    "pt": ("Alguém mais?", ""),
}
_OPENERS = {
    "en": (
        "",
        "",
        "",
        "",
        "ok so ",
        "honestly ",
        "hey, ",
        "so... ",
        "update: ",
        "just saying, ",
        "quick one: ",
        "well. ",
        "right, ",
    ),
    "es": ("", "", "Bueno, ", "Oye, ", "A ver, "),
    "fr": ("", "", "Bon, ", "Bref, ", "Alors, "),
    "de": ("", "", "Also ", "Kurz: ", "Ehrlich gesagt, "),
    "pt": ("", "", "Gente, ", "Então, ", "Olha, "),
}
_FORUM_HELLO = {
    "en": ("Hi all,", "Hello everyone,", "Hi,"),
    "es": ("Hola a todos:",),
    "fr": ("Bonjour à tous,",),
    "de": ("Hallo zusammen,",),
    "pt": ("Olá pessoal,",),
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _typo(rng: Random, text: str, keep: Sequence[str]) -> str:
    """``text`` with one human slip, unless it would mangle one of ``keep`` (brand terms)."""
    typo = _slip(rng, text)
    lowered = typo.lower()
    return typo if all(k in lowered for k in keep) else text


def _slip(rng: Random, text: str) -> str:
    r = rng.random()
    if r < 0.35:
        return text.replace("n't", "nt").replace("'s", "s")
    if r < 0.6:
        return text.lower()
    k = 3 + int(rng.random() * max(1, len(text) - 6))
    if text[k - 1].isalpha() and text[k].isalpha():
        return text[: k - 1] + text[k] + text[k - 1] + text[k + 1 :]
    return text


def dress(
    rng: Random,
    *,
    channel: str,
    lang: str,
    body: str,
    mood: str,
    has_brand: bool,
    brand: str,
    handle: str,
    hashtag: str,
    detail: str,
    context: str,
    code: str,
    who: Author,
    name_only: bool = False,
) -> str:
    """Lay ``body`` (a sentence without final punctuation) out as ``channel`` writes it.

    ``mood`` is the emotion key for closers and emoji (``sarcasm`` for irony);
    ``context`` (may be empty) is an opening sentence about the customer's
    circumstance, ``detail`` (may be empty) a closing one about the problem.
    Adds a brand reference when ``has_brand`` is False, so the mention matches
    the brand query; ``name_only`` restricts references to the brand's name
    (for brands outside the demo world, whose query we don't know).
    """
    closers = _CLOSERS.get(lang, _CLOSERS["en"])
    closer = pick(rng, closers.get(mood, closers["none"])) if mood != "sarcasm" else ""
    if channel == "twitter":
        r = rng.random()
        if not has_brand:
            if name_only or r >= 0.75:
                body = f"{brand}: {body}" if r < 0.9 else f"{body} ({brand})"
            elif r < 0.35:
                body = f"@{handle} {body}"
            elif r < 0.6:
                body = f"{body} @{handle}"
            else:
                body = f"{body} #{hashtag}"
        elif r < 0.25 and not name_only:
            body = f"{body} #{hashtag}"
        elif r < 0.4 and not name_only:
            body = f"@{handle} {body}"
        elif not context:
            body = pick(rng, _OPENERS.get(lang, _OPENERS["en"])) + body
        text = _cap(body) if rng.random() < 0.5 else body
        if context:
            text = f"{context} {text}"
        if closer and rng.random() < 0.5:
            text = f"{text} {closer}" if text[-1] in "?!" else f"{text}. {closer}"
        if rng.random() < 0.6:
            text = f"{text} {pick(rng, _EMOJI[mood])}".rstrip()
        if lang == "en" and rng.random() < 0.1:
            keep = [k for k in (brand.lower(), handle) if k in text.lower()]
            text = _typo(rng, text, keep)
        return text[:280]
    sentence = _cap(body) if body[-1] in "?!" else _cap(body) + "."
    if not has_brand and channel != "support_email":  # an email's greeting names the brand
        sentence = f"{brand}: {sentence}"
    if context:
        sentence = f"{context} {sentence}"
    if detail:
        sentence = f"{sentence} {detail}"
    if channel == "reddit":
        intro = pick(rng, _REDDIT_INTRO["en"]) if lang == "en" else ""
        outro = pick(rng, _REDDIT_OUTRO.get(lang, _REDDIT_OUTRO["en"]))
        title = _cap(body if len(body) < 70 else body[:60].rsplit(" ", 1)[0] + "...")
        parts = [p for p in (intro, sentence, closer, outro) if p]
        text = f"{title}\n\n" + " ".join(parts)
        if lang == "en" and rng.random() < 0.08:
            keep = [k for k in (brand.lower(), handle) if k in text.lower()]
            return _typo(rng, text, keep)
        return text
    if channel == "forum":
        hello = pick(rng, _FORUM_HELLO.get(lang, _FORUM_HELLO["en"]))
        outro = pick(rng, _REDDIT_OUTRO.get(lang, _REDDIT_OUTRO["en"]))
        return "\n".join(p for p in (hello, sentence + (f" {closer}" if closer else ""), outro) if p)
    if channel == "support_email":
        greetings, signoffs, refs = _EMAIL.get(lang, _EMAIL["en"])
        greeting = pick(rng, greetings).format(brand=brand)
        ref = pick(rng, refs).format(code=code)
        return f"{greeting}\n\n{sentence} {ref}\n\n{pick(rng, signoffs)}\n{who.name}"
    # app_review, product_review
    return f"{sentence} {closer}".rstrip()
