#!/usr/bin/env python3
"""Choose the weight of the untrained encoder's cosine for description-only topics.

    python scripts/tune_description_blend.py                  # the shipped artifacts
    python scripts/tune_description_blend.py --artifacts DIR --weights 0,1,2

A topic written as a description alone is scored in the trained topic space and in the
untrained encoder's own space, blended (classifiers/heads/topics.py, DescriptionBlend).
This script prints, for each candidate weight, top-1 (the best-scoring topic is one of the
gold ones) on two selection sets, neither of them the test split nor CLINC150:

* the real dev split, with the default topics written as descriptions alone (top-1 over
  the texts with a topic; micro-F1 over all of them at the artifact's topic threshold, at
  most three topics per text, as the classifier decides), and
* CESAMARD reviews outside the real test split, matched against their domain's product
  aspect categories by name (a label set no training run reads).

For a weight above 0 the blend's scale and bias are fitted on dev, as
``fit_description_blend`` does; weight 0 is the trained space as shipped. Ends with one
JSON line: per weight, each set's top-1 and dev micro-F1.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from classifiers.artifacts import default_artifacts_dir
from classifiers.calibration import fit_logistic
from classifiers.engine import MAX_TOPICS, load_classifier
from classifiers.heads.topics import DescriptionBlend
from classifiers.settings import ClassifiersConfig, TopicConfig
from classifiers.taxonomy import Taxonomy, default_taxonomy
from classifiers.training.data import REAL_DIR, default_data_dir, read_real

ASPECTS = {
    "Books": ("content", "packaging", "price", "quality"),
    "Edible": ("taste", "smell", "packaging", "price", "quality"),
    "Electronics": ("design", "software", "hardware", "packaging", "price", "quality"),
    "Fashion": ("colour", "style", "fit", "packaging", "price", "quality"),
    "Misc": ("packaging", "price", "quality"),
}
"""CESAMARD's aspect categories per domain (its ReadMe, as the data README quotes it)."""

TERM_TO_CATEGORY = {
    "fabric": "quality",
    "category": "quality",
    "texture": "quality",
    "service": "packaging",
    "shape": "fit",
    "color": "colour",
}
"""Raw aspect terms that the ReadMe files under another category."""

PER_DOMAIN = 300


def _cesamard(data_dir: Path, real_dir: Path) -> dict[str, list[tuple[str, set[str]]]]:
    test_rows = (real_dir / "test.jsonl").read_text(encoding="utf-8").splitlines()
    test_pool = {json.loads(line)["provenance"]["pool_id"] for line in test_rows if line.strip()}
    by_domain: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for line in (data_dir / "real" / "cesamard_reviews.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in test_pool:
            continue
        domain = row["orig_labels"]["Domain"]
        terms = {a["Aspect Term"].strip().lower() for a in row["orig_labels"].get("aspects", [])}
        gold = {TERM_TO_CATEGORY.get(t, t) for t in terms} & set(ASPECTS[domain])
        if gold:
            by_domain[domain].append((row["text"], gold))
    for items in by_domain.values():
        random.Random(1).shuffle(items)
        del items[PER_DOMAIN:]
    return dict(sorted(by_domain.items()))


def _blended(cosines: list[tuple[torch.Tensor, torch.Tensor]], weight: float) -> torch.Tensor:
    """Per text (rows) and topic, the blended cosine of its highest window."""
    unit = DescriptionBlend(weight, 1.0, 0.0)
    return torch.stack([unit.similarity(trained, untrained).max(0).values for trained, untrained in cosines])


def _top1(scores: torch.Tensor, gold: torch.Tensor) -> float:
    return round(float(gold[torch.arange(len(gold)), scores.argmax(1)].mean()), 3)


def _micro_f1(probabilities: torch.Tensor, gold: torch.Tensor, threshold: float) -> float:
    top = probabilities.topk(min(MAX_TOPICS, probabilities.shape[1]), dim=1)
    predicted = torch.zeros_like(probabilities)
    predicted.scatter_(1, top.indices, (top.values >= threshold).float())
    tp, fp, fn = (predicted * gold).sum(), (predicted * (1 - gold)).sum(), ((1 - predicted) * gold).sum()
    return round(float(2 * tp / (2 * tp + fp + fn)), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artifacts", type=Path, default=default_artifacts_dir(), help="artifact folder to tune")
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="the shared data folder")
    parser.add_argument("--real", type=Path, default=REAL_DIR, help="folder of the annotated real splits")
    parser.add_argument("--weights", default="0,0.5,1,2,4", help="candidate weights, comma-separated")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.weights.split(",")]
    classifier = load_classifier(ClassifiersConfig(artifacts=str(args.artifacts)))
    head = classifier.network.topics

    dev = read_real("dev", args.real)
    plain = Taxonomy(tuple(TopicConfig(name=t.name, description=t.description) for t in default_taxonomy().topics))
    dev_gold = torch.tensor([[name in x.topics for name in plain.names] for x in dev], dtype=torch.float32)
    dev_cosines = classifier.topic_cosines([x.text for x in dev], plain)
    with_topic = [i for i, x in enumerate(dev) if x.topics]
    sets = {f"real dev ({len(with_topic)})": ([dev_cosines[i] for i in with_topic], dev_gold[with_topic])}
    for domain, items in _cesamard(args.data, args.real).items():
        taxonomy = Taxonomy(tuple(TopicConfig(name=a, description=a) for a in ASPECTS[domain]))
        gold = torch.tensor([[a in g for a in ASPECTS[domain]] for _, g in items], dtype=torch.float32)
        sets[f"CESAMARD {domain.lower()} ({len(items)})"] = (
            classifier.topic_cosines([t for t, _ in items], taxonomy),
            gold,
        )

    figures: dict[str, dict[str, float]] = {}
    with torch.inference_mode():
        for weight in weights:
            blended_dev = _blended(dev_cosines, weight)
            if weight == 0:
                dev_probabilities = torch.sigmoid(head.logits_of_cosine(blended_dev))
            else:
                scale, bias = fit_logistic(blended_dev, dev_gold)
                dev_probabilities = torch.sigmoid(scale * blended_dev + bias)
            row = {
                f"real dev ({len(dev)}) micro-F1": _micro_f1(dev_probabilities, dev_gold, classifier.topic_threshold)
            }
            for name, (cosines, gold) in sets.items():
                row[f"{name} top-1"] = _top1(_blended(cosines, weight), gold)
            figures[f"weight {weight:g}"] = row
        figures["untrained alone"] = {
            f"{name} top-1": _top1(torch.stack([u.max(0).values for _, u in cosines]), gold)
            for name, (cosines, gold) in sets.items()
        }
    columns = list(figures)
    rows = list(dict.fromkeys(key for row in figures.values() for key in row))
    print(f"{'':40}" + "".join(f"{c:>17}" for c in columns))
    for key in rows:
        print(f"{key:40}" + "".join(f"{figures[c].get(key, float('nan')):>17.4g}" for c in columns))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
