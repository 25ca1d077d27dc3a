#!/usr/bin/env python3
"""How fast mentions are classified, against the encoder's ceiling and a naive baseline.

    python scripts/bench_classify.py                 # 3,000 demo mentions, default precision
    python scripts/bench_classify.py --precision float32 --count 1000

All three figures come from one process on the same texts (distinct demo
mentions, so deduplication does not help) and the same batch size:

Each fast figure is the median of three runs after a warm-up (the CPU kernels
are prepared per batch shape on first use).

* classify: the whole ``cxpulse classify-file`` path (read JSONL, every head,
  topics, evidence, flag rule, write JSONL), after a warm-up;
* encoder: the bare encoder forward pass over the same texts, pre-tokenized,
  sorted by length and padded per batch (the ceiling of any classifier here);
* naive: a ``transformers`` feature-extraction pipeline per head, one text at
  a time, nine encoder passes per mention (on a sample of the texts);
* long: texts of 500 to 3,000 words (demo mentions joined into e-mail-length
  texts, at most the store's 20,000 characters), read whole in overlapping
  windows: mentions/s and tokens/s, with a check that every token was read;
* description-only topics: the classifier in-process with the default topics
  written as descriptions alone (each such topic also matched by the untrained
  encoder, a second pass) against the default taxonomy, on the same texts.

Ends with one JSON line: classify_per_s, encoder_per_s, naive_per_s,
ratio_vs_encoder, ratio_vs_naive, long_per_s, long_tokens_per_s, long_words_mean,
description_only_per_s, description_only_ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch

from classifiers.engine import MAX_INPUT_CHARS, WINDOW_OVERLAP, load_classifier
from classifiers.settings import ClassifiersConfig, TopicConfig
from classifiers.taxonomy import Taxonomy, default_taxonomy
from cxpulse.cli.main import run as cxpulse
from cxpulse.config import BrandConfig
from foundation.mentions import Cursor
from listener.sources.demo import DEMO_BRANDS, DemoOptions, DemoSource

REPEATS = 3
"""Each fast figure is the median of this many timed runs."""


def demo_texts(count: int) -> list[str]:
    """Distinct demo mention texts, spread over the demo brands."""
    seen: dict[str, None] = {}
    for brand in DEMO_BRANDS:
        options = DemoOptions(count=count, batch_size=5000, seed=11)
        query = BrandConfig(name=brand.name, query=brand.query).as_query()
        for batch in DemoSource("demo", options).fetch(query, Cursor()):
            for mention in batch.mentions:
                seen.setdefault(mention.text, None)
    texts = list(seen)[:count]
    return texts


def time_classify_file(texts: list[str], folder: Path, config_path: Path) -> float:
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    warm = folder / "warm.jsonl"
    warm.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts[:500])), "utf-8")
    args = ["--quiet", "classify-file", "--config", str(config_path)]
    if cxpulse([*args, str(warm), "--output", str(folder / "warm-out.jsonl")]) != 0:
        raise SystemExit("classify-file failed on the warm-up file")
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        code = cxpulse([*args, str(source), "--output", str(folder / "out.jsonl")])
        runs.append(time.perf_counter() - started)
        if code != 0:
            raise SystemExit("classify-file failed")
    seconds = statistics.median(runs)
    lines = (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()
    if len(lines) != len(texts) or "expectation_gap" not in json.loads(lines[0]):
        raise SystemExit("classify-file wrote an unexpected output")
    return len(texts) / seconds


def time_encoder(texts: list[str], config: ClassifiersConfig) -> float:
    classifier = load_classifier(config)
    tokenizer, encoder = classifier.tokenizer, classifier.network.encoder
    encoded = tokenizer(texts, truncation=True, max_length=classifier.max_length)["input_ids"]
    order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
    batches = []
    for start in range(0, len(order), classifier.batch_size):
        rows = order[start : start + classifier.batch_size]
        width = max(len(encoded[i]) for i in rows)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, i in enumerate(rows):
            ids[r, : len(encoded[i])] = torch.tensor(encoded[i])
            mask[r, : len(encoded[i])] = 1
        batches.append((ids, mask))
    runs = []
    with torch.inference_mode():
        for ids, mask in batches[:8]:
            encoder(input_ids=ids, attention_mask=mask)
        for _ in range(REPEATS):
            started = time.perf_counter()
            for ids, mask in batches:
                encoder(input_ids=ids, attention_mask=mask)
            runs.append(time.perf_counter() - started)
    return len(texts) / statistics.median(runs)


def time_naive(texts: list[str], config: ClassifiersConfig) -> float:
    """One feature-extraction pipeline call per head per text, as a first attempt would do it."""
    from transformers import pipeline

    classifier = load_classifier(config)
    network = classifier.network
    extract = pipeline("feature-extraction", model=network.encoder, tokenizer=classifier.tokenizer, device="cpu")
    from classifiers.taxonomy import default_taxonomy

    prototypes = classifier.prototypes(default_taxonomy())

    def pooled(text: str) -> tuple[torch.Tensor, torch.Tensor]:
        states = torch.tensor(extract(text, truncation=True, max_length=classifier.max_length)[0]).float()
        return states.mean(dim=0, keepdim=True), states.unsqueeze(0)

    with torch.inference_mode():
        pooled(texts[0])
        started = time.perf_counter()
        for text in texts:
            network.sentiment(pooled(text)[0]).softmax(-1)
            network.emotion(pooled(text)[0]).softmax(-1)
            network.gap(pooled(text)[0]).softmax(-1)
            network.evidence(pooled(text)[1]).sigmoid()
            network.topics.logits(network.topics.embed(pooled(text)[0]), prototypes).sigmoid()
            network.about_brand(pooled(text)[0]).sigmoid()
            network.complaint(pooled(text)[0]).sigmoid()
            network.switching(pooled(text)[0]).sigmoid()
            network.lifecycle(pooled(text)[0]).softmax(-1)
        return len(texts) / (time.perf_counter() - started)


def long_texts(pieces: list[str], count: int) -> list[str]:
    """``count`` texts of 500 to 3,000 words made of distinct demo mentions, each at most
    MAX_INPUT_CHARS (the store's cut), deterministic."""
    import random

    rng = random.Random(5)
    texts = []
    for _ in range(count):
        words = rng.randint(500, 3000)
        parts: list[str] = []
        total = 0
        while total < words:
            piece = rng.choice(pieces)
            parts.append(piece)
            total += len(piece.split())
        texts.append(" ".join(parts)[:MAX_INPUT_CHARS])
    return texts


def time_long(texts: list[str], config: ClassifiersConfig) -> tuple[float, float]:
    """Mentions/s and tokens/s over long texts read whole (median of REPEATS after a warm-up)."""
    classifier = load_classifier(config)
    lengths = [len(ids) for ids in classifier.tokenizer(texts, add_special_tokens=False)["input_ids"]]
    tokens = sum(lengths)
    classifier.classify(texts[:4])
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        results = classifier.classify(texts)
        runs.append(time.perf_counter() - started)
    step = classifier.max_length - 2 - WINDOW_OVERLAP
    needed = sum(max(1, -(-max(0, n - WINDOW_OVERLAP) // step)) for n in lengths)
    read = sum(r.windows for r in results)
    if read < needed:
        raise SystemExit(f"long texts: {read} windows read, {needed} needed to cover every token")
    seconds = statistics.median(runs)
    return len(texts) / seconds, tokens / seconds


def time_description_only(texts: list[str], config: ClassifiersConfig) -> tuple[float, float]:
    """Mentions/s in-process with the default topics as descriptions alone, and that figure's
    ratio to the default taxonomy's (interleaved runs, medians of REPEATS, after a warm-up)."""
    classifier = load_classifier(config)
    plain = Taxonomy(tuple(TopicConfig(name=t.name, description=t.description) for t in default_taxonomy().topics))
    for taxonomy in (default_taxonomy(), plain):
        classifier.classify(texts[:200], taxonomy)
    runs: dict[Taxonomy, list[float]] = {default_taxonomy(): [], plain: []}
    for _ in range(REPEATS):
        for taxonomy in runs:
            started = time.perf_counter()
            classifier.classify(texts, taxonomy)
            runs[taxonomy].append(time.perf_counter() - started)
    default_s, plain_s = (statistics.median(runs[t]) for t in (default_taxonomy(), plain))
    return len(texts) / plain_s, default_s / plain_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000, help="distinct mentions to classify (default 3000)")
    parser.add_argument("--naive-count", type=int, default=200, help="mentions for the slow naive baseline")
    parser.add_argument("--precision", default="auto", choices=["auto", "float32", "bfloat16", "int8"])
    parser.add_argument("--batch-size", type=int, default=ClassifiersConfig().batch_size)
    parser.add_argument("--long-count", type=int, default=40, help="long texts (500-3,000 words) to classify")
    parser.add_argument(
        "--description-count", type=int, default=1000, help="mentions for the description-only topics figure"
    )
    args = parser.parse_args(argv)
    config = ClassifiersConfig(precision=args.precision, batch_size=args.batch_size)
    texts = demo_texts(args.count)
    classifier = load_classifier(config)
    print(
        f"{len(texts)} distinct demo mentions, batch size {config.batch_size}, precision {classifier.precision}, "
        f"{torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config_path = folder / "cxpulse.toml"
        config_path.write_text(
            f'[classifiers]\nprecision = "{args.precision}"\nbatch_size = {args.batch_size}\n', encoding="utf-8"
        )
        classify_per_s = time_classify_file(texts, folder, config_path)
    print(f"classify-file, all heads: {classify_per_s:8.1f} mentions/s", flush=True)
    encoder_per_s = time_encoder(texts, config)
    print(f"bare encoder forward:     {encoder_per_s:8.1f} mentions/s", flush=True)
    naive_per_s = time_naive(texts[: args.naive_count], config)
    print(f"naive pipeline per head:  {naive_per_s:8.1f} mentions/s ({args.naive_count} mentions)", flush=True)
    long = long_texts(texts, args.long_count)
    long_words = sum(len(t.split()) for t in long) / len(long)
    long_per_s, long_tokens_per_s = time_long(long, config)
    print(
        f"long texts, read whole:   {long_per_s:8.2f} mentions/s, {long_tokens_per_s:8.0f} tokens/s "
        f"({len(long)} texts, {long_words:.0f} words on average)",
        flush=True,
    )
    description_per_s, description_ratio = time_description_only(texts[: args.description_count], config)
    print(
        f"description-only topics:  {description_per_s:8.1f} mentions/s in-process, "
        f"{description_ratio:.3f} of the default taxonomy's ({min(args.description_count, len(texts))} mentions)",
        flush=True,
    )
    figures = {
        "classify_per_s": round(classify_per_s, 1),
        "encoder_per_s": round(encoder_per_s, 1),
        "naive_per_s": round(naive_per_s, 1),
        "ratio_vs_encoder": round(classify_per_s / encoder_per_s, 3),
        "ratio_vs_naive": round(classify_per_s / naive_per_s, 1),
        "long_per_s": round(long_per_s, 2),
        "long_tokens_per_s": round(long_tokens_per_s, 0),
        "long_words_mean": round(long_words, 0),
        "description_only_per_s": round(description_per_s, 1),
        "description_only_ratio": round(description_ratio, 3),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
