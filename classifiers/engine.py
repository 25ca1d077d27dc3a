"""The classifier: one encoder pass per batch feeds every head.

Loading merges the trained LoRA adapter into the encoder's weights, so
inference runs a plain transformer. Classifying sorts texts by length and pads
each batch only to its longest text, runs under ``torch.inference_mode``,
classifies identical texts (retweets, copies) once, and scores topics against
prototypes that are encoded once per taxonomy and cached.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

import torch

from classifiers.artifacts import ARTIFACT_FILES, Manifest, artifacts_dir, model_version, read_manifest
from classifiers.encoder import encoder_fingerprint, load_encoder, resolve_encoder
from classifiers.flag import is_flagged
from classifiers.heads.evidence import spans_from_token_scores
from classifiers.lora import merge_lora
from classifiers.network import CxNetwork
from classifiers.settings import ClassifiersConfig, FlagRule
from classifiers.taxonomy import Taxonomy, default_taxonomy
from foundation.errors import ClassifierError
from foundation.labels import GAPS, Classification

__all__ = ["Classifier", "load_classifier"]

logger = logging.getLogger(__name__)

MAX_TOPICS = 3
"""At most this many topics per mention (the most likely ones above the threshold)."""

MAX_INPUT_CHARS = 4000
"""Characters read per text: far more than max_length tokens need, so tokenizing stays fast."""


class Classifier:
    """A loaded encoder with its heads; thread-safe for one caller at a time."""

    def __init__(
        self,
        network: CxNetwork,
        tokenizer: Any,
        manifest: Manifest,
        *,
        batch_size: int,
        max_length: int,
        flag_rule: FlagRule,
        topic_threshold: float | None = None,
        precision: str = "float32",
    ) -> None:
        self.network = network.eval()
        self.tokenizer = tokenizer
        self.manifest = manifest
        self.batch_size = batch_size
        self.max_length = max_length
        self.flag_rule = flag_rule
        self.topic_threshold = topic_threshold if topic_threshold is not None else manifest.topic_threshold
        self.precision = precision
        self.model_version = model_version(manifest, precision)
        self._prototypes: dict[Taxonomy, torch.Tensor] = {}
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- public
    def classify(
        self,
        texts: Sequence[str],
        taxonomy: Taxonomy | Sequence[Taxonomy] | None = None,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> list[Classification]:
        """Classify ``texts``; a sequence of taxonomies gives each text its own, None the default.

        ``progress`` is called with the number of texts finished after each batch.
        """
        taxonomies = self._taxonomies(texts, taxonomy)
        with self._lock, torch.inference_mode():
            unique: dict[str, int] = {}
            for text in texts:
                unique.setdefault(_clip(text), len(unique))
            unique_texts = list(unique)
            analyses = self._analyse(unique_texts, progress, len(texts))
            topic_probabilities = self._topic_probabilities(analyses, set(taxonomies))
            results: list[Classification] = []
            for text, tax in zip(texts, taxonomies, strict=True):
                index = unique[_clip(text)]
                results.append(self._decide(analyses[index], tax, topic_probabilities[tax][index]))
        return results

    # ---------------------------------------------------------------- helpers
    def _taxonomies(self, texts: Sequence[str], taxonomy: Taxonomy | Sequence[Taxonomy] | None) -> list[Taxonomy]:
        if taxonomy is None:
            return [default_taxonomy()] * len(texts)
        if isinstance(taxonomy, Taxonomy):
            return [taxonomy] * len(texts)
        taxonomies = list(taxonomy)
        if len(taxonomies) != len(texts):
            raise ClassifierError(f"got {len(texts)} texts but {len(taxonomies)} taxonomies; give one per text")
        return taxonomies

    def _analyse(
        self, texts: list[str], progress: Callable[[int], None] | None, reported_total: int
    ) -> list[dict[str, Any]]:
        """Run the encoder once per batch, longest-first batches padded to their own length."""
        if not texts:
            return []
        encoded = self.tokenizer(
            texts, truncation=True, max_length=self.max_length, return_offsets_mapping=True, padding=False
        )
        order = sorted(range(len(texts)), key=lambda i: len(encoded["input_ids"][i]))
        analyses: list[dict[str, Any] | None] = [None] * len(texts)
        pad_id = self.tokenizer.pad_token_id or 0
        done = 0
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encoded["input_ids"][i]) for i in rows)
            input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
            attention = torch.zeros((len(rows), width), dtype=torch.long)
            for r, i in enumerate(rows):
                ids = encoded["input_ids"][i]
                input_ids[r, : len(ids)] = torch.tensor(ids)
                attention[r, : len(ids)] = 1
            output = self.network(input_ids, attention)
            sentiment = torch.softmax(output.sentiment.float(), -1)
            emotion = torch.softmax(output.emotion.float(), -1)
            gap = torch.softmax(output.gap.float(), -1)
            vectors = self.network.topics.embed(output.pooled.float())
            needs_evidence = [r for r in range(len(rows)) if GAPS[int(gap[r].argmax())] != "none"]
            evidence = (
                torch.sigmoid(self.network.evidence(output.token_states[needs_evidence]).float())
                if needs_evidence
                else None
            )
            for r, i in enumerate(rows):
                token_scores = None
                if evidence is not None and r in needs_evidence:
                    token_scores = evidence[needs_evidence.index(r)].tolist()
                analyses[i] = {
                    "text": texts[i],
                    "sentiment": sentiment[r],
                    "emotion": emotion[r],
                    "gap": gap[r],
                    "vector": vectors[r],
                    "evidence": token_scores,
                    "offsets": encoded["offset_mapping"][i],
                }
            done += len(rows)
            if progress is not None:
                progress(round(done * reported_total / len(texts)))
        return [a for a in analyses if a is not None]

    @torch.inference_mode()
    def prototypes(self, taxonomy: Taxonomy) -> torch.Tensor:
        """Unit vectors of the taxonomy's topics in the topic space, encoded once per taxonomy."""
        cached = self._prototypes.get(taxonomy)
        if cached is not None:
            return cached
        texts: list[str] = []
        owners: list[int] = []
        for index, topic in enumerate(taxonomy.topics):
            for text in (topic.description, *topic.examples):
                texts.append(text)
                owners.append(index)
        vectors = torch.stack([a["vector"] for a in self._analyse(texts, None, len(texts))])
        prototypes = self.network.topics.prototypes(vectors, owners, len(taxonomy))
        self._prototypes[taxonomy] = prototypes
        return prototypes

    def _topic_probabilities(
        self, analyses: list[dict[str, Any]], taxonomies: set[Taxonomy]
    ) -> dict[Taxonomy, list[list[float]]]:
        """Per taxonomy, every text's topic probabilities from one matrix product."""
        if not analyses:
            return {tax: [] for tax in taxonomies}
        vectors = torch.stack([a["vector"] for a in analyses])
        result: dict[Taxonomy, list[list[float]]] = {}
        for taxonomy in taxonomies:
            if not len(taxonomy):
                result[taxonomy] = [[] for _ in analyses]
                continue
            logits = self.network.topics.logits(vectors, self.prototypes(taxonomy))
            result[taxonomy] = torch.sigmoid(logits).tolist()
        return result

    def _decide(self, analysis: dict[str, Any], taxonomy: Taxonomy, topic_row: list[float]) -> Classification:
        network = self.network
        sentiment_scores = network.sentiment.scores(analysis["sentiment"])
        emotion_scores = network.emotion.scores(analysis["emotion"])
        gap_probabilities = network.gap.scores(analysis["gap"])
        sentiment = max(sentiment_scores, key=sentiment_scores.__getitem__)
        emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        gap = max(gap_probabilities, key=gap_probabilities.__getitem__)
        topic_scores: dict[str, float] = {}
        topics: tuple[str, ...] = ()
        if len(taxonomy):
            topic_scores = {name: round(p, 4) for name, p in zip(taxonomy.names, topic_row, strict=True)}
            ranked = sorted(topic_scores, key=topic_scores.__getitem__, reverse=True)
            topics = tuple(name for name in ranked[:MAX_TOPICS] if topic_scores[name] >= self.topic_threshold)
        evidence: tuple[str, ...] = ()
        if gap != "none" and analysis["evidence"] is not None:
            text = analysis["text"]
            spans = spans_from_token_scores(
                text, analysis["evidence"], analysis["offsets"], threshold=self.manifest.evidence_threshold
            )
            evidence = tuple(text[s:e] for s, e in spans)
        return Classification(
            sentiment=sentiment,
            sentiment_scores=sentiment_scores,
            topics=topics,
            topic_scores=topic_scores,
            expectation_gap=gap,
            gap_score=gap_probabilities[gap],
            gap_evidence=evidence,
            emotion=emotion,
            emotion_scores=emotion_scores,
            flagged=is_flagged(sentiment_scores, gap_probabilities, emotion_scores, self.flag_rule),
            model_version=self.model_version,
        )


def _clip(text: str) -> str:
    return text[:MAX_INPUT_CHARS] if len(text) > MAX_INPUT_CHARS else text


_LOADED: dict[ClassifiersConfig, Classifier] = {}
_LOADING = threading.Lock()


def load_classifier(config: ClassifiersConfig | None = None, *, fresh: bool = False) -> Classifier:
    """The classifier named by ``[classifiers]``, loaded once per process (offline).

    Loading takes a few seconds; every caller in a process (CLI commands, the
    service's jobs, tests) shares one instance per configuration unless ``fresh``.
    """
    config = config or ClassifiersConfig()
    with _LOADING:
        if fresh or config not in _LOADED:
            _LOADED[config] = _load(config)
        return _LOADED[config]


def _load(config: ClassifiersConfig) -> Classifier:
    folder = artifacts_dir(config.artifacts)
    missing = [name for name in ARTIFACT_FILES if not (folder / name).is_file()]
    if missing:
        raise ClassifierError(
            f"classifier artifacts in {folder} lack {', '.join(missing)}; point [classifiers] artifacts at a folder "
            "written by scripts/train_classifiers.py"
        )
    manifest = read_manifest(folder)
    encoder_name, location = resolve_encoder(config.model)
    fingerprint = encoder_fingerprint(location)
    if fingerprint != manifest.encoder_fingerprint:
        raise ClassifierError(
            f"the heads in {folder} were trained for the encoder {manifest.encoder!r}, not {encoder_name!r}. "
            f"Train heads for it with `python scripts/train_classifiers.py --model {encoder_name} --out DIR` "
            "and set [classifiers] artifacts = DIR, or remove [classifiers] model"
        )
    _set_threads(config.threads)
    tokenizer, encoder, hidden = load_encoder(location)
    from safetensors.torch import load_file

    merged = merge_lora(
        encoder, load_file(str(folder / "adapter.safetensors")), manifest.lora_alpha / manifest.lora_rank
    )
    network = CxNetwork(encoder, hidden, manifest.topic_dim)
    heads = load_file(str(folder / "heads.safetensors"))
    missing_heads, unexpected = network.load_state_dict(heads, strict=False)
    missing_heads = [k for k in missing_heads if not k.startswith("encoder.")]
    if missing_heads or unexpected:
        raise ClassifierError(f"{folder}/heads.safetensors does not fit this version of cxpulse; retrain the heads")
    network.eval()
    precision = resolve_precision(config.precision)
    if precision == "int8":
        network.encoder = _quantize_int8(network.encoder)
    elif precision == "bfloat16":
        network.encoder = network.encoder.to(torch.bfloat16)
    logger.info(
        "classifier %s loaded (encoder %s, %d adapted layers, %s)",
        manifest.model_version,
        encoder_name,
        merged,
        precision,
    )
    return Classifier(
        network,
        tokenizer,
        manifest,
        batch_size=config.batch_size,
        max_length=min(config.max_length, manifest.max_length) if manifest.max_length else config.max_length,
        flag_rule=config.flag,
        topic_threshold=config.topic_threshold,
        precision=precision,
    )


def resolve_precision(setting: str) -> str:
    """``auto`` becomes bfloat16 where the CPU computes it natively, else float32."""
    if setting != "auto":
        return setting
    if torch.cuda.is_available():
        return "float32"
    return "bfloat16" if _cpu_has_native_bf16() else "float32"


def _cpu_has_native_bf16() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        return False
    return False


def _quantize_int8(module: torch.nn.Module) -> torch.nn.Module:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's pointer to torchao; dynamic quantization still works
        quantized: torch.nn.Module = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            module, {torch.nn.Linear}, dtype=torch.qint8
        )
        return quantized


def _set_threads(threads: int | None) -> None:
    count = (
        threads or len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else (threads or os.cpu_count() or 1)
    )
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
