#!/usr/bin/env python3
"""Average classifier artifacts trained from the same start, then calibrate the average on real dev.

Runs of scripts/train_classifiers.py with the same --seed start from the same weights and
differ in their data (for example one with --all-real, one without); their weight average
("model soup", classifiers/training/soup.py) is often better than either. The soup is
written to --out and recalibrated on the real dev split, which prints its calibrated dev
figures: compare them with the runs' own before scoring anything on test.

    python scripts/soup_classifiers.py --from classifiers/artifacts/cx-minilm-l6 --from runs/all-real \\
        --out runs/soup --version 2.2.0
    python scripts/eval_classifiers.py --artifacts runs/soup
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.training.data import REAL_DIR, default_data_dir
from classifiers.training.soup import soup
from classifiers.training.train import recalibrate
from foundation.errors import CxPulseError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--from", dest="folders", type=Path, action="append", required=True, help="an artifact folder (twice or more)"
    )
    parser.add_argument(
        "--weight",
        dest="weights",
        type=float,
        action="append",
        help="one per --from, in order (default equal): weigh a soup of two runs 2 beside a single run",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the soup to")
    parser.add_argument("--version", required=True, help="the soup's version, e.g. 2.2.0")
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="folder of the shared data")
    parser.add_argument("--real", type=Path, default=REAL_DIR, help="folder of the annotated real texts")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        manifest = soup(args.folders, args.out, args.version, args.weights)
        print(f"wrote {args.out}: the average of {len(args.folders)} artifacts, adapter rank {manifest.lora_rank}")
        recalibrate(args.out, args.data, args.real)
    except CxPulseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
