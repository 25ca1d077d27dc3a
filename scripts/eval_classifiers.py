#!/usr/bin/env python3
"""Score the classifier artifacts on held-out data, through the product's own classify path.

    python scripts/eval_classifiers.py                          # the shipped artifacts
    python scripts/eval_classifiers.py --artifacts DIR --precision int8
    python scripts/eval_classifiers.py --write-manifest         # record the figures in manifest.json

Reads ../shared/data (TweetEval test splits, never used in training; Amazon/Yelp
review sentences; BANKING77 test) and our CX corpus's test split, prints
per-class tables, and ends with one JSON line with the keys
tweeteval_sentiment_macro_recall, tweeteval_emotion_macro_f1, cx_topic_micro_f1,
cx_gap_macro_f1 and cx_evidence_overlap (plus extra figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.artifacts import default_artifacts_dir, read_manifest
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
    default_data_dir,
    read_banking77,
    read_cx_corpus,
    read_reviews,
    read_tweeteval,
)
from foundation.labels import EMOTIONS, GAPS, SENTIMENTS, TWEETEVAL_EMOTIONS


def _table(title: str, report: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'class':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label, row in report.items():
        print(f"  {label:<22}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artifacts", type=Path, default=default_artifacts_dir(), help="artifact folder to score")
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="the shared data folder")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of cx_test.jsonl")
    parser.add_argument("--precision", default="auto", choices=["auto", "float32", "bfloat16", "int8"])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N texts of each set")
    parser.add_argument("--write-manifest", action="store_true", help="store the figures in the artifact's manifest")
    args = parser.parse_args(argv)
    if not (args.data / "tweeteval").is_dir():
        parser.error(f"{args.data} has no tweeteval/ folder; pass --data")
    started = time.perf_counter()
    classifier = load_classifier(ClassifiersConfig(artifacts=str(args.artifacts), precision=args.precision))
    print(f"model {classifier.model_version} ({classifier.precision}) from {args.artifacts}")
    limit = args.limit
    figures: dict[str, object] = {}

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
    cx = read_cx_corpus("test", args.corpus)[:limit]
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
