#!/usr/bin/env python3
"""Build the labelled CX corpus (train and held-out test splits) and print per-label counts.

    .venv/bin/python scripts/build_cx_corpus.py                 # writes classifiers/training/data/
    .venv/bin/python scripts/build_cx_corpus.py --out /tmp/cx --seed 7

Deterministic: the same seed writes byte-identical files. See
classifiers/training/data/README.md for how the corpus is made.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.training.corpus import DEFAULT_SEED, build, counts, write  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "classifiers" / "training" / "data",
        help="folder for cx_train.jsonl and cx_test.jsonl (default: classifiers/training/data)",
    )
    args = parser.parse_args(argv)
    train, test = build(args.seed)
    write(train, args.out / "cx_train.jsonl")
    write(test, args.out / "cx_test.jsonl")
    for name, rows in (("train", train), ("test", test)):
        print(f"{name}: {len(rows)} mentions -> {args.out / f'cx_{name}.jsonl'}")
        for label, table in counts(rows).items():
            print(f"  {label}: " + ", ".join(f"{k}={v}" for k, v in table.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
