"""Channel styles: the same core reads as a tweet, a Reddit comment, an app or product
review, or a support email, each with its own surface forms and noise."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence

from .industry import Industry
from .text import Doc, cap

__all__ = ["CHANNEL_WEIGHTS", "brand_for", "fill_ref", "handle", "wrap"]

CHANNEL_WEIGHTS = {"tweet": 0.36, "reddit": 0.16, "app_review": 0.14, "product_review": 0.14, "support_email": 0.20}

# Decorations, keyed by sentiment where it matters; the builder splits each list into
# train and test families like the frames.
DECOR: dict[str, tuple[str, ...]] = {
    "emoji_negative": ("😡", "🙄", "😤", "😠", "🤬", "😩", "💀", "😑", "🤦‍♀️", "👎"),
    "emoji_positive": ("😍", "🙌", "❤️", "🎉", "👏", "😊", "🥳", "💯", "✨", "🙏"),
    "emoji_neutral": ("🤔", "👀", "📢", "🧐"),
    "emoji_sarcasm": ("🙃", "🙄", "👏👏", "😂", "🤡"),
    "tag_negative": ("#fail", "#customerservice", "#neveragain", "#annoyed", "#notimpressed", "#rant", "#badservice"),
    "tag_positive": ("#happycustomer", "#impressed", "#thankyou", "#goodvibes", "#recommend", "#winning"),
    "tag_neutral": ("#news", "#business", "#update", "#consumer", "#question"),
    "reddit_open": (
        "So this happened last week.",
        "Long time lurker, first post.",
        "Throwaway for obvious reasons.",
        "Not sure if this is the right sub, but here goes.",
        "Bit of a rant, sorry.",
        "Mods, delete if not allowed.",
        "Story time.",
        "Posting here because I don't know where else to ask.",
        "Okay so.",
        "Quick one.",
    ),
    "reddit_close_negative": (
        "Anyone else dealing with this?",
        "Is it just me?",
        "Rant over.",
        "Has anyone had luck escalating?",
        "What would you do?",
        "Any advice appreciated.",
        "Sorry for the wall of text.",
    ),
    "reddit_close_positive": (
        "Just wanted to share something positive for once.",
        "Credit where it's due.",
        "Made my week tbh.",
        "Wholesome update for the sub.",
        "Faith in humanity restored, a little.",
    ),
    "reddit_close_neutral": ("Any tips appreciated.", "Thanks in advance!", "Cheers.", "TIA."),
    "reddit_edit": (
        "Edit: typo.",
        "Edit: formatting.",
        "EDIT: thanks for all the replies, everyone.",
        "Edit: spelling, on mobile.",
        "Edit: a few people asked which branch, I'd rather not say.",
        "Edit: added some details.",
    ),
    "reddit_slang": ("tbh", "IMO", "FWIW", "ngl", "YMMV", "IME"),
    "app_stars_negative": (
        "1 star.",
        "One star and that's generous.",
        "★☆☆☆☆",
        "2/5.",
        "Would give zero stars if I could.",
        "Two stars.",
        "1/5",
        "★★☆☆☆",
    ),
    "app_stars_positive": ("5 stars!", "★★★★★", "Five stars.", "4/5.", "Solid 5/5.", "★★★★☆"),
    "app_version": (
        "(v{v}, Pixel 7)",
        "Using version {v} on iPhone 13.",
        "iOS 17, app v{v}.",
        "Version {v}.",
        "(Android 14, build {v})",
        "On {v}.",
    ),
    "title_negative": (
        "Avoid.",
        "Not great",
        "Meh",
        "Save your money",
        "Wouldn't recommend",
        "Two stars",
        "Frustrating",
        "Poor",
        "Could be so much better",
        "Nope",
    ),
    "title_positive": (
        "Brilliant",
        "Love it",
        "Five stars",
        "Great value",
        "Highly recommend",
        "Solid",
        "Superb",
        "Really happy",
        "A keeper",
    ),
    "email_greet": (
        "Hi team,",
        "Hello,",
        "Dear {b} Support,",
        "Hi there,",
        "Good morning,",
        "To whom it may concern,",
        "Hi {b} team,",
        "Dear Sir or Madam,",
        "Hey,",
    ),
    "email_ask_negative": (
        "Could you please look into this?",
        "Please advise.",
        "I'd appreciate a quick resolution.",
        "Can someone get back to me?",
        "I'd like this escalated, please.",
        "Please let me know the next steps.",
        "I look forward to your reply.",
    ),
    "email_ask_positive": (
        "Just wanted to say thank you.",
        "Please pass on my thanks to the team.",
        "No reply needed, just wanted you to know.",
    ),
    "email_sign": (
        "Thanks,",
        "Regards,",
        "Best,",
        "Kind regards,",
        "Cheers,",
        "Many thanks,",
        "Sincerely,",
        "Best wishes,",
        "Thank you,",
    ),
    "names": (
        "Maria",
        "J. Okafor",
        "Priya",
        "Tom",
        "Aisha Rahman",
        "Daniel K.",
        "Mei",
        "Lukas",
        "Fatima",
        "Chris",
        "Sofia Rossi",
        "Ben",
        "Olu",
        "Hannah W.",
        "Rafael",
        "Yuki",
        "Grace",
        "Mohammed",
        "Anna",
        "Pat",
    ),
}

_ABBREV = {
    "you": "u",
    "your": "ur",
    "please": "pls",
    "thanks": "thx",
    "because": "bc",
    "with": "w/",
    "people": "ppl",
    "tonight": "tonite",
    "tomorrow": "tmrw",
    "minutes": "mins",
    "hours": "hrs",
    "about": "abt",
    "don't": "dont",
    "can't": "cant",
    "I'm": "im",
    "I've": "ive",
    "really": "rly",
    "seriously": "srsly",
    "to be honest": "tbh",
    "for real": "fr",
}
_ABBREV_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in _ABBREV) + r")\b")


def handle(brand: str) -> str:
    return "@" + re.sub(r"[^A-Za-z0-9]", "", brand)


def brand_for(channel: str, brand: str, rng: random.Random) -> str:
    """How the brand is written: tweets mostly tag it."""
    if channel == "tweet" and rng.random() < 0.6:
        return handle(brand)
    return brand


def fill_ref(ref: str, rng: random.Random) -> str:
    """Order and booking numbers: ``<XX-999>`` becomes letters and digits."""

    def code(m: re.Match[str]) -> str:
        out = []
        for ch in m.group(1):
            if ch == "9":
                out.append(str(rng.randrange(10)))
            elif ch == "X":
                out.append(chr(65 + rng.randrange(26)))
            elif ch == "x":
                out.append(chr(97 + rng.randrange(26)))
            else:
                out.append(ch)
        return "".join(out)

    return re.sub(r"<([^>]*)>", code, ref)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _noise(doc: Doc, rng: random.Random, lower: float, abbrev: float, typo: float) -> None:
    if rng.random() < abbrev:
        doc.map(lambda p: p.text if p.protected else _ABBREV_RE.sub(lambda m: _ABBREV[m.group(1)], p.text))
    if rng.random() < typo:
        candidates = [p for p in doc.pieces if not p.protected and re.search(r"[a-z]{6,}", p.text)]
        if candidates:
            piece = rng.choice(candidates)
            words = list(re.finditer(r"\b[a-z]{6,}\b", piece.text))
            if words:
                m = rng.choice(words)
                piece.text = piece.text[: m.start()] + _typo(m.group(0), rng) + piece.text[m.end() :]
    if rng.random() < lower:
        doc.map(lambda p: p.text.lower())


def _pick(rng: random.Random, decor: Mapping[str, Sequence[str]], key: str) -> str:
    return rng.choice(list(decor[key]))


def _tweet(
    core: Doc,
    sentiment: str,
    emotion: str,
    hard: str | None,
    brand: str,
    ind: Industry,
    decor: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Doc:
    doc = Doc()
    text = "".join(p.text for p in core.pieces)
    if "@" not in text and rng.random() < 0.5:
        doc.add(handle(brand) + " ", protected=True)
    doc.extend(core)
    if emotion == "anger" and rng.random() < 0.5:
        piece = rng.choice([p for p in doc.pieces if not p.protected] or doc.pieces)
        piece.text = piece.text.upper()
        last = doc.pieces[-1]
        if last.text.endswith(".") and not last.evidence:
            last.text = last.text[:-1]
        doc.add("!!")
    _noise(doc, rng, lower=0.35, abbrev=0.35, typo=0.15)
    if rng.random() < 0.4 and doc.pieces[-1].text.endswith(".") and not doc.pieces[-1].evidence:
        doc.pieces[-1].text = doc.pieces[-1].text[:-1]
    mood = "sarcasm" if hard == "sarcasm" else sentiment
    emoji_key = {"negative": "emoji_negative", "positive": "emoji_positive", "sarcasm": "emoji_sarcasm"}.get(
        mood, "emoji_neutral"
    )
    calm = hard in ("quiet_complaint", "calm_gap")
    if not calm and rng.random() < 0.55:
        doc.add(" " + _pick(rng, decor, emoji_key) * rng.choice((1, 1, 2, 3)))
    if not calm and rng.random() < 0.35:
        tag_key = {"negative": "tag_negative", "positive": "tag_positive"}.get(sentiment, "tag_neutral")
        if hard == "sarcasm":
            tag_key = "tag_negative"
        doc.add(" " + _pick(rng, decor, tag_key), protected=True)
    return doc


def _reddit(
    core: Doc,
    sentiment: str,
    emotion: str,
    hard: str | None,
    brand: str,
    ind: Industry,
    decor: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Doc:
    doc = Doc()
    long = hard not in ("news_neutral",) and rng.random() < 0.7
    if long and rng.random() < 0.6:
        doc.add(_pick(rng, decor, "reddit_open") + " ")
    if long:
        doc.add(cap(rng.choice(ind.background).format(b=brand)) + ". ")
        if rng.random() < 0.3:
            doc.add(f"{rng.choice(list(decor['reddit_slang']))}, ")
            core.pieces[0].text = core.pieces[0].text[:1].lower() + core.pieces[0].text[1:]
    doc.extend(core)
    close = {"negative": "reddit_close_negative", "positive": "reddit_close_positive"}.get(
        sentiment, "reddit_close_neutral"
    )
    if long and rng.random() < 0.6:
        doc.add("\n\n" + _pick(rng, decor, close))
    if long and rng.random() < 0.25:
        doc.add("\n\n" + _pick(rng, decor, "reddit_edit"))
    if rng.random() < 0.2:
        doc.add(f" ({ind.sub})", protected=True)
    _noise(doc, rng, lower=0.1, abbrev=0.15, typo=0.08)
    return doc


def _app(
    core: Doc,
    sentiment: str,
    emotion: str,
    hard: str | None,
    brand: str,
    ind: Industry,
    decor: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Doc:
    doc = Doc()
    stars = {"negative": "app_stars_negative", "positive": "app_stars_positive"}.get(sentiment)
    if stars and hard != "sarcasm" and rng.random() < 0.55:
        doc.add(_pick(rng, decor, stars) + " ")
    doc.extend(core)
    if rng.random() < 0.45:
        v = f"{rng.randrange(1, 12)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}"
        doc.add(" " + _pick(rng, decor, "app_version").format(v=v), protected=True)
    _noise(doc, rng, lower=0.15, abbrev=0.15, typo=0.1)
    return doc


def _product(
    core: Doc,
    sentiment: str,
    emotion: str,
    hard: str | None,
    brand: str,
    ind: Industry,
    decor: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Doc:
    doc = Doc()
    title = {"negative": "title_negative", "positive": "title_positive"}.get(sentiment)
    if title and hard != "sarcasm" and rng.random() < 0.7:
        sep = rng.choice(("\n", "\n\n", ". ", " - "))
        doc.add(_pick(rng, decor, title) + sep)
    doc.extend(core)
    if rng.random() < 0.15:
        doc.add(f" Reviewed after {rng.choice(('a week', 'two months', 'a year', 'three uses'))}.")
    _noise(doc, rng, lower=0.05, abbrev=0.05, typo=0.05)
    return doc


def _email(
    core: Doc,
    sentiment: str,
    emotion: str,
    hard: str | None,
    brand: str,
    ind: Industry,
    decor: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Doc:
    doc = Doc()
    doc.add(_pick(rng, decor, "email_greet").format(b=brand) + "\n\n")
    if rng.random() < {"negative": 0.8, "positive": 0.3}.get(sentiment, 0.0):
        ref = fill_ref(ind.ref, rng)
        if rng.random() < 0.5:
            doc.add(ref + "\n\n", protected=True)
        else:
            core.add(f" ({ref})", protected=True)
    doc.extend(core)
    if sentiment == "negative" and hard != "quiet_complaint" and rng.random() < 0.7:
        doc.add("\n\n" + _pick(rng, decor, "email_ask_negative"))
    elif sentiment == "positive" and rng.random() < 0.6:
        doc.add("\n\n" + _pick(rng, decor, "email_ask_positive"))
    doc.add("\n\n" + _pick(rng, decor, "email_sign") + "\n" + _pick(rng, decor, "names"))
    return doc


_WRAPPERS: dict[str, Callable[..., Doc]] = {
    "tweet": _tweet,
    "reddit": _reddit,
    "app_review": _app,
    "product_review": _product,
    "support_email": _email,
}


def wrap(
    channel: str,
    core: Doc,
    sentiment: str,
    emotion: str,
    hard: str | None,
    brand: str,
    ind: Industry,
    decor: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> Doc:
    """Dress a core text in the channel's surface forms."""
    return _WRAPPERS[channel](core, sentiment, emotion, hard, brand, ind, decor, rng)
