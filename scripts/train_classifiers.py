#!/usr/bin/env python3
"""Train a classifier artifact from data on disk (the shipped 2.3.0 averages two such runs).

Trains LoRA adapters on the default encoder plus every head (sentiment, emotion,
expectation gap, evidence, topics, about_brand, complaint, switching intent, lifecycle)
with our annotated real texts (classifiers/training/data/real/train.jsonl) as the main
signal and TweetEval, BANKING77 and MAMS aspect categories as auxiliary tasks; selects
the best epoch on the real dev split, calibrates every head there (temperature scaling,
flag and gap decision) and writes the artifact folder (manifest.json,
adapter.safetensors, heads.safetensors).

    python scripts/train_classifiers.py                      # GPU if present, else CPU (about an hour on 2 cores)
    python scripts/train_classifiers.py --limit 200 --epochs 1 --out /tmp/smoke   # a quick smoke run
    python scripts/train_classifiers.py --model bert-base-uncased --out my-heads  # heads for another encoder
    python scripts/train_classifiers.py --recalibrate --out DIR   # only re-fit DIR's calibration on the real dev split

Then score it with scripts/eval_classifiers.py --artifacts DIR. The shipped artifact is the
weight average of this recipe's default run (2.1.0) and its run with supplement-2
(--leave-out-supplement supplement-3), made by scripts/soup_classifiers.py (the model card
gives the commands); without --out a run replaces the shipped artifact.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.artifacts import default_artifacts_dir
from classifiers.training.data import REAL_DIR, default_data_dir
from classifiers.training.train import TrainSettings, train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = TrainSettings(data_dir=Path(), out_dir=Path())
    parser.add_argument(
        "--data", type=Path, default=default_data_dir(), help="folder of the shared data (default ../shared/data)"
    )
    parser.add_argument(
        "--real",
        type=Path,
        default=REAL_DIR,
        help="folder of the annotated real texts (train.jsonl, dev.jsonl, test.jsonl, as scripts/annotate.py "
        "exports them; default classifiers/training/data/real): your own team's labels, or an ablation's",
    )
    parser.add_argument(
        "--out", type=Path, default=default_artifacts_dir(), help="artifact folder to write (default: the shipped one)"
    )
    parser.add_argument(
        "--model", default=None, help="encoder: Hugging Face id or local folder (default: packaged all-MiniLM-L6-v2)"
    )
    parser.add_argument(
        "--encoder-name", default=None, help="encoder name for the manifest when --model is a local copy"
    )
    parser.add_argument(
        "--encoder-weights", type=Path, default=None, help="safetensors file replacing the encoder's weights"
    )
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr, help="learning rate of the LoRA adapters")
    parser.add_argument("--head-lr", type=float, default=defaults.head_lr)
    parser.add_argument("--lora-rank", type=int, default=defaults.lora_rank)
    parser.add_argument(
        "--real-repeat", type=float, default=defaults.real_repeat, help="passes over the real train split per epoch"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the weights' initialisation")
    parser.add_argument(
        "--data-seed",
        type=int,
        default=None,
        help="seed of the batches' order and samples (default: --seed); runs of one --seed and other "
        "data seeds can be averaged by scripts/soup_classifiers.py",
    )
    parser.add_argument(
        "--tweeteval-sample",
        type=int,
        default=defaults.sentiment_sample,
        help="TweetEval sentiment tweets drawn per epoch (an auxiliary task)",
    )
    parser.add_argument("--limit", type=int, default=None, help="use only this many examples per set (smoke runs)")
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    parser.add_argument(
        "--cpu-bfloat16", action="store_true", help="on a CPU with native bfloat16, train in bfloat16 autocast"
    )
    parser.add_argument("--version", default=defaults.version, help="artifact version recorded in the model version")
    parser.add_argument(
        "--recalibrate", action="store_true", help="no training: re-fit the calibration of the artifact in --out"
    )
    parser.add_argument(
        "--leave-out-supplement",
        action="append",
        metavar="NAME",
        help="a train-only annotated supplement not to train on (repeatable; default: "
        f"{', '.join(TrainSettings.leave_out_supplements) or 'none'}, as the shipped model)",
    )
    parser.add_argument("--all-real", action="store_true", help="train on every annotated supplement")
    args = parser.parse_args(argv)
    if args.recalibrate:
        from classifiers.training.train import recalibrate

        recalibrate(args.out, args.data, progress=lambda line: print(line, flush=True))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.data / "tweeteval").is_dir():
        parser.error(f"{args.data} has no tweeteval/ folder; pass --data pointing at the shared data")
    if args.cpu_bfloat16 and _on_cpu(args.device) and not _native_bfloat16():
        parser.error(
            "--cpu-bfloat16: this CPU has no native bfloat16 (no AVX512-BF16 or AMX), so bfloat16 would be "
            "emulated and many times slower than float32; drop the flag"
        )
    settings = TrainSettings(
        data_dir=args.data,
        out_dir=args.out,
        real_dir=args.real,
        model=args.model,
        encoder_weights=args.encoder_weights,
        encoder_name=args.encoder_name,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        head_lr=args.head_lr,
        lora_rank=args.lora_rank,
        lora_alpha=2.0 * args.lora_rank,
        real_repeat=args.real_repeat,
        seed=args.seed,
        data_seed=args.data_seed,
        sentiment_sample=args.tweeteval_sample,
        limit=args.limit,
        device=args.device,
        version=args.version,
        cpu_bfloat16=args.cpu_bfloat16,
        leave_out_supplements=()
        if args.all_real
        else tuple(args.leave_out_supplement or TrainSettings.leave_out_supplements),
    )
    manifest = train(settings, progress=lambda line: print(line, flush=True))
    print(f"model version {manifest.model_version}: {manifest.metrics['selection']}")
    return 0


def _on_cpu(device: str | None) -> bool:
    import torch

    return device == "cpu" or (device is None and not torch.cuda.is_available())


def _native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (oneDNN's own check)."""
    import torch

    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    return bool(check()) if check is not None else False


if __name__ == "__main__":
    sys.exit(main())
