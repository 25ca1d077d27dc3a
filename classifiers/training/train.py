"""The multi-task training loop that writes a classifier artifact.

One network (encoder with LoRA adapters plus every head) is trained on
interleaved batches of four tasks:

* ``sentiment``: TweetEval sentiment train (real tweets), class-balanced loss;
* ``emotion``: TweetEval emotion train (anger, joy, optimism, sadness);
* ``cx``: our CX corpus (sentiment, CX emotions, expectation gap, evidence
  tokens and topics against the default taxonomy's prototypes);
* ``intents``: BANKING77 messages against their intent names, which teaches
  the topic space to match text to short descriptions it has never seen.

After each epoch the network is scored on TweetEval's validation splits and a
dev slice of our corpus's train split; the best epoch is kept, the topic and
evidence thresholds are calibrated on the dev slice, and the artifact is
written. TweetEval test and our corpus's test split are never read here.

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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from classifiers.artifacts import Manifest, write_manifest
from classifiers.encoder import encoder_fingerprint, load_encoder, resolve_encoder
from classifiers.evaluation import char_overlap_f1, macro_f1, macro_recall, micro_f1_multilabel
from classifiers.heads.evidence import spans_from_token_scores
from classifiers.lora import add_lora, lora_state_dict
from classifiers.network import CxNetwork
from classifiers.training.data import (
    CORPUS_DIR,
    CxExample,
    LabelledText,
    read_banking77,
    read_cx_corpus,
    read_tweeteval,
)
from foundation.clock import utc_now
from foundation.labels import EMOTIONS, GAPS, SENTIMENTS

__all__ = ["TrainSettings", "train"]

logger = logging.getLogger(__name__)

TAXONOMY_FILE = Path(__file__).resolve().parents[1] / "taxonomy_default.toml"


@dataclass
class TrainSettings:
    """Every knob of a training run; recorded in the manifest."""

    data_dir: Path
    out_dir: Path
    model: str | None = None
    name: str = "cx-minilm-l6"
    version: str = "1.0.0"
    epochs: int = 2
    batch_size: int = 64
    lr: float = 4e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    lora_rank: int = 32
    lora_alpha: float = 64.0
    lora_dropout: float = 0.1
    topic_dim: int = 256
    max_length: int = 128
    cx_repeat: int = 6
    emotion_repeat: int = 2
    intent_fraction: float = 0.5
    dev_fraction: float = 0.12
    seed: int = 13
    limit: int | None = None
    device: str | None = None
    corpus_dir: Path = CORPUS_DIR
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
    """Train, select the best epoch, calibrate and write the artifact; returns its manifest."""
    started = time.perf_counter()
    rng = random.Random(settings.seed)
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
    sentiment_weights = _balanced([x.label for x in data["sentiment"]], len(SENTIMENTS)).to(device)
    gap_weights = _balanced([x.gap for x in data["cx"]], len(GAPS)).to(device)
    progress(
        f"data: {len(data['sentiment'])} sentiment tweets, {len(data['emotion'])} emotion tweets, "
        f"{len(data['cx'])} CX train + {len(data['cx_dev'])} CX dev, {len(data['intents'])} intent messages; "
        f"device {device}"
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
    batches_per_epoch = len(_epoch_batches(data, settings, random.Random(0)))
    total_steps = batches_per_epoch * settings.epochs
    warmup_steps = max(1, int(total_steps * settings.warmup))

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, 0.5 * (1 + math.cos(math.pi * (step - warmup_steps) / max(1, total_steps - warmup_steps))))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    autocast = (
        torch.autocast(device_type=device.type, dtype=torch.bfloat16)
        if device.type == "cuda" or settings.cpu_bfloat16
        else _nullcontext()
    )
    context = _Context(network, tokenizer, device, settings.max_length, taxonomy, topic_names)

    best: tuple[float, dict[str, torch.Tensor], dict[str, Any]] | None = None
    step = 0
    for epoch in range(1, settings.epochs + 1):
        network.train()
        batches = _epoch_batches(data, settings, rng)
        running: dict[str, float] = {}
        for i, batch in enumerate(batches, start=1):
            with autocast:
                loss = _loss(context, batch, sentiment_weights, gap_weights, data["intent_names"], rng)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            value = float(loss.detach())
            running[batch.task] = 0.98 * running.get(batch.task, value) + 0.02 * value
            if i % 200 == 0 or i == len(batches):
                losses = ", ".join(f"{k} {v:.3f}" for k, v in sorted(running.items()))
                progress(f"epoch {epoch} step {i}/{len(batches)}: {losses} ({time.perf_counter() - started:.0f} s)")
        metrics = _validate(context, data)
        score = (
            metrics["val_sentiment_macro_recall"]
            + metrics["dev_gap_macro_f1"]
            + 0.5 * metrics["val_emotion_macro_f1"]
            + 0.5 * metrics["dev_topic_micro_f1"]
        )
        progress(f"epoch {epoch}: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()) + f"; score {score:.4f}")
        if best is None or score > best[0]:
            state = {
                k: v.detach().clone()
                for k, v in network.state_dict().items()
                if "lora_" in k or not k.startswith("encoder.")
            }
            best = (score, state, {"epoch": epoch, **metrics})
    assert best is not None
    network.load_state_dict(best[1], strict=False)
    topic_threshold, evidence_threshold = _calibrate(context, data["cx_dev"])
    progress(
        f"best epoch {best[2]['epoch']}; topic threshold {topic_threshold:.2f}, "
        f"evidence threshold {evidence_threshold:.2f}"
    )

    manifest = Manifest(
        name=settings.name,
        version=settings.version,
        encoder=encoder_name,
        encoder_fingerprint=encoder_fingerprint(location),
        lora_rank=settings.lora_rank,
        lora_alpha=settings.lora_alpha,
        lora_targets=sorted({t.rsplit(".", 1)[-1] for t in targets}),
        topic_dim=settings.topic_dim,
        topic_threshold=topic_threshold,
        evidence_threshold=evidence_threshold,
        max_length=settings.max_length,
        trained_at=utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        training={
            **{
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in asdict(settings).items()
                if k not in ("data_dir", "out_dir", "encoder_weights", "device", "corpus_dir")
            },
            "device": str(device),
            "torch": torch.__version__,
            "seconds": round(time.perf_counter() - started, 1),
            "examples": {k: len(v) for k, v in data.items() if isinstance(v, list) and k != "intent_names"},
        },
        metrics={"selection": {k: round(v, 4) if isinstance(v, float) else v for k, v in best[2].items()}},
    )
    _save(network, manifest, settings.out_dir)
    progress(f"wrote {settings.out_dir} in {time.perf_counter() - started:.0f} s")
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
    """Description plus examples per topic; while training a random subset of examples,
    so the space learns to work from a description alone as well as from many examples."""
    texts: list[str] = []
    owners: list[int] = []
    for i, topic in enumerate(taxonomy):
        examples = list(topic.get("examples", []))
        if rng is not None:
            examples = rng.sample(examples, rng.randint(0, len(examples)))
        for text in [topic["description"], *examples]:
            texts.append(text)
            owners.append(i)
    return texts, owners


def _load(settings: TrainSettings, rng: random.Random) -> dict[str, Any]:
    sentiment = read_tweeteval(settings.data_dir, "sentiment", "train")
    emotion = read_tweeteval(settings.data_dir, "emotion", "train")
    cx_all = read_cx_corpus("train", settings.corpus_dir)
    intent_names, intents = read_banking77(settings.data_dir, "train")
    rng.shuffle(cx_all)
    dev_size = max(1, int(len(cx_all) * settings.dev_fraction))
    data: dict[str, Any] = {
        "sentiment": sentiment,
        "emotion": emotion,
        "cx": cx_all[dev_size:],
        "cx_dev": cx_all[:dev_size],
        "intents": intents,
        "intent_names": intent_names,
        "val_sentiment": read_tweeteval(settings.data_dir, "sentiment", "val"),
        "val_emotion": read_tweeteval(settings.data_dir, "emotion", "val"),
    }
    if settings.limit:
        for key in ("sentiment", "emotion", "cx", "cx_dev", "intents", "val_sentiment", "val_emotion"):
            data[key] = data[key][: settings.limit]
    return data


def _epoch_batches(data: dict[str, Any], settings: TrainSettings, rng: random.Random) -> list[_Batch]:
    batches: list[_Batch] = []

    def add(task: str, items: list[Any], repeat: float) -> None:
        pool: list[Any] = []
        whole = int(repeat)
        for _ in range(whole):
            pool.extend(items)
        pool.extend(rng.sample(items, int(len(items) * (repeat - whole))))
        rng.shuffle(pool)
        size = settings.batch_size
        batches.extend(
            _Batch(task, pool[i : i + size]) for i in range(0, len(pool), size) if len(pool[i : i + size]) > 1
        )

    add("sentiment", data["sentiment"], 1)
    add("emotion", data["emotion"], settings.emotion_repeat)
    add("cx", data["cx"], settings.cx_repeat)
    add("intents", data["intents"], settings.intent_fraction)
    rng.shuffle(batches)
    return batches


def _balanced(labels: Sequence[int], classes: int) -> torch.Tensor:
    counts = torch.bincount(torch.tensor(list(labels)), minlength=classes).float().clamp(min=1)
    weights = counts.sum() / (classes * counts)
    return weights / weights.mean()


def _loss(
    context: _Context,
    batch: _Batch,
    sentiment_weights: torch.Tensor,
    gap_weights: torch.Tensor,
    intent_names: list[str],
    rng: random.Random,
) -> torch.Tensor:
    network = context.network
    device = context.device
    if batch.task in ("sentiment", "emotion"):
        items: list[LabelledText] = batch.items
        output = context.run([x.text for x in items])
        labels = torch.tensor([x.label for x in items], device=device)
        if batch.task == "sentiment":
            return nn.functional.cross_entropy(output.sentiment.float(), labels, weight=sentiment_weights)
        return nn.functional.cross_entropy(output.emotion.float(), labels)
    if batch.task == "intents":
        items = batch.items
        wanted = sorted({x.label for x in items})
        negatives = [i for i in rng.sample(range(len(intent_names)), min(24, len(intent_names))) if i not in wanted]
        chosen = wanted + negatives
        position = {label: i for i, label in enumerate(chosen)}
        prototypes = context.prototype_vectors([intent_names[i] for i in chosen], list(range(len(chosen))), len(chosen))
        output = context.run([x.text for x in items])
        vectors = network.topics.embed(output.pooled.float())
        logits = network.topics.scale * (vectors @ prototypes.T)
        labels = torch.tensor([position[x.label] for x in items], device=device)
        return 0.5 * nn.functional.cross_entropy(logits, labels)
    cx: list[CxExample] = batch.items
    encoded = context.tokenize([x.text for x in cx], offsets=True)
    output = network(encoded["input_ids"].to(device), encoded["attention_mask"].to(device))
    # The same class weights as the tweets. Tried: unweighted at half weight (artifact "b" in the
    # model card): TweetEval sentiment unchanged (0.6964), emotion 1.5 points lower.
    sentiment = nn.functional.cross_entropy(
        output.sentiment.float(), torch.tensor([x.sentiment for x in cx], device=device), weight=sentiment_weights
    )
    emotion = nn.functional.cross_entropy(output.emotion.float(), torch.tensor([x.emotion for x in cx], device=device))
    gap = nn.functional.cross_entropy(
        output.gap.float(), torch.tensor([x.gap for x in cx], device=device), weight=gap_weights
    )
    token_targets = _token_targets(cx, encoded["offset_mapping"]).to(device)
    token_mask = (encoded["attention_mask"].to(device) > 0) & (
        encoded["offset_mapping"][..., 1] > encoded["offset_mapping"][..., 0]
    ).to(device)
    token_logits = network.evidence(output.token_states).float()
    evidence = nn.functional.binary_cross_entropy_with_logits(
        token_logits[token_mask], token_targets[token_mask], pos_weight=torch.tensor(2.0, device=device)
    )
    texts, owners = _topic_texts(context.taxonomy, rng)
    prototypes = context.prototype_vectors(texts, owners, len(context.taxonomy))
    vectors = network.topics.embed(output.pooled.float())
    topic_targets = torch.tensor(
        [[1.0 if name in x.topics else 0.0 for name in context.topic_names] for x in cx], device=device
    )
    topics = nn.functional.binary_cross_entropy_with_logits(network.topics.logits(vectors, prototypes), topic_targets)
    return sentiment + emotion + 1.5 * gap + evidence + topics


def _token_targets(items: Sequence[CxExample], offsets: torch.Tensor) -> torch.Tensor:
    targets = torch.zeros(offsets.shape[0], offsets.shape[1])
    for row, item in enumerate(items):
        for col in range(offsets.shape[1]):
            start, end = int(offsets[row, col, 0]), int(offsets[row, col, 1])
            if end > start and any(start < e and end > s for s, e in item.evidence):
                targets[row, col] = 1.0
    return targets


@torch.inference_mode()
def _predict(context: _Context, texts: Sequence[str], batch_size: int = 128) -> dict[str, Any]:
    """Probabilities of every head for ``texts`` (evaluation mode)."""
    network = context.network
    network.eval()
    out: dict[str, list[Any]] = {
        "sentiment": [],
        "emotion": [],
        "gap": [],
        "vectors": [],
        "evidence": [],
        "offsets": [],
    }
    for i in range(0, len(texts), batch_size):
        chunk = list(texts[i : i + batch_size])
        encoded = context.tokenize(chunk, offsets=True)
        output = network(encoded["input_ids"].to(context.device), encoded["attention_mask"].to(context.device))
        out["sentiment"].extend(torch.softmax(output.sentiment.float(), -1).cpu().tolist())
        out["emotion"].extend(torch.softmax(output.emotion.float(), -1).cpu().tolist())
        out["gap"].extend(torch.softmax(output.gap.float(), -1).cpu().tolist())
        out["vectors"].append(network.topics.embed(output.pooled.float()))
        evidence = torch.sigmoid(network.evidence(output.token_states).float()).cpu()
        for row in range(len(chunk)):
            out["evidence"].append(evidence[row].tolist())
            out["offsets"].append([tuple(x) for x in encoded["offset_mapping"][row].tolist()])
    texts_, owners = _topic_texts(context.taxonomy, None)
    prototypes = context.prototype_vectors(texts_, owners, len(context.taxonomy))
    vectors = (
        torch.cat(out["vectors"]) if out["vectors"] else torch.zeros(0, prototypes.shape[1], device=prototypes.device)
    )
    out["topics"] = torch.sigmoid(network.topics.logits(vectors, prototypes)).tolist()
    network.train()
    return out


def _validate(context: _Context, data: dict[str, Any]) -> dict[str, float]:
    sentiment = _predict(context, [x.text for x in data["val_sentiment"]])
    emotion = _predict(context, [x.text for x in data["val_emotion"]])
    dev: list[CxExample] = data["cx_dev"]
    cx = _predict(context, [x.text for x in dev])
    emotion_4 = [_argmax(_tweeteval_emotion(row)) for row in emotion["emotion"]]
    gold_emotion_4 = [("anger", "joy", "optimism", "sadness").index(EMOTIONS[x.label]) for x in data["val_emotion"]]
    return {
        "val_sentiment_macro_recall": macro_recall(
            [x.label for x in data["val_sentiment"]], [_argmax(r) for r in sentiment["sentiment"]], 3
        ),
        "val_emotion_macro_f1": macro_f1(gold_emotion_4, emotion_4, 4),
        "dev_sentiment_macro_recall": macro_recall(
            [x.sentiment for x in dev], [_argmax(r) for r in cx["sentiment"]], 3
        ),
        "dev_gap_macro_f1": macro_f1([x.gap for x in dev], [_argmax(r) for r in cx["gap"]], 3),
        "dev_topic_micro_f1": micro_f1_multilabel(
            [set(x.topics) for x in dev],
            [{context.topic_names[k] for k, p in enumerate(row) if p >= 0.5} for row in cx["topics"]],
        ),
    }


def _tweeteval_emotion(row: Sequence[float]) -> list[float]:
    groups = (("anger", "frustration"), ("joy", "delight"), ("optimism",), ("sadness", "disappointment", "anxiety"))
    return [sum(row[EMOTIONS.index(name)] for name in group) for group in groups]


def _argmax(row: Sequence[float]) -> int:
    return max(range(len(row)), key=lambda k: row[k])


def _calibrate(context: _Context, dev: list[CxExample]) -> tuple[float, float]:
    """Topic threshold for best micro-F1 and evidence threshold for best overlap, on the dev slice."""
    predicted = _predict(context, [x.text for x in dev])
    best_topic = (0.0, 0.5)
    for step in range(10, 91, 5):
        threshold = step / 100
        f1 = micro_f1_multilabel(
            [set(x.topics) for x in dev],
            [{context.topic_names[k] for k, p in enumerate(row) if p >= threshold} for row in predicted["topics"]],
        )
        best_topic = max(best_topic, (f1, threshold))
    best_evidence = (0.0, 0.5)
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
        best_evidence = max(best_evidence, (mean, threshold))
    return best_topic[1], best_evidence[1]


def _save(network: CxNetwork, manifest: Manifest, folder: Path) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    adapter = {k.removeprefix("encoder."): v.half() for k, v in lora_state_dict(network).items()}
    heads = {k: v.float() for k, v in network.head_state_dict().items()}
    save_file(adapter, str(folder / "adapter.safetensors"))
    save_file(heads, str(folder / "heads.safetensors"))
    write_manifest(folder, manifest)
