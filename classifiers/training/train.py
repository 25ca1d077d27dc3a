"""The multi-task training loop that writes a classifier artifact.

One network (encoder with LoRA adapters plus every head) is trained on
interleaved, length-bucketed batches of these tasks:

* ``real``: our annotated real texts (``training/data/real/train.jsonl``), the main
  signal: sentiment toward the brand, about_brand, complaint, expectation gap with
  evidence tokens, topics against the default taxonomy's descriptions, CX emotion,
  switching intent and lifecycle stage;
* ``sentiment``: a fresh sample of TweetEval sentiment train each epoch (real tweets,
  class-balanced loss), so general sentiment holds;
* ``emotion``: TweetEval emotion train (anger, joy, optimism, sadness);
* ``intents``: BANKING77 messages against their intent names and ``aspects``: MAMS
  restaurant sentences against their aspect categories, so that the topic space matches
  texts to one-line descriptions it has never seen (CLINC150 is kept out for the
  zero-shot check).

The synthetic CX corpus of 1.0.0 is no longer trained on: on the real dev split it made every
head worse (the model card's ablation), so its generator is gone and only its test split
remains, as a secondary figure of ``scripts/eval_classifiers.py``.

Every auxiliary text that also appears (normalized) in the real dev or test split is
left out. After each epoch the network is scored on the real dev split and TweetEval's
validation split; the best epoch is kept, its probabilities are calibrated on the real
dev split (a temperature per head), the flag, topic, switching and evidence thresholds
and the gap decision are chosen there, and the artifact is written. The real test split,
TweetEval test and the synthetic corpus's test split are never read here.

Runs on a GPU when there is one (bf16 autocast) and on the CPU otherwise.
This module imports only torch, transformers, safetensors and the classifiers
package's model code, so it runs on a bare GPU machine.
"""

from __future__ import annotations

import logging
import math
import random
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import torch
from torch import nn

from classifiers.artifacts import Manifest, write_manifest
from classifiers.calibration import expected_calibration_error, fit_logistic, fit_temperature
from classifiers.encoder import encoder_fingerprint, load_encoder, resolve_encoder
from classifiers.evaluation import char_overlap_f1, macro_f1, macro_recall, micro_f1_multilabel
from classifiers.heads.evidence import spans_from_token_scores
from classifiers.heads.topics import UNTRAINED_WEIGHT, DescriptionBlend
from classifiers.lora import add_lora, lora_state_dict
from classifiers.network import CxNetwork
from classifiers.training.annotation.pool import norm_key
from classifiers.training.data import (
    REAL_DIR,
    LabelledText,
    MultiLabelText,
    RealExample,
    read_banking77,
    read_mams_aspects,
    read_real,
    read_tweeteval,
)
from foundation.clock import utc_now
from foundation.labels import GAPS, SENTIMENTS

__all__ = ["TrainSettings", "fit_description_blend", "recalibrate", "train"]

logger = logging.getLogger(__name__)

TAXONOMY_FILE = Path(__file__).resolve().parents[1] / "taxonomy_default.toml"


@dataclass
class TrainSettings:
    """Every knob of a training run; recorded in the manifest."""

    data_dir: Path
    out_dir: Path
    model: str | None = None
    name: str = "cx-minilm-l6"
    version: str = "2.1.0"
    epochs: int = 3
    steps_per_epoch: int | None = 280
    """Batches per epoch (None: every batch the repeats and samples give, 383 here). 280 fits
    the 2-core CPU's time; each epoch still sees a fresh sample of every task."""
    restart_peak: float = 0.5
    """Epoch 1 is a warm-up and a cosine decay to zero; every later epoch is a cosine cycle
    again, from this fraction of the peak learning rate (a warm restart)."""
    batch_size: int = 32
    lr: float = 5e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.24
    """Warm-up steps as a fraction of the first epoch."""
    lora_rank: int = 32
    lora_alpha: float = 64.0
    lora_dropout: float = 0.1
    topic_dim: int = 256
    max_length: int = 128
    real_repeat: float = 2.0
    sentiment_sample: int = 2500
    emotion_sample: int = 1000
    intent_sample: int = 1200
    aspect_sample: int = 800
    val_sentiment_sample: int = 1000
    seed: int = 13
    data_seed: int | None = None
    """Seed of the data: the order of batches and each epoch's samples (None: ``seed``). Runs with
    one ``seed`` and different data seeds start from the same head and adapter weights, so they
    can be weight-averaged (:mod:`classifiers.training.soup`)."""
    limit: int | None = None
    device: str | None = None
    real_dir: Path = REAL_DIR
    leave_out_supplements: tuple[str, ...] = ("supplement-2", "supplement-3")
    """Train-only supplements of ``real_dir`` not trained on. 2.1.0 leaves out supplement-2: a
    run with it tied 2.1.0 on the real dev split and called more plain texts gaps (model card).
    The shipped 2.3.0 averages the two runs (``scripts/soup_classifiers.py``). supplement-3
    (plain problems, annotated after 2.3.0) is not in either run yet."""
    cpu_bfloat16: bool = False
    """On a CPU with native bfloat16, compute in bfloat16 like the GPU does (several times faster)."""
    encoder_name: str | None = None
    """Name recorded in the manifest when ``model`` is a local copy of a known encoder."""
    encoder_weights: Path | None = field(default=None)
    """Optional safetensors file with the encoder's weights (e.g. an fp16 copy carried to a GPU machine)."""


@dataclass
class _Batch:
    task: str
    items: list[Any]


def train(settings: TrainSettings, progress: Callable[[str], None] = print) -> Manifest:
    """Train, keep the best epoch on the real dev split, calibrate and write the artifact."""
    started = time.perf_counter()
    rng = random.Random(settings.seed if settings.data_seed is None else settings.data_seed)
    torch.manual_seed(settings.seed)
    device = torch.device(settings.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    encoder_name, location = resolve_encoder(settings.model)
    tokenizer, encoder, hidden = load_encoder(location)
    if settings.encoder_weights is not None:
        from safetensors.torch import load_file

        state = {k: v.float() for k, v in load_file(str(settings.encoder_weights)).items()}
        missing, unexpected = encoder.load_state_dict(state, strict=False)
        logger.info(
            "encoder weights from %s (missing %d, unexpected %d)",
            settings.encoder_weights,
            len(missing),
            len(unexpected),
        )
    encoder = encoder.float()
    if settings.encoder_name:
        encoder_name = settings.encoder_name
    targets = add_lora(encoder, settings.lora_rank, settings.lora_alpha, settings.lora_dropout)
    network = CxNetwork(encoder, hidden, settings.topic_dim).to(device)

    data = _load(settings, rng)
    taxonomy = _taxonomy()
    topic_names = [t["name"] for t in taxonomy]
    real: list[RealExample] = data["real"]
    weights = {
        "tweet_sentiment": _balanced([x.label for x in data["sentiment"]], len(SENTIMENTS)).to(device),
        "sentiment": _balanced([x.sentiment for x in real], len(SENTIMENTS)).to(device),
        # Square-rooted: exceeded is rare (about 2 %), and full balancing makes it fire on praise.
        "gap": _balanced([x.gap for x in real], len(GAPS)).sqrt().to(device),
    }
    progress(
        f"data: {len(real)} real train + {len(data['real_dev'])} real dev, "
        f"{len(data['sentiment'])} sentiment tweets ({settings.sentiment_sample}/epoch), "
        f"{len(data['emotion'])} emotion tweets, {len(data['intents'])} intent messages, "
        f"{len(data['aspects'])} aspect sentences; device {device}"
    )

    lora_params = [p for n, p in network.named_parameters() if "lora_" in n]
    head_params = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": lora_params, "lr": settings.lr},
            {"params": head_params, "lr": settings.head_lr},
        ],
        weight_decay=settings.weight_decay,
    )
    all_batches = len(_epoch_batches(data, settings, random.Random(0), tokenizer))
    epoch_steps = min(all_batches, settings.steps_per_epoch or all_batches)
    warmup_steps = max(1, int(epoch_steps * settings.warmup))

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        if step < epoch_steps:
            return max(0.0, 0.5 * (1 + math.cos(math.pi * (step - warmup_steps) / max(1, epoch_steps - warmup_steps))))
        into = min(1.0, (step - epoch_steps) % epoch_steps / epoch_steps)
        return settings.restart_peak * 0.5 * (1 + math.cos(math.pi * into))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    autocast = (
        torch.autocast(device_type=device.type, dtype=torch.bfloat16)
        if device.type == "cuda" or settings.cpu_bfloat16
        else _nullcontext()
    )
    context = _Context(network, tokenizer, device, settings.max_length, taxonomy, topic_names)

    best: tuple[float, dict[str, Any]] | None = None
    for epoch in range(1, settings.epochs + 1):
        network.train()
        batches = _epoch_batches(data, settings, rng, tokenizer)[:epoch_steps]
        running: dict[str, float] = {}
        for i, batch in enumerate(batches, start=1):
            with autocast:
                loss = _loss(context, batch, weights, data, rng)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            value = float(loss.detach())
            running[batch.task] = 0.98 * running.get(batch.task, value) + 0.02 * value
            if i % 100 == 0 or i == len(batches):
                losses = ", ".join(f"{k} {v:.3f}" for k, v in sorted(running.items()))
                progress(f"epoch {epoch} step {i}/{len(batches)}: {losses} ({time.perf_counter() - started:.0f} s)")
        metrics = _validate(context, data)
        score = (
            metrics["dev_sentiment_macro_recall"]
            + 1.5 * metrics["dev_gap_macro_f1"]
            + metrics["dev_flagged_macro_f1"]
            + 0.5 * metrics["dev_topic_micro_f1"]
            + 0.5 * metrics["dev_about_brand_f1"]
            + 0.5 * metrics["val_sentiment_macro_recall"]
        )
        progress(f"epoch {epoch}: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()) + f"; score {score:.4f}")
        if best is None or score > best[0]:
            best = (score, {"epoch": epoch, **metrics})
            manifest = _finish(context, data, settings, best[1], encoder_name, location, targets, device, started)
            progress(f"epoch {epoch} is the best so far: wrote {settings.out_dir}")
    assert best is not None
    progress(f"kept epoch {best[1]['epoch']}; done in {time.perf_counter() - started:.0f} s")
    return manifest


def _finish(
    context: _Context,
    data: dict[str, Any],
    settings: TrainSettings,
    selection: dict[str, Any],
    encoder_name: str,
    location: str,
    targets: list[str],
    device: torch.device,
    started: float,
) -> Manifest:
    """Calibrate the current network on the real dev split and write the artifact."""
    calibration, thresholds, calibration_metrics = _calibrate(context, data["real_dev"], data["val_sentiment"])
    manifest = Manifest(
        name=settings.name,
        version=settings.version,
        encoder=encoder_name,
        encoder_fingerprint=encoder_fingerprint(location),
        lora_rank=settings.lora_rank,
        lora_alpha=settings.lora_alpha,
        lora_targets=sorted({t.rsplit(".", 1)[-1] for t in targets}),
        topic_dim=settings.topic_dim,
        topic_threshold=thresholds["topic"],
        evidence_threshold=thresholds["evidence"],
        max_length=settings.max_length,
        trained_at=utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        training={
            **{
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in asdict(settings).items()
                if k not in ("data_dir", "out_dir", "encoder_weights", "device", "real_dir")
            },
            "device": str(device),
            "torch": torch.__version__,
            "seconds": round(time.perf_counter() - started, 1),
            "examples": {k: len(v) for k, v in data.items() if isinstance(v, list) and not k.endswith("_names")},
        },
        metrics={
            "selection": {k: round(v, 4) if isinstance(v, float) else v for k, v in selection.items()},
            "calibration": calibration_metrics,
        },
        calibration=calibration,
    )
    _save(context.network, manifest, settings.out_dir)
    blend, report = fit_description_blend(settings.out_dir, data["real_dev"])
    manifest.calibration["description_topics"] = blend
    manifest.metrics["calibration"].update(report)
    write_manifest(settings.out_dir, manifest)
    return manifest


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


@dataclass
class _Context:
    network: CxNetwork
    tokenizer: Any
    device: torch.device
    max_length: int
    taxonomy: list[dict[str, Any]]
    topic_names: list[str]

    def tokenize(self, texts: Sequence[str], offsets: bool = False) -> Any:
        return self.tokenizer(
            list(texts),
            truncation=True,
            max_length=self.max_length,
            padding=True,
            return_tensors="pt",
            return_offsets_mapping=offsets,
        )

    def run(self, texts: Sequence[str]) -> Any:
        encoded = self.tokenize(texts)
        return self.network(encoded["input_ids"].to(self.device), encoded["attention_mask"].to(self.device))

    def prototype_vectors(self, texts: list[str], owners: list[int], count: int) -> torch.Tensor:
        output = self.run(texts)
        return self.network.topics.prototypes(self.network.topics.embed(output.pooled.float()), owners, count)


def _taxonomy() -> list[dict[str, Any]]:
    return list(tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))["topics"])


def _topic_texts(taxonomy: list[dict[str, Any]], rng: random.Random | None) -> tuple[list[str], list[int]]:
    """Description plus examples per topic; while training, half the batches see the
    descriptions alone and the rest a random subset of examples, so the space works from a
    one-line description (a new team's first taxonomy) as well as from many examples."""
    texts: list[str] = []
    owners: list[int] = []
    description_only = rng is not None and rng.random() < 0.5
    for i, topic in enumerate(taxonomy):
        examples = list(topic.get("examples", []))
        if rng is not None:
            examples = [] if description_only else rng.sample(examples, rng.randint(0, len(examples)))
        for text in [topic["description"], *examples]:
            texts.append(text)
            owners.append(i)
    return texts, owners


def _load(settings: TrainSettings, rng: random.Random) -> dict[str, Any]:
    real_dev = read_real("dev", settings.real_dir)
    held_out = {norm_key(x.text) for x in real_dev} | {norm_key(x.text) for x in read_real("test", settings.real_dir)}

    def kept(items: list[Any]) -> list[Any]:
        return [x for x in items if norm_key(x.text) not in held_out]

    intent_names, intents = read_banking77(settings.data_dir, "train")
    aspect_names, aspects = read_mams_aspects(settings.data_dir)
    val_sentiment = read_tweeteval(settings.data_dir, "sentiment", "val")
    random.Random(settings.seed).shuffle(val_sentiment)
    data: dict[str, Any] = {
        "real": read_real("train", settings.real_dir, settings.leave_out_supplements),
        "real_dev": real_dev,
        "sentiment": kept(read_tweeteval(settings.data_dir, "sentiment", "train")),
        "emotion": kept(read_tweeteval(settings.data_dir, "emotion", "train")),
        "intents": kept(intents),
        "intent_names": intent_names,
        "aspects": kept(aspects),
        "aspect_names": aspect_names,
        "val_sentiment": val_sentiment[: settings.val_sentiment_sample],
        "val_emotion": read_tweeteval(settings.data_dir, "emotion", "val"),
    }
    if settings.limit:
        for key in (
            "real",
            "real_dev",
            "sentiment",
            "emotion",
            "intents",
            "aspects",
            "val_sentiment",
            "val_emotion",
        ):
            data[key] = data[key][: settings.limit]
    return data


def _epoch_batches(data: dict[str, Any], settings: TrainSettings, rng: random.Random, tokenizer: Any) -> list[_Batch]:
    """This epoch's batches; within a task, texts of similar length share a batch (less padding)."""
    batches: list[_Batch] = []

    def add(task: str, items: list[Any], repeat: float = 1.0, sample: int | None = None) -> None:
        if not items:
            return
        pool: list[Any] = []
        if sample is not None:
            pool = rng.sample(items, min(sample, len(items)))
        else:
            for _ in range(int(repeat)):
                pool.extend(items)
            pool.extend(rng.sample(items, int(len(items) * (repeat - int(repeat)))))
        rng.shuffle(pool)
        size = settings.batch_size
        chunk = size * 16
        for c in range(0, len(pool), chunk):
            part = sorted(pool[c : c + chunk], key=lambda x: len(x.text))
            batches.extend(
                _Batch(task, part[i : i + size]) for i in range(0, len(part), size) if len(part[i : i + size]) > 1
            )

    add("real", data["real"], settings.real_repeat)
    add("sentiment", data["sentiment"], sample=settings.sentiment_sample)
    add("emotion", data["emotion"], sample=settings.emotion_sample)
    add("intents", data["intents"], sample=settings.intent_sample)
    add("aspects", data["aspects"], sample=settings.aspect_sample)
    rng.shuffle(batches)
    return batches


def _balanced(labels: Sequence[int], classes: int) -> torch.Tensor:
    counts = torch.bincount(torch.tensor(list(labels)), minlength=classes).float().clamp(min=1)
    weights = counts.sum() / (classes * counts)
    return weights / weights.mean()


def _loss(
    context: _Context, batch: _Batch, weights: dict[str, torch.Tensor], data: dict[str, Any], rng: random.Random
) -> torch.Tensor:
    device = context.device
    if batch.task in ("sentiment", "emotion"):
        items: list[LabelledText] = batch.items
        output = context.run([x.text for x in items])
        labels = torch.tensor([x.label for x in items], device=device)
        if batch.task == "sentiment":
            return nn.functional.cross_entropy(output.sentiment.float(), labels, weight=weights["tweet_sentiment"])
        return nn.functional.cross_entropy(output.emotion.float(), labels)
    if batch.task == "intents":
        return 0.5 * _intent_loss(context, batch.items, data["intent_names"], rng)
    if batch.task == "aspects":
        return 0.5 * _aspect_loss(context, batch.items, data["aspect_names"])
    return _real_loss(context, batch.items, weights, rng)


def _real_loss(
    context: _Context, items: list[RealExample], weights: dict[str, torch.Tensor], rng: random.Random
) -> torch.Tensor:
    network = context.network
    device = context.device
    items = [_window(x) for x in items]
    encoded = context.tokenize([x.text for x in items], offsets=True)
    output = network(encoded["input_ids"].to(device), encoded["attention_mask"].to(device))

    def tensor(values: list[Any], dtype: torch.dtype = torch.long) -> torch.Tensor:
        return torch.tensor(values, device=device, dtype=dtype)

    bce = nn.functional.binary_cross_entropy_with_logits
    sentiment = nn.functional.cross_entropy(
        output.sentiment.float(), tensor([x.sentiment for x in items]), weight=weights["sentiment"]
    )
    about = bce(output.about_brand.float(), tensor([x.about_brand for x in items], torch.float))
    complaint = bce(output.complaint.float(), tensor([x.complaint for x in items], torch.float))
    gap = nn.functional.cross_entropy(output.gap.float(), tensor([x.gap for x in items]), weight=weights["gap"])
    switching = bce(
        output.switching.float(),
        tensor([x.switching for x in items], torch.float),
        pos_weight=torch.tensor(4.0, device=device),
    )
    emotion = nn.functional.cross_entropy(output.emotion.float(), tensor([x.emotion for x in items]))
    staged = [i for i, x in enumerate(items) if x.lifecycle is not None]
    lifecycle = (
        nn.functional.cross_entropy(output.lifecycle.float()[staged], tensor([items[i].lifecycle for i in staged]))
        if staged
        else output.lifecycle.sum() * 0.0
    )
    evidence = _evidence_loss(network, output, encoded, [x.evidence for x in items], device)
    texts, owners = _topic_texts(context.taxonomy, rng)
    prototypes = context.prototype_vectors(texts, owners, len(context.taxonomy))
    vectors = network.topics.embed(output.pooled.float())
    topic_targets = tensor([[1.0 if n in x.topics else 0.0 for n in context.topic_names] for x in items], torch.float)
    topics = bce(network.topics.logits(vectors, prototypes), topic_targets)
    return (
        sentiment
        + about
        + complaint
        + 1.5 * gap
        + evidence
        + 2.0 * topics
        + 0.5 * emotion
        + switching
        + 0.5 * lifecycle
    )


WINDOW_CHARS = 600
"""Long real texts are trained on a window of about this many characters (max_length tokens)."""


def _window(example: RealExample) -> RealExample:
    """A long text cut to the window that holds its first piece of evidence (else its opening):
    inference reads long texts in windows too, and the window that states the gap must say so."""
    if len(example.text) <= WINDOW_CHARS:
        return example
    start = max(0, example.evidence[0][0] - 150) if example.evidence else 0
    while start > 0 and not example.text[start - 1].isspace():
        start -= 1
    end = start + WINDOW_CHARS
    spans = tuple((max(s, start) - start, min(e, end) - start) for s, e in example.evidence if s < end and e > start)
    return replace(example, text=example.text[start:end], evidence=spans)


def _evidence_loss(
    network: CxNetwork,
    output: Any,
    encoded: Any,
    spans: Sequence[Sequence[tuple[int, int]]],
    device: torch.device,
) -> torch.Tensor:
    offsets = encoded["offset_mapping"]
    token_targets = _token_targets(spans, offsets).to(device)
    token_mask = (encoded["attention_mask"].to(device) > 0) & (offsets[..., 1] > offsets[..., 0]).to(device)
    token_logits = network.evidence(output.token_states).float()
    return nn.functional.binary_cross_entropy_with_logits(
        token_logits[token_mask], token_targets[token_mask], pos_weight=torch.tensor(2.0, device=device)
    )


def _intent_loss(context: _Context, items: list[LabelledText], names: list[str], rng: random.Random) -> torch.Tensor:
    """Contrastive: each message against its intent's name and a sample of other names."""
    network = context.network
    wanted = sorted({x.label for x in items})
    negatives = [i for i in rng.sample(range(len(names)), min(24, len(names))) if i not in wanted]
    chosen = wanted + negatives
    position = {label: i for i, label in enumerate(chosen)}
    prototypes = context.prototype_vectors([names[i] for i in chosen], list(range(len(chosen))), len(chosen))
    output = context.run([x.text for x in items])
    vectors = network.topics.embed(output.pooled.float())
    logits = network.topics.scale * (vectors @ prototypes.T)
    labels = torch.tensor([position[x.label] for x in items], device=context.device)
    return nn.functional.cross_entropy(logits, labels)


def _aspect_loss(context: _Context, items: list[MultiLabelText], names: list[str]) -> torch.Tensor:
    """Multi-label: each sentence against every aspect category's description."""
    network = context.network
    prototypes = context.prototype_vectors(names, list(range(len(names))), len(names))
    output = context.run([x.text for x in items])
    vectors = network.topics.embed(output.pooled.float())
    targets = torch.tensor(
        [[1.0 if k in x.labels else 0.0 for k in range(len(names))] for x in items], device=context.device
    )
    return nn.functional.binary_cross_entropy_with_logits(network.topics.logits(vectors, prototypes), targets)


def _token_targets(spans: Sequence[Sequence[tuple[int, int]]], offsets: torch.Tensor) -> torch.Tensor:
    targets = torch.zeros(offsets.shape[0], offsets.shape[1])
    for row, item_spans in enumerate(spans):
        if not item_spans:
            continue
        for col in range(offsets.shape[1]):
            start, end = int(offsets[row, col, 0]), int(offsets[row, col, 1])
            if end > start and any(start < e and end > s for s, e in item_spans):
                targets[row, col] = 1.0
    return targets


@torch.inference_mode()
def _predict(context: _Context, texts: Sequence[str], batch_size: int = 64) -> dict[str, Any]:
    """Logits of every head for ``texts`` (evaluation mode), in input order."""
    network = context.network
    network.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    heads = ("sentiment", "emotion", "gap", "about_brand", "complaint", "switching", "lifecycle")
    rows: dict[str, list[Any]] = {name: [None] * len(texts) for name in (*heads, "vectors", "evidence", "offsets")}
    for i in range(0, len(order), batch_size):
        index = order[i : i + batch_size]
        encoded = context.tokenize([texts[k] for k in index], offsets=True)
        output = network(encoded["input_ids"].to(context.device), encoded["attention_mask"].to(context.device))
        evidence = torch.sigmoid(network.evidence(output.token_states).float()).cpu()
        vectors = network.topics.embed(output.pooled.float()).cpu()
        for r, k in enumerate(index):
            for name in heads:
                rows[name][k] = getattr(output, name)[r].float().cpu()
            rows["vectors"][k] = vectors[r]
            length = int(encoded["attention_mask"][r].sum())
            rows["evidence"][k] = evidence[r][:length].tolist()
            rows["offsets"][k] = [tuple(x) for x in encoded["offset_mapping"][r][:length].tolist()]
    out: dict[str, Any] = {name: torch.stack(rows[name]) if texts else torch.zeros(0) for name in heads}
    out["evidence"], out["offsets"] = rows["evidence"], rows["offsets"]
    texts_, owners = _topic_texts(context.taxonomy, None)
    prototypes = context.prototype_vectors(texts_, owners, len(context.taxonomy)).cpu()
    vectors_all = torch.stack(rows["vectors"]) if texts else torch.zeros(0, prototypes.shape[1])
    out["topics"] = torch.sigmoid(network.topics.logits(vectors_all, prototypes).detach()).tolist()
    network.train()
    return out


def _flag_predictions(
    about: Sequence[float], complaint: Sequence[float], shortfall: Sequence[float], rule: dict[str, float]
) -> list[int]:
    return [
        int(a >= rule["about_brand_min"] and (c >= rule["complaint_min"] or s >= rule["shortfall_min"]))
        for a, c, s in zip(about, complaint, shortfall, strict=True)
    ]


def _best_flag_rule(
    gold: Sequence[int], about: Sequence[float], complaint: Sequence[float], shortfall: Sequence[float]
) -> tuple[float, dict[str, float]]:
    """The flag thresholds with the best macro-F1 on ``gold`` (dev), and that F1. The shortfall
    threshold stays at 0.5, where the gap head calls a shortfall: by default every expectation
    shortfall about a brand is flagged (``../shared/DOMAIN.md``), though a dev split labelled
    for complaints would prefer to raise it or switch it off."""
    best = (-1.0, {"about_brand_min": 0.5, "complaint_min": 0.5, "shortfall_min": 0.5})
    for a in (0.3, 0.4, 0.5, 0.6):
        for c in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
            rule = {"about_brand_min": a, "complaint_min": c, "shortfall_min": 0.5}
            f1 = macro_f1(gold, _flag_predictions(about, complaint, shortfall, rule), 2)
            if f1 > best[0] + 1e-9:
                best = (f1, rule)
    return best


def _validate(context: _Context, data: dict[str, Any]) -> dict[str, float]:
    dev: list[RealExample] = data["real_dev"]
    sentiment = _predict(context, [x.text for x in data["val_sentiment"]])
    predicted = _predict(context, [x.text for x in dev])
    about = torch.sigmoid(predicted["about_brand"]).tolist()
    complaint = torch.sigmoid(predicted["complaint"]).tolist()
    shortfall = torch.softmax(predicted["gap"], -1)[:, GAPS.index("shortfall")].tolist()
    flags = _flag_predictions(
        about, complaint, shortfall, {"about_brand_min": 0.5, "complaint_min": 0.5, "shortfall_min": 0.5}
    )
    switching = [int(p >= 0.5) for p in torch.sigmoid(predicted["switching"]).tolist()]
    return {
        "val_sentiment_macro_recall": macro_recall(
            [x.label for x in data["val_sentiment"]], predicted_labels(sentiment["sentiment"]), 3
        ),
        "dev_sentiment_macro_recall": macro_recall(
            [x.sentiment for x in dev], predicted_labels(predicted["sentiment"]), 3
        ),
        "dev_gap_macro_f1": macro_f1([x.gap for x in dev], predicted_labels(predicted["gap"]), 3),
        "dev_flagged_macro_f1": macro_f1([int(x.complaint and x.about_brand) for x in dev], flags, 2),
        "dev_about_brand_f1": _positive_f1([x.about_brand for x in dev], [p >= 0.5 for p in about]),
        "dev_switching_f1": _positive_f1([x.switching for x in dev], [bool(p) for p in switching]),
        "dev_topic_micro_f1": micro_f1_multilabel(
            [set(x.topics) for x in dev],
            [{context.topic_names[k] for k, p in enumerate(row) if p >= 0.5} for row in predicted["topics"]],
        ),
    }


def predicted_labels(logits: torch.Tensor) -> list[int]:
    return [int(i) for i in logits.argmax(-1).tolist()] if len(logits) else []


def _positive_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _calibrate(
    context: _Context, dev: list[RealExample], tweets: Sequence[LabelledText] = ()
) -> tuple[dict[str, Any], dict[str, float], dict[str, Any]]:
    """Temperatures per head, the sentiment and gap decisions, and the flag, switching, topic
    and evidence thresholds, chosen on the real dev split (the sentiment decision also on
    TweetEval validation ``tweets``); returns (calibration, thresholds, ECE report)."""
    predicted = _predict(context, [x.text for x in dev])
    gold = {
        "sentiment": torch.tensor([x.sentiment for x in dev]),
        "gap": torch.tensor([x.gap for x in dev]),
        "emotion": torch.tensor([x.emotion for x in dev]),
        "about_brand": torch.tensor([x.about_brand for x in dev]),
        "complaint": torch.tensor([x.complaint for x in dev]),
        "switching": torch.tensor([x.switching for x in dev]),
    }
    staged = [i for i, x in enumerate(dev) if x.lifecycle is not None]
    temperatures: dict[str, float] = {}
    report: dict[str, Any] = {}
    for name in ("sentiment", "gap", "emotion", "about_brand", "complaint", "switching"):
        binary = name in ("about_brand", "complaint", "switching")
        logits = predicted[name]
        temperatures[name] = fit_temperature(logits, gold[name], binary=binary)
        report[f"dev_ece_{name}_before"] = _ece(logits, gold[name], 1.0, binary)
        report[f"dev_ece_{name}"] = _ece(logits, gold[name], temperatures[name], binary)
    lifecycle_gold = torch.tensor([dev[i].lifecycle for i in staged])
    temperatures["lifecycle"] = fit_temperature(predicted["lifecycle"][staged], lifecycle_gold)

    # The sentiment decision: a log-offset per class for the mean of real dev and TweetEval
    # validation macro-recall (both sets are weak on neutral; neither is a test set).
    sentiment_log = torch.log_softmax(predicted["sentiment"] / temperatures["sentiment"], -1)
    tweet_log = (
        torch.log_softmax(_predict(context, [x.text for x in tweets])["sentiment"] / temperatures["sentiment"], -1)
        if tweets
        else None
    )

    def sentiment_score(offsets: torch.Tensor) -> float:
        real = macro_recall([x.sentiment for x in dev], predicted_labels(sentiment_log + offsets), 3)
        if tweet_log is None:
            return real
        return (real + macro_recall([x.label for x in tweets], predicted_labels(tweet_log + offsets), 3)) / 2

    best_sentiment = (sentiment_score(torch.zeros(3)), [0.0, 0.0, 0.0])
    for negative in [x / 4 for x in range(-4, 5)]:
        for neutral in [x / 4 for x in range(-4, 5)]:
            offsets = [negative, neutral, 0.0]
            score = sentiment_score(torch.tensor(offsets))
            if score > best_sentiment[0] + 1e-9:
                best_sentiment = (score, offsets)
    report["dev_sentiment_decision_score"] = round(best_sentiment[0], 4)

    # The gap decision: argmax after adding a log-offset to shortfall and exceeded, for dev macro-F1.
    # Exceeded is never boosted above the model's own odds: the dev split holds about 15
    # exceeded texts, too few to tune an offset on (a +0.75 chosen there tripled its false
    # positives on held-out text), so only a penalty is allowed.
    gap_log = torch.log_softmax(predicted["gap"] / temperatures["gap"], -1)
    gold_gap = [x.gap for x in dev]
    best_offsets = (macro_f1(gold_gap, predicted_labels(gap_log), 3), 0.0, 0.0)
    for short in [x / 4 for x in range(-4, 5)]:
        for exceeded in [x / 4 for x in range(-8, 1)]:
            adjusted = gap_log + torch.tensor([0.0, short, exceeded])
            f1 = macro_f1(gold_gap, predicted_labels(adjusted), 3)
            if f1 > best_offsets[0] + 1e-9:
                best_offsets = (f1, short, exceeded)
    gap_offsets = [0.0, best_offsets[1], best_offsets[2]]
    report["dev_gap_macro_f1"] = round(best_offsets[0], 4)

    about = torch.sigmoid(predicted["about_brand"] / temperatures["about_brand"]).tolist()
    complaint = torch.sigmoid(predicted["complaint"] / temperatures["complaint"]).tolist()
    gap_probabilities = torch.softmax(gap_log + torch.tensor(gap_offsets), -1)
    shortfall = gap_probabilities[:, GAPS.index("shortfall")].tolist()
    best_flag = _best_flag_rule([int(x.complaint and x.about_brand) for x in dev], about, complaint, shortfall)
    report["dev_flagged_macro_f1"] = round(best_flag[0], 4)

    switching_p = torch.sigmoid(predicted["switching"] / temperatures["switching"]).tolist()
    best_switching = (-1.0, 0.5)
    for step in range(10, 91, 5):
        f1 = _positive_f1([x.switching for x in dev], [p >= step / 100 for p in switching_p])
        if f1 > best_switching[0] + 1e-9:
            best_switching = (f1, step / 100)
    report["dev_switching_f1"] = round(best_switching[0], 4)

    best_topic = (-1.0, 0.5)
    for step in range(10, 91, 5):
        threshold = step / 100
        f1 = micro_f1_multilabel(
            [set(x.topics) for x in dev],
            [{context.topic_names[k] for k, p in enumerate(row) if p >= threshold} for row in predicted["topics"]],
        )
        if f1 > best_topic[0] + 1e-9:
            best_topic = (f1, threshold)
    report["dev_topic_micro_f1"] = round(best_topic[0], 4)

    best_evidence = (-1.0, 0.5)
    with_gap = [i for i, x in enumerate(dev) if x.evidence]
    for step in range(20, 81, 5):
        threshold = step / 100
        scores = [
            char_overlap_f1(
                list(dev[i].evidence),
                spans_from_token_scores(
                    dev[i].text, predicted["evidence"][i], predicted["offsets"][i], threshold=threshold
                ),
            )
            for i in with_gap
        ]
        mean = sum(scores) / len(scores) if scores else 0.0
        if mean > best_evidence[0] + 1e-9:
            best_evidence = (mean, threshold)
    report["dev_evidence_overlap_f1"] = round(best_evidence[0], 4)
    calibration = {
        "temperatures": temperatures,
        "sentiment_offsets": best_sentiment[1],
        "gap_offsets": gap_offsets,
        "flag": best_flag[1],
        "switching_threshold": best_switching[1],
        "about_brand_threshold": 0.5,
    }
    return calibration, {"topic": best_topic[1], "evidence": best_evidence[1]}, report


def recalibrate(
    artifacts: Path,
    data_dir: Path,
    real_dir: Path = REAL_DIR,
    progress: Callable[[str], None] = print,
    val_sentiment_sample: int = 1000,
    seed: int = 13,
) -> Manifest:
    """Re-run the calibration of an artifact on the real dev split (no training) and rewrite
    its manifest: for a team that labels its own dev split, or after changing the rule."""
    from classifiers.artifacts import read_manifest
    from classifiers.engine import load_classifier
    from classifiers.settings import ClassifiersConfig

    classifier = load_classifier(ClassifiersConfig(artifacts=str(artifacts), precision="float32"), fresh=True)
    manifest = read_manifest(artifacts)
    context = _Context(
        classifier.network, classifier.tokenizer, torch.device("cpu"), manifest.max_length, _taxonomy(), []
    )
    context.topic_names = [t["name"] for t in context.taxonomy]
    tweets = read_tweeteval(data_dir, "sentiment", "val")
    random.Random(seed).shuffle(tweets)
    dev = read_real("dev", real_dir)
    calibration, thresholds, report = _calibrate(context, dev, tweets[:val_sentiment_sample])
    classifier.network.eval()  # _predict leaves the network in training mode (dropout on)
    calibration["description_topics"], blend_report = fit_description_blend(
        artifacts, dev, classifier=classifier, threshold=thresholds["topic"]
    )
    report.update(blend_report)
    manifest.calibration = calibration
    manifest.topic_threshold = thresholds["topic"]
    manifest.evidence_threshold = thresholds["evidence"]
    manifest.metrics["calibration"] = report
    write_manifest(artifacts, manifest)
    progress(f"recalibrated {artifacts}: {calibration}; {report}")
    return manifest


def fit_description_blend(
    artifacts: Path,
    dev: Sequence[RealExample],
    *,
    classifier: Any = None,
    threshold: float | None = None,
    weight: float = UNTRAINED_WEIGHT,
) -> tuple[dict[str, float], dict[str, float]]:
    """How the artifact in ``artifacts`` scores description-only topics: the scale and bias of
    the blended cosine (``DescriptionBlend``) that fit the real dev split's topics, with the
    default topics written as descriptions alone (a logistic fit over every text and topic).
    Returns the blend for ``calibration["description_topics"]`` and dev micro-F1 at the
    artifact's topic threshold, trained space alone against the blend."""
    from classifiers.artifacts import read_manifest
    from classifiers.engine import load_classifier
    from classifiers.settings import ClassifiersConfig, TopicConfig
    from classifiers.taxonomy import Taxonomy, default_taxonomy

    if classifier is None:
        classifier = load_classifier(ClassifiersConfig(artifacts=str(artifacts), precision="float32"), fresh=True)
    taxonomy = Taxonomy(tuple(TopicConfig(name=t.name, description=t.description) for t in default_taxonomy().topics))
    cosines = classifier.topic_cosines([x.text for x in dev], taxonomy)
    gold = torch.tensor([[name in x.topics for name in taxonomy.names] for x in dev], dtype=torch.float32)
    unit = DescriptionBlend(weight, 1.0, 0.0)
    blended = torch.stack([unit.similarity(t, u).max(0).values for t, u in cosines])
    scale, bias = fit_logistic(blended, gold)
    blend = DescriptionBlend(weight, scale, bias)
    threshold = read_manifest(artifacts).topic_threshold if threshold is None else threshold
    with torch.inference_mode():
        head = classifier.network.topics
        trained = torch.stack([torch.sigmoid(head.logits_of_cosine(t)).max(0).values for t, _ in cosines])
        blended_probabilities = torch.stack([blend.probabilities(t, u).max(0).values for t, u in cosines])
    gold_sets = [set(x.topics) for x in dev]

    def micro(probabilities: torch.Tensor) -> float:
        predicted = [{taxonomy.names[k] for k, p in enumerate(row) if p >= threshold} for row in probabilities.tolist()]
        return round(micro_f1_multilabel(gold_sets, predicted), 4)

    report = {
        "dev_description_topic_micro_f1_trained": micro(trained),
        "dev_description_topic_micro_f1_blend": micro(blended_probabilities),
    }
    return blend.as_calibration(), report


def _ece(logits: torch.Tensor, gold: torch.Tensor, temperature: float, binary: bool) -> float:
    if binary:
        p = torch.sigmoid(logits / temperature)
        confidence = torch.where(p >= 0.5, p, 1 - p).tolist()
        correct = ((p >= 0.5).long() == gold.long()).tolist()
    else:
        probabilities = torch.softmax(logits / temperature, -1)
        confidence = probabilities.max(-1).values.tolist()
        correct = (probabilities.argmax(-1) == gold.long()).tolist()
    return expected_calibration_error(confidence, [bool(c) for c in correct])


def _save(network: CxNetwork, manifest: Manifest, folder: Path) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    adapter = {k.removeprefix("encoder."): v.half() for k, v in lora_state_dict(network).items()}
    heads = {k: v.float() for k, v in network.head_state_dict().items()}
    save_file(adapter, str(folder / "adapter.safetensors"))
    save_file(heads, str(folder / "heads.safetensors"))
    write_manifest(folder, manifest)
