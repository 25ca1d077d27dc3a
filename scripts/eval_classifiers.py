#!/usr/bin/env python3
"""Score the classifier artifacts on held-out data, through the product's own classify path.

    python scripts/eval_classifiers.py                          # the shipped artifacts
    python scripts/eval_classifiers.py --artifacts DIR --precision int8
    python scripts/eval_classifiers.py --write-manifest         # record the figures in manifest.json
    python scripts/eval_classifiers.py --errors errors.jsonl    # every real-test error, for error analysis

Leads with the real test split (classifiers/training/data/real/test.jsonl: annotated
real texts from brands and sources that training and selection never read): per head
and per class precision, recall and F1, per channel and industry, calibration (ECE)
and the gap's confusion matrix. Then, as secondary checks: CLINC150 intents from their
names alone (never trained on), TweetEval test splits, Amazon/Yelp review sentences,
BANKING77 test and our synthetic corpus's test split. Ends with one JSON line: the
keys real_flagged_macro_f1, real_gap_macro_f1, real_shortfall_f1,
real_sentiment_macro_recall, real_topic_micro_f1, real_about_brand_f1,
real_switching_f1, clinc150_zero_shot_top1, tweeteval_sentiment_macro_recall,
tweeteval_emotion_macro_f1, cx_topic_micro_f1, cx_gap_macro_f1 and
cx_evidence_overlap (plus extra figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.artifacts import default_artifacts_dir, read_manifest
from classifiers.calibration import expected_calibration_error
from classifiers.engine import load_classifier
from classifiers.evaluation import (
    char_overlap_f1,
    macro_f1,
    macro_recall,
    micro_f1_multilabel,
    per_class_report,
)
from classifiers.heads.emotion import TWEETEVAL_GROUPS
from classifiers.settings import ClassifiersConfig, TopicConfig
from classifiers.taxonomy import Taxonomy, default_taxonomy
from classifiers.training.data import (
    CORPUS_DIR,
    REAL_DIR,
    RealExample,
    default_data_dir,
    read_banking77,
    read_cx_corpus,
    read_real,
    read_reviews,
    read_tweeteval,
)
from foundation.labels import EMOTIONS, GAPS, LIFECYCLE_STAGES, SENTIMENTS, TWEETEVAL_EMOTIONS, Classification


def _table(title: str, report: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'class':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label, row in report.items():
        print(f"  {label:<22}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}")


def _f1(gold: list[bool], predicted: list[bool]) -> float:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0


def _real_report(
    real: list[RealExample], predicted: list[Classification], errors_path: Path | None
) -> dict[str, object]:
    """Every head on the real test split, per class, per channel and industry, with calibration."""
    figures: dict[str, object] = {}
    n = len(real)
    print(f"\nREAL TEST SPLIT ({n} annotated real texts; brands and sources never read by training or selection)")
    flag_gold = [int(x.complaint) for x in real]
    flag_guess = [int(p.flagged) for p in predicted]
    figures["real_flagged_macro_f1"] = round(macro_f1(flag_gold, flag_guess, 2), 4)
    _table("real test: flagged vs complaint", per_class_report(flag_gold, flag_guess, ("not complaint", "complaint")))
    gap_gold = [x.gap for x in real]
    gap_guess = [GAPS.index(p.expectation_gap) for p in predicted]
    gap_report = per_class_report(gap_gold, gap_guess, GAPS)
    figures["real_gap_macro_f1"] = round(macro_f1(gap_gold, gap_guess, 3), 4)
    figures["real_shortfall_f1"] = gap_report.get("shortfall", {}).get("f1", 0.0)
    figures["real_exceeded_f1"] = gap_report.get("exceeded", {}).get("f1", 0.0)
    _table("real test: expectation gap", gap_report)
    print("  confusion (rows gold, columns predicted): " + " ".join(f"{g:>10}" for g in GAPS))
    for g, name in enumerate(GAPS):
        row = [sum(1 for a, b in zip(gap_gold, gap_guess, strict=True) if a == g and b == q) for q in range(3)]
        print(f"  {name:>42} " + " ".join(f"{v:>10}" for v in row))
    sentiment_gold = [x.sentiment for x in real]
    sentiment_guess = [SENTIMENTS.index(p.sentiment) for p in predicted]
    figures["real_sentiment_macro_recall"] = round(macro_recall(sentiment_gold, sentiment_guess, 3), 4)
    _table("real test: sentiment toward the brand", per_class_report(sentiment_gold, sentiment_guess, SENTIMENTS))
    figures["real_topic_micro_f1"] = round(
        micro_f1_multilabel([set(x.topics) for x in real], [set(p.topics) for p in predicted]), 4
    )
    topic_report = {}
    for name in default_taxonomy().names:
        g = [1 if name in x.topics else 0 for x in real]
        q = [1 if name in p.topics else 0 for p in predicted]
        topic_report[name] = per_class_report(g, q, ("no", name)).get(
            name, {"precision": 0, "recall": 0, "f1": 0, "support": 0}
        )
    _table("real test: topics (default taxonomy)", topic_report)
    figures["real_about_brand_f1"] = _f1([x.about_brand for x in real], [p.about_brand for p in predicted])
    figures["real_not_about_brand_f1"] = _f1([not x.about_brand for x in real], [not p.about_brand for p in predicted])
    figures["real_switching_f1"] = _f1([x.switching for x in real], [p.switching for p in predicted])
    _table(
        "real test: about_brand, switching",
        {
            "about_brand": per_class_report(
                [int(x.about_brand) for x in real], [int(p.about_brand) for p in predicted], ("no", "yes")
            ).get("yes", {}),
            "switching": per_class_report(
                [int(x.switching) for x in real], [int(p.switching) for p in predicted], ("no", "yes")
            ).get("yes", {"precision": 0, "recall": 0, "f1": 0, "support": 0}),
        },
    )
    staged = [(x, p) for x, p in zip(real, predicted, strict=True) if x.lifecycle is not None and p.lifecycle]
    lifecycle_gold = [x.lifecycle or 0 for x, _ in staged]
    lifecycle_guess = [LIFECYCLE_STAGES.index(p.lifecycle or "use") for _, p in staged]
    figures["real_lifecycle_macro_f1"] = round(macro_f1(lifecycle_gold, lifecycle_guess, len(LIFECYCLE_STAGES)), 4)
    _table(
        "real test: lifecycle stage (texts about a brand)",
        per_class_report(lifecycle_gold, lifecycle_guess, LIFECYCLE_STAGES),
    )
    emotion_gold = [x.emotion for x in real]
    emotion_guess = [EMOTIONS.index(p.emotion) for p in predicted]
    figures["real_emotion_macro_f1"] = round(macro_f1(emotion_gold, emotion_guess, len(EMOTIONS)), 4)
    _table("real test: emotion", per_class_report(emotion_gold, emotion_guess, EMOTIONS))

    print("\nreal test by channel and industry: flagged macro-F1, gap macro-F1, sentiment macro-recall")
    for key in ("channel", "industry"):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, x in enumerate(real):
            groups[getattr(x, key)].append(i)
        for value, index in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            fg = [flag_gold[i] for i in index]
            fq = [flag_guess[i] for i in index]
            recall = macro_recall([sentiment_gold[i] for i in index], [sentiment_guess[i] for i in index], 3)
            print(
                f"  {key} {value:<26}{len(index):>6}  flagged {macro_f1(fg, fq, 2):.3f}  "
                f"gap {macro_f1([gap_gold[i] for i in index], [gap_guess[i] for i in index], 3):.3f}  "
                f"sentiment {recall:.3f}"
            )

    calibration = {
        "sentiment": expected_calibration_error(
            [max(p.sentiment_scores.values()) for p in predicted],
            [a == b for a, b in zip(sentiment_gold, sentiment_guess, strict=True)],
        ),
        "gap": expected_calibration_error(
            [p.gap_score for p in predicted], [a == b for a, b in zip(gap_gold, gap_guess, strict=True)]
        ),
        "about_brand": expected_calibration_error(
            [max(p.about_brand_score, 1 - p.about_brand_score) for p in predicted],
            [(p.about_brand_score >= 0.5) == x.about_brand for x, p in zip(real, predicted, strict=True)],
        ),
        "complaint": expected_calibration_error(
            [max(p.complaint_score, 1 - p.complaint_score) for p in predicted],
            [(p.complaint_score >= 0.5) == x.complaint for x, p in zip(real, predicted, strict=True)],
        ),
    }
    figures["real_ece"] = calibration
    print(
        "\nreal test: expected calibration error (10 bins) " + ", ".join(f"{k} {v:.3f}" for k, v in calibration.items())
    )
    windows = [p.windows for p in predicted]
    print(f"windows read per text: mean {sum(windows) / max(1, len(windows)):.2f}, max {max(windows, default=0)}")
    if errors_path is not None:
        with errors_path.open("w", encoding="utf-8") as out:
            for x, p in zip(real, predicted, strict=True):
                wrong = {
                    "flagged": (bool(x.complaint), p.flagged),
                    "gap": (GAPS[x.gap], p.expectation_gap),
                    "sentiment": (SENTIMENTS[x.sentiment], p.sentiment),
                    "about_brand": (x.about_brand, p.about_brand),
                    "switching": (x.switching, p.switching),
                    "topics": (sorted(x.topics), sorted(p.topics)),
                }
                wrong = {k: v for k, v in wrong.items() if v[0] != v[1]}
                if wrong:
                    row = {"id": x.id, "source": x.source, "channel": x.channel, "text": x.text}
                    row["errors"] = {k: {"gold": g, "predicted": q} for k, (g, q) in wrong.items()}
                    row["evidence"] = list(p.gap_evidence)
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"errors written to {errors_path}")
    return figures


def _clinc150_rows(data_dir: Path, limit: int | None) -> tuple[list[dict[str, str]], list[str]]:
    path = data_dir / "real" / "clinc150_intents.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    rows = [r for r in rows if r.get("split") == "test" and r.get("intent") not in (None, "oos")][:limit]
    return rows, sorted({r["intent"] for r in rows})


def _intent_description(name: str) -> str:
    """An intent's name as words ("card_declined" → "card declined"); "no" becomes "saying no"
    (a topic description needs three characters)."""
    words = name.replace("_", " ")
    return words if len(words) >= 3 else f"saying {words}"


def _clinc150_untrained(classifier: Any, data_dir: Path, limit: int | None) -> float:
    """The same check with the untrained encoder's own mean-pooled cosine alone (the floor the
    trained space and the description blend are measured against)."""
    rows, names = _clinc150_rows(data_dir, limit)
    cosines = classifier.topic_cosines([r["text"] for r in rows], _intent_taxonomy(names))
    best = [int(untrained.max(0).values.argmax()) for _, untrained in cosines]
    right = sum(1 for r, b in zip(rows, best, strict=True) if names[b] == r["intent"])
    return round(right / len(rows), 4) if rows else 0.0


def _intent_taxonomy(names: list[str]) -> Taxonomy:
    """CLINC150's intents as topics known only by their names (``intent0`` …)."""
    return Taxonomy(
        tuple(TopicConfig(name=f"intent{i}", description=_intent_description(n)) for i, n in enumerate(names))
    )


def _clinc150(classifier: object, data_dir: Path, limit: int | None) -> float:
    """Top-1 intent on CLINC150's in-scope test queries, each intent known only by its name."""
    rows, names = _clinc150_rows(data_dir, limit)
    predicted = classifier.classify([r["text"] for r in rows], _intent_taxonomy(names))  # type: ignore[attr-defined]
    right = sum(
        1
        for r, p in zip(rows, predicted, strict=True)
        if max(p.topic_scores, key=p.topic_scores.__getitem__) == f"intent{names.index(r['intent'])}"
    )
    return round(right / len(rows), 4) if rows else 0.0


def _description_only(
    classifier: Any, args: argparse.Namespace, real: list[RealExample], clinc150: object
) -> dict[str, object]:
    """Topics written as descriptions alone, matched with the description blend (the default)
    and with the trained topic space alone: the real test split's topics with the default
    taxonomy's descriptions, and CLINC150 from intent names."""
    trained_only = load_classifier(
        ClassifiersConfig(artifacts=str(args.artifacts), precision=args.precision, description_blend=False)
    )
    taxonomy = Taxonomy(tuple(TopicConfig(name=t.name, description=t.description) for t in default_taxonomy().topics))
    figures: dict[str, object] = {}
    for key, model in (("", classifier), ("_trained_space", trained_only)):
        predicted = model.classify([x.text for x in real], taxonomy)
        figures[f"real_topic_micro_f1_descriptions_only{key}"] = round(
            micro_f1_multilabel([set(x.topics) for x in real], [set(p.topics) for p in predicted]), 4
        )
    figures["clinc150_zero_shot_top1_trained_space"] = _clinc150(trained_only, args.data, args.limit)
    print(
        "topics written as descriptions alone, with the description blend / the trained space alone: "
        f"real test micro-F1 {figures['real_topic_micro_f1_descriptions_only']} / "
        f"{figures['real_topic_micro_f1_descriptions_only_trained_space']}; CLINC150 top-1 "
        f"{clinc150} / {figures['clinc150_zero_shot_top1_trained_space']}"
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artifacts", type=Path, default=default_artifacts_dir(), help="artifact folder to score")
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="the shared data folder")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of cx_test.jsonl")
    parser.add_argument("--precision", default="auto", choices=["auto", "float32", "bfloat16", "int8"])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N texts of each set")
    parser.add_argument("--write-manifest", action="store_true", help="store the figures in the artifact's manifest")
    parser.add_argument("--real", type=Path, default=REAL_DIR, help="folder of the annotated real test.jsonl")
    parser.add_argument("--errors", type=Path, default=None, help="write every real-test error as JSONL here")
    parser.add_argument(
        "--real-only", action="store_true", help="score only the real test split and CLINC150 (a few minutes less)"
    )
    args = parser.parse_args(argv)
    if not (args.data / "tweeteval").is_dir():
        parser.error(f"{args.data} has no tweeteval/ folder; pass --data")
    started = time.perf_counter()
    classifier = load_classifier(ClassifiersConfig(artifacts=str(args.artifacts), precision=args.precision))
    print(f"model {classifier.model_version} ({classifier.precision}) from {args.artifacts}")
    limit = args.limit
    figures: dict[str, object] = {}

    real = read_real("test", args.real)[:limit]
    real_predicted = classifier.classify([x.text for x in real], default_taxonomy())
    figures.update(_real_report(real, real_predicted, args.errors))
    figures["clinc150_zero_shot_top1"] = _clinc150(classifier, args.data, limit)
    print(
        f"\nCLINC150 intent from its name alone (top-1 of 150, never trained on): {figures['clinc150_zero_shot_top1']}"
    )
    figures.update(_description_only(classifier, args, real, figures["clinc150_zero_shot_top1"]))
    if args.real_only:
        figures["seconds"] = round(time.perf_counter() - started, 1)
        figures["model_version"] = classifier.model_version
        print(json.dumps(figures))
        return 0

    # TweetEval sentiment, test split (official metric: macro recall)
    tweets = read_tweeteval(args.data, "sentiment", "test")[:limit]
    predicted = classifier.classify([t.text for t in tweets])
    gold = [t.label for t in tweets]
    guess = [SENTIMENTS.index(p.sentiment) for p in predicted]
    figures["tweeteval_sentiment_macro_recall"] = round(macro_recall(gold, guess, 3), 4)
    _table(f"TweetEval sentiment test ({len(tweets)} tweets)", per_class_report(gold, guess, SENTIMENTS))

    # TweetEval emotion, test split (macro F1 over anger, joy, optimism, sadness)
    tweets = read_tweeteval(args.data, "emotion", "test")[:limit]
    predicted = classifier.classify([t.text for t in tweets])
    gold = [TWEETEVAL_EMOTIONS.index(EMOTIONS[t.label]) for t in tweets]
    guess = []
    for p in predicted:
        folded = [sum(p.emotion_scores[m] for m in TWEETEVAL_GROUPS[name]) for name in TWEETEVAL_EMOTIONS]
        guess.append(max(range(4), key=folded.__getitem__))
    figures["tweeteval_emotion_macro_f1"] = round(macro_f1(gold, guess, 4), 4)
    _table(f"TweetEval emotion test ({len(tweets)} tweets)", per_class_report(gold, guess, TWEETEVAL_EMOTIONS))

    # Our CX corpus, held-out test split
    cx = read_cx_corpus(args.corpus)[:limit]
    predicted = classifier.classify([x.text for x in cx], default_taxonomy())
    figures["cx_topic_micro_f1"] = round(
        micro_f1_multilabel([set(x.topics) for x in cx], [set(p.topics) for p in predicted]), 4
    )
    gold_gap = [x.gap for x in cx]
    guess_gap = [GAPS.index(p.expectation_gap) for p in predicted]
    figures["cx_gap_macro_f1"] = round(macro_f1(gold_gap, guess_gap, 3), 4)
    overlaps = []
    inside = 0
    for x, p in zip(cx, predicted, strict=True):
        spans = []
        for piece in p.gap_evidence:
            at = x.text.find(piece)
            inside += at >= 0
            if at >= 0:
                spans.append((at, at + len(piece)))
        if x.evidence:
            overlaps.append(char_overlap_f1(list(x.evidence), spans))
    figures["cx_evidence_overlap"] = round(sum(overlaps) / len(overlaps), 4) if overlaps else 0.0
    figures["cx_sentiment_macro_recall"] = round(
        macro_recall([x.sentiment for x in cx], [SENTIMENTS.index(p.sentiment) for p in predicted], 3), 4
    )
    figures["cx_emotion_macro_f1"] = round(
        macro_f1([x.emotion for x in cx], [EMOTIONS.index(p.emotion) for p in predicted], len(EMOTIONS)), 4
    )
    _table(f"CX test: expectation gap ({len(cx)} mentions)", per_class_report(gold_gap, guess_gap, GAPS))
    _table(
        "CX test: sentiment",
        per_class_report([x.sentiment for x in cx], [SENTIMENTS.index(p.sentiment) for p in predicted], SENTIMENTS),
    )
    _table(
        "CX test: emotion",
        per_class_report([x.emotion for x in cx], [EMOTIONS.index(p.emotion) for p in predicted], EMOTIONS),
    )
    names = default_taxonomy().names
    topic_report = {}
    for name in names:
        g = [1 if name in x.topics else 0 for x in cx]
        q = [1 if name in p.topics else 0 for p in predicted]
        topic_report[name] = per_class_report(g, q, ("no", name)).get(
            name, {"precision": 0, "recall": 0, "f1": 0, "support": 0}
        )
    _table("CX test: topics", topic_report)
    labelled = [(x, p) for x, p in zip(cx, predicted, strict=True) if x.complaint is not None]
    if labelled:
        should = [int(bool(x.complaint) or GAPS[x.gap] == "shortfall") for x, _ in labelled]
        flagged = [int(p.flagged) for _, p in labelled]
        report = per_class_report(should, flagged, ("not flagged", "flagged"))
        _table("CX test: flagged vs should be flagged (complaint or shortfall)", report)
        figures["cx_flagged_f1"] = report.get("flagged", {}).get("f1", 0.0)
    by_case: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for x, p in zip(cx, predicted, strict=True):
        if x.hard_case:
            by_case[x.hard_case][0] += int(
                GAPS.index(p.expectation_gap) == x.gap and SENTIMENTS.index(p.sentiment) == x.sentiment
            )
            by_case[x.hard_case][1] += 1
    if by_case:
        print("\nCX test: hard cases (gap and sentiment both right)")
        for case, (right, total) in sorted(by_case.items()):
            print(f"  {case:<26}{right:>5}/{total:<5} {right / total:.3f}")
    print(f"\nevidence: {len(overlaps)} gold gaps, every predicted piece inside its text: {inside} pieces")

    # Transfer checks: review sentences (negative vs positive) and BANKING77 intents zero-shot
    reviews = read_reviews(args.data)[:limit]
    predicted = classifier.classify([r.text for r in reviews])
    right = sum(
        1
        for r, p in zip(reviews, predicted, strict=True)
        if (p.sentiment_scores["positive"] > p.sentiment_scores["negative"]) == (r.label == 2)
    )
    figures["reviews_polarity_accuracy"] = round(right / len(reviews), 4)
    intent_names, intents = read_banking77(args.data, "test")
    intents = intents[:limit]
    taxonomy = Taxonomy(tuple(TopicConfig(name=f"intent{i}", description=n) for i, n in enumerate(intent_names)))
    predicted = classifier.classify([x.text for x in intents], taxonomy)
    right = sum(
        1
        for x, p in zip(intents, predicted, strict=True)
        if max(p.topic_scores, key=p.topic_scores.__getitem__) == f"intent{x.label}"
    )
    figures["banking77_zero_shot_top1"] = round(right / len(intents), 4)
    figures["clinc150_zero_shot_top1_untrained_encoder"] = _clinc150_untrained(classifier, args.data, limit)
    print(
        "CLINC150 with the untrained encoder's own similarity (the floor): "
        f"{figures['clinc150_zero_shot_top1_untrained_encoder']}"
    )
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["model_version"] = classifier.model_version
    figures["precision"] = classifier.precision
    print(
        f"\nreviews polarity accuracy {figures['reviews_polarity_accuracy']}, "
        f"BANKING77 intent from its name alone (top-1 of 77) {figures['banking77_zero_shot_top1']}"
    )
    if args.write_manifest:
        manifest = read_manifest(args.artifacts)
        manifest.metrics[f"evaluation_{classifier.precision}"] = {k: v for k, v in figures.items() if k != "seconds"}
        from classifiers.artifacts import write_manifest

        write_manifest(args.artifacts, manifest)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
