"""The metrics we report, computed the way their benchmarks define them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "char_overlap_f1",
    "macro_f1",
    "macro_recall",
    "micro_f1_multilabel",
    "per_class_report",
]


def macro_recall(gold: Sequence[int], predicted: Sequence[int], classes: int) -> float:
    """Mean over classes of recall (TweetEval sentiment's official metric)."""
    recalls = []
    for c in range(classes):
        total = sum(1 for g in gold if g == c)
        if total:
            recalls.append(sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c) / total)
    return sum(recalls) / len(recalls) if recalls else 0.0


def _prf(gold: Sequence[int], predicted: Sequence[int], c: int) -> tuple[float, float, float, int]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != c and p == c)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p != c)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fn


def macro_f1(gold: Sequence[int], predicted: Sequence[int], classes: int) -> float:
    """Mean F1 over the classes present in ``gold``."""
    scores = [_prf(gold, predicted, c)[2] for c in range(classes) if any(g == c for g in gold)]
    return sum(scores) / len(scores) if scores else 0.0


def per_class_report(
    gold: Sequence[int], predicted: Sequence[int], labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per class, for the model card."""
    report = {}
    for c, label in enumerate(labels):
        precision, recall, f1, support = _prf(gold, predicted, c)
        if support or any(p == c for p in predicted):
            report[label] = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "support": support,
            }
    return report


def micro_f1_multilabel(gold: Iterable[set[str]], predicted: Iterable[set[str]]) -> float:
    """Micro-averaged F1 over every (mention, topic) decision."""
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def char_overlap_f1(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> float:
    """F1 between the characters covered by the gold and the predicted spans (whitespace ignored
    by the caller's choice of spans; empty prediction scores 0)."""
    gold_chars = {i for s, e in gold for i in range(s, e)}
    predicted_chars = {i for s, e in predicted for i in range(s, e)}
    if not gold_chars or not predicted_chars:
        return 1.0 if gold_chars == predicted_chars else 0.0
    common = len(gold_chars & predicted_chars)
    if not common:
        return 0.0
    precision = common / len(predicted_chars)
    recall = common / len(gold_chars)
    return 2 * precision * recall / (precision + recall)
