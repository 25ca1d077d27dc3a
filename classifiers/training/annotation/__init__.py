"""Annotating real customer texts: sample, double-annotate, measure agreement, adjudicate, export.

The data lives in classifiers/training/data/real/ (``DATA_DIR``; its README.md is the data card and
GUIDELINE.md the annotation guideline); ``scripts/annotate.py`` runs each step from the command line.

1. prepare: sample items from the shared pool (``pool``) by per-source plans, assign train/dev/test
   by whole group (``splits``), write batches/batch-NNN.jsonl and items.jsonl (``sampling``).
2. annotate: two annotators label every batch independently, into passes/batch-NNN.A.jsonl and
   passes/batch-NNN.B.jsonl; each can run ``check_file`` on their own file first (``checks``).
3. merge: validate both passes of every batch against the label sets and the guideline's rules
   (``labels``), keeping the valid rows (``passes``).
4. agreement: Cohen's kappa and % agreement per field and topic, evidence token F1 (``agreement``).
5. disagreements: write adjudication/adj-NNN.jsonl with every disputed item; the adjudicator
   answers in adj-NNN.labels.jsonl (``adjudication``).
6. export: final rows (agreed labels, else the adjudicator's, then the consistency review of
   review.jsonl) into train.jsonl, dev.jsonl and test.jsonl (``export``).

Every step is deterministic: the same pool, seed and labels give byte-identical files (``files``).
"""

from classifiers.training.annotation.adjudication import (
    EVIDENCE_F1_AGREE,
    disputed_fields,
    final_row,
    load_adjudications,
    write_disagreements,
)
from classifiers.training.annotation.agreement import (
    agreement,
    agreement_table,
    audit_table,
    cohen_kappa,
    evidence_f1,
    percent_agreement,
    update_readme,
    write_agreement,
)
from classifiers.training.annotation.checks import CheckReport, check_file
from classifiers.training.annotation.export import apply_review, export, load_review
from classifiers.training.annotation.files import (
    BATCH_SIZE,
    DATA_DIR,
    EXCLUDE_FILE,
    read_exclude,
    read_jsonl,
    write_jsonl,
)
from classifiers.training.annotation.labels import FIELDS, TAXONOMY_FILE, load_topics, locate_evidence, validate_labels
from classifiers.training.annotation.passes import PASSES, Loaded, Problem, load_passes, merged_rows
from classifiers.training.annotation.sampling import (
    DEFAULT_SEED,
    LONG_CHARS,
    PLANS,
    Plan,
    prepare,
    prepare_report,
    write_prepared,
)
from classifiers.training.annotation.splits import assign_splits, split_units
from classifiers.training.annotation.supplement import CONTRAST, Supplement, prepare_supplement, write_supplement

__all__ = [
    "BATCH_SIZE",
    "CONTRAST",
    "DATA_DIR",
    "DEFAULT_SEED",
    "EVIDENCE_F1_AGREE",
    "EXCLUDE_FILE",
    "FIELDS",
    "LONG_CHARS",
    "PASSES",
    "PLANS",
    "TAXONOMY_FILE",
    "CheckReport",
    "Loaded",
    "Plan",
    "Problem",
    "Supplement",
    "agreement",
    "agreement_table",
    "apply_review",
    "assign_splits",
    "audit_table",
    "check_file",
    "cohen_kappa",
    "disputed_fields",
    "evidence_f1",
    "export",
    "final_row",
    "load_adjudications",
    "load_passes",
    "load_review",
    "load_topics",
    "locate_evidence",
    "merged_rows",
    "percent_agreement",
    "prepare",
    "prepare_report",
    "prepare_supplement",
    "read_exclude",
    "read_jsonl",
    "split_units",
    "update_readme",
    "validate_labels",
    "write_agreement",
    "write_disagreements",
    "write_jsonl",
    "write_prepared",
    "write_supplement",
]
