#!/usr/bin/env python3
"""Annotate real customer texts for cxpulse: sample, double-annotate, measure agreement, adjudicate, export.

The workflow (all paths default to classifiers/training/data/real/, the guideline is GUIDELINE.md there).
Run it with the project's virtualenv, since it imports the project (classifiers.training.annotation):

  1. prepare        sample items from the shared pool, assign train/dev/test by whole group, write
                    batches/batch-NNN.jsonl (what annotators see) and items.jsonl (full provenance).
                        .venv/bin/python scripts/annotate.py prepare --pool ../shared/data
  2. annotate       two annotators label every batch independently, without seeing each other's work:
                        passes/batch-NNN.A.jsonl   and   passes/batch-NNN.B.jsonl
                    one JSON object per line, keyed by item_id (format in GUIDELINE.md); each can
                    self-check a file first:
                        .venv/bin/python scripts/annotate.py check batches/batch-007.jsonl passes/batch-007.A.jsonl
  3. merge          validate both passes of every batch: label sets, consistency rules, and that every
                    gap_evidence quote is an exact substring of the text (its offsets are recorded).
                        .venv/bin/python scripts/annotate.py merge
  4. agreement      Cohen's kappa and % agreement per field (topics per label and micro-averaged;
                    evidence token F1 where both passes found a gap); table + agreement.json.
                        .venv/bin/python scripts/annotate.py agreement --update-readme
  5. disagreements  write adjudication/adj-NNN.jsonl with every item the passes disagree on (text,
                    the disputed fields, and both passes' labels as "A" and "B"). The adjudicator
                    writes adjudication/adj-NNN.labels.jsonl: {"item_id", <each disputed field>, "note"}.
                        .venv/bin/python scripts/annotate.py disagreements
  6. export         final rows: the passes' label where they agree, else the adjudicator's, into
                    train.jsonl, dev.jsonl and test.jsonl.
                        .venv/bin/python scripts/annotate.py export

More train data later: `supplement` draws train-only items (from split units with no dev or test
item) as new batches, appended to items.jsonl; annotate them twice, merge, then
`disagreements --new` (only the new disagreements, in new files) and export.
    .venv/bin/python scripts/annotate.py supplement --seed 20261201 --name supplement-1

Deterministic: the same pool and seed give the same files. The logic lives in
classifiers/training/annotation/; this script only parses arguments and prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.training.annotation import (  # noqa: E402
    DATA_DIR,
    DEFAULT_SEED,
    EXCLUDE_FILE,
    LONG_CHARS,
    PASSES,
    TAXONOMY_FILE,
    agreement,
    agreement_table,
    audit_table,
    check_file,
    export,
    load_adjudications,
    load_passes,
    load_topics,
    merged_rows,
    prepare,
    prepare_report,
    prepare_supplement,
    read_exclude,
    read_jsonl,
    update_readme,
    write_agreement,
    write_disagreements,
    write_jsonl,
    write_prepared,
    write_supplement,
)

DEFAULT_POOL = ROOT.parent / "shared" / "data"
"""The shared pool of real texts, beside the checkout."""


def cmd_supplement(args: argparse.Namespace) -> int:
    drawn = prepare_supplement(
        args.pool,
        args.data,
        size=args.size,
        seed=args.seed,
        name=args.name,
        contrast_share=args.contrast_share,
        complaint_share=args.complaint_share,
        exclude=read_exclude(args.exclude),
    )
    batches = write_supplement(drawn.items, args.data)
    by_contrast = sum(1 for it in drawn.items if it["sampled_by_contrast"])
    plain = sum(1 for it in drawn.items if it.get("sampled_as_plain_problem"))
    print(
        f"{len(drawn.items)} train-only items ({by_contrast} with contrast words, {plain} plain problems) "
        f"of {drawn.eligible:,} eligible "
        f"-> {', '.join(batches)}; appended to items.jsonl"
    )
    print("Annotate each batch twice (passes/batch-NNN.A.jsonl and .B.jsonl), then merge, disagreements --new, export.")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    exclude = read_exclude(args.exclude)
    items = prepare(args.pool, args.seed, args.max_long, exclude)
    n_batches = write_prepared(items, args.data)
    print(f"{len(items)} items in {n_batches} batches -> {args.data / 'batches'}; provenance -> items.jsonl")
    print(
        f"excluded pool ids (guideline examples): {len(exclude)}; long texts (> {LONG_CHARS} chars): "
        f"{sum(it['long'] for it in items)}"
    )
    print(prepare_report(items))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    loaded = load_passes(args.data, load_topics(args.taxonomy))
    n = write_jsonl(args.data / "merged.jsonl", merged_rows(loaded))
    for p in loaded.problems:
        print(p)
    valid = {p: len(loaded.passes[p]) for p in PASSES}
    print(
        f"\n{len(loaded.items)} items; valid rows A={valid['A']} B={valid['B']}; "
        f"{len(loaded.problems)} problems; {n} rows -> {args.data / 'merged.jsonl'}"
    )
    return 1 if loaded.problems else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate one labels file against its batch (an annotator's or adjudicator's self-check;
    reads no other file)."""
    report = check_file(args.batch, args.labels, load_topics(args.taxonomy))
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return 1 if report.problems else 0


def cmd_agreement(args: argparse.Namespace) -> int:
    topics = load_topics(args.taxonomy)
    loaded = load_passes(args.data, topics)
    res = agreement(loaded, topics)
    table = agreement_table(res)
    print(table)
    write_agreement(res, args.data / "agreement.json")
    if loaded.problems:
        print(f"\nnote: {len(loaded.problems)} missing or invalid rows were left out (run merge to list them)")
    if args.update_readme:
        ok = update_readme(args.data / "README.md", table)
        print("README.md Agreement section updated" if ok else "README.md has no agreement markers; not updated")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    final = read_jsonl(args.data / f"{args.split}.jsonl")
    print(audit_table(final, read_jsonl(args.labels)))
    return 0


def cmd_disagreements(args: argparse.Namespace) -> int:
    loaded = load_passes(args.data, load_topics(args.taxonomy))
    decided = set(load_adjudications(args.data)) if args.new else None
    n, files = write_disagreements(loaded, args.data / "adjudication", decided=decided)
    print(f"{n} items with a disagreement -> {files} files in {args.data / 'adjudication'} (adj-NNN.jsonl)")
    print("The adjudicator writes adj-NNN.labels.jsonl: one {item_id, <each disputed field>, note} per line.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    topics = load_topics(args.taxonomy)
    loaded = load_passes(args.data, topics)
    res = export(loaded, load_adjudications(args.data), topics, args.data)
    for p in res["problems"]:
        print(p)
    print(f"exported {res['counts']} ({len(res['problems'])} items left out) -> {args.data}")
    return 1 if res["problems"] and not args.allow_missing else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotate.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR, help=f"data folder (default {DATA_DIR})")
    parser.add_argument(
        "--taxonomy", type=Path, default=TAXONOMY_FILE, help="topic taxonomy TOML (default: the 11 defaults)"
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="sample the pool, assign splits by group, write batches and items.jsonl")
    p.add_argument("--pool", type=Path, default=DEFAULT_POOL, help=f"the shared data folder (default {DEFAULT_POOL})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--max-long", type=int, default=150, help=f"at most this many texts over {LONG_CHARS} characters")
    p.add_argument(
        "--exclude",
        type=Path,
        default=EXCLUDE_FILE,
        help="file of pool ids never to sample (default: the guideline's worked examples)",
    )
    p.set_defaults(func=cmd_prepare)
    p = sub.add_parser("supplement", help="add train-only items (from units with no dev or test item) as new batches")
    p.add_argument("--pool", type=Path, default=DEFAULT_POOL, help=f"the shared data folder (default {DEFAULT_POOL})")
    p.add_argument("--size", type=int, default=400, help="items to add (default 400)")
    p.add_argument("--seed", type=int, required=True, help="random seed (record it in the data card)")
    p.add_argument("--name", required=True, help="the supplement's name, kept in each item's provenance")
    p.add_argument(
        "--contrast-share",
        type=float,
        default=0.6,
        help="share drawn among texts with contrast words (expected, surprisingly …; default 0.6)",
    )
    p.add_argument(
        "--complaint-share",
        type=float,
        default=0.0,
        help="share drawn among plain problems: complaint-like by the source's own labels, with no "
        "contrast word (default 0)",
    )
    p.add_argument("--exclude", type=Path, default=EXCLUDE_FILE, help="file of pool ids never to sample")
    p.set_defaults(func=cmd_supplement)
    p = sub.add_parser("merge", help="validate both passes of every batch; list missing and invalid rows")
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("check", help="validate one labels file against its batch (an annotator's self-check)")
    p.add_argument("batch", type=Path, help="the batch file, e.g. batches/batch-007.jsonl")
    p.add_argument("labels", type=Path, help="the labels written for it, e.g. passes/batch-007.A.jsonl")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("agreement", help="Cohen's kappa and %% agreement per field; writes agreement.json")
    p.add_argument("--update-readme", action="store_true", help="fill the Agreement section of README.md")
    p.set_defaults(func=cmd_agreement)
    p = sub.add_parser("audit", help="a blind re-annotation's agreement with the final labels of one split")
    p.add_argument("labels", type=Path, help="the audit's labels, e.g. audit/audit-test.labels.jsonl")
    p.add_argument("--split", choices=("train", "dev", "test"), default="test", help="the split audited (default test)")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("disagreements", help="write adjudication batches for items the passes disagree on")
    p.add_argument(
        "--new",
        action="store_true",
        help="only items with no adjudication yet, in files numbered after the existing ones (keeps those)",
    )
    p.set_defaults(func=cmd_disagreements)
    p = sub.add_parser("export", help="write train/dev/test.jsonl with the final labels")
    p.add_argument("--allow-missing", action="store_true", help="exit 0 even if some items could not be exported")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
