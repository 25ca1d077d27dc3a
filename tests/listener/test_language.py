"""Language detection on mentions: ISO 639-1 codes, None when unclear, fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from listener.language import LanguageDetector, default_detector

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
TWEETS = DATA / "tweeteval" / "sentiment" / "test_text.txt"

SAMPLES = {
    "en": "My order never arrived and support won't answer my emails",
    "es": "Llevo tres semanas esperando el reembolso y nadie me contesta",
    "fr": "J'attends toujours mon remboursement depuis trois semaines",
    "de": "Ich warte seit drei Wochen auf meine Erstattung",
    "pt": "Estou esperando o reembolso há três semanas e ninguém responde",
    "it": "Aspetto il rimborso da tre settimane e nessuno risponde",
    "nl": "Ik wacht al drie weken op mijn terugbetaling",
    "ja": "返金を三週間待っていますが、誰も返事をくれません",
    "ar": "أنتظر استرداد أموالي منذ ثلاثة أسابيع ولا أحد يرد",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return default_detector()


def test_default_detector_is_shared() -> None:
    assert default_detector() is default_detector()


@pytest.mark.parametrize(("lang", "text"), sorted(SAMPLES.items()))
def test_detects_customer_messages(detector: LanguageDetector, lang: str, text: str) -> None:
    assert detector.detect(text) == lang


@pytest.mark.parametrize("text", ["", "ok", "🔥🔥🔥", "12345 !!!", "@acme https://t.co/xyz", "#a"])
def test_too_little_text_is_unknown(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_urls_handles_and_emoji_do_not_count(detector: LanguageDetector) -> None:
    text = "@AcmeSupport @bob_the_builder 😡😡 https://t.co/abc123 " + SAMPLES["fr"]
    assert detector.detect(text) == "fr"
    assert detector.detect("RT @acme: " + SAMPLES["de"] + " #Kundenservice") == "de"


def test_candidates_restrict_the_answer(detector: LanguageDetector) -> None:
    assert detector.detect(SAMPLES["pt"], candidates={"es", "pt"}) == "pt"
    assert detector.detect(SAMPLES["es"], candidates=["en", "es"]) == "es"
    assert detector.detect(SAMPLES["ja"], candidates=["ja"]) == "ja"
    assert detector.detect(SAMPLES["en"], candidates=[]) is None


def test_unknown_candidate_is_rejected(detector: LanguageDetector) -> None:
    with pytest.raises(ValueError, match="xx"):
        detector.detect(SAMPLES["en"], candidates={"en", "xx"})


def test_supported_codes_are_iso_639_1(detector: LanguageDetector) -> None:
    assert {"en", "es", "fr", "de", "ja", "zh", "ar"} <= detector.supported
    assert all(len(code) == 2 for code in detector.supported)


@pytest.mark.parametrize(
    "hostile",
    [
        "\x00" * 100,
        "\ud800abc def ghi",
        "evil\u202eoverride text here",
        "Z\u0337a\u0334" * 200,
        "word " * 200_000,
    ],
)
def test_hostile_input_does_not_raise(detector: LanguageDetector, hostile: str) -> None:
    result = detector.detect(hostile)
    assert result is None or len(result) == 2


@pytest.mark.skipif(not TWEETS.exists(), reason="shared TweetEval data not present")
def test_english_tweets_accuracy(detector: LanguageDetector) -> None:
    """On real English tweets: mostly English, very rarely another language."""
    tweets = TWEETS.read_text(encoding="utf-8").splitlines()[:3000]
    results = [detector.detect(t) for t in tweets]
    english = results.count("en") / len(results)
    wrong = sum(1 for r in results if r not in ("en", None)) / len(results)
    assert english > 0.8
    assert wrong < 0.01


def test_long_text_is_detected_from_its_start(detector: LanguageDetector) -> None:
    start = time.perf_counter()
    assert detector.detect(SAMPLES["de"] + " " + "x" * 1_000_000) == "de"
    assert time.perf_counter() - start < 0.5
