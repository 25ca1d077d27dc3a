"""The classifier: one encoder pass per window feeds every head.

Loading merges the trained LoRA adapter into the encoder's weights, so
inference runs a plain transformer. A text longer than one window
(``max_length`` tokens) is read whole, in overlapping windows, up to the
store's 20,000-character cut; the windows' answers are combined per head (the
most confident window for flag-type heads, gap and topics; a length-weighted
mean for sentiment, emotion and lifecycle), and the gap evidence comes from the
window that states the gap. Classifying sorts windows by length and pads each
batch only to its longest window, runs under ``torch.inference_mode``,
classifies identical texts (retweets, copies) once, and scores topics against
prototypes that are encoded once per taxonomy and cached. A topic written as a
description alone is also matched in the untrained encoder's own space (a second
pass, only over the texts of a taxonomy that has such a topic; see
``classifiers.heads.topics.DescriptionBlend``). Probabilities are
calibrated: each head's logits are divided by the temperature fitted on the
real dev split (``manifest.json``, ``calibration``).
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
from classifiers.flag import FlagThresholds, is_flagged
from classifiers.heads.evidence import spans_from_token_scores
from classifiers.heads.topics import DescriptionBlend
from classifiers.lora import merge_lora
from classifiers.network import CxNetwork, mean_pool
from classifiers.settings import ClassifiersConfig, FlagRule
from classifiers.taxonomy import Taxonomy, default_taxonomy
from foundation.errors import ClassifierError
from foundation.labels import GAPS, SENTIMENTS, Classification

__all__ = ["Classifier", "UntrainedEncoder", "load_classifier"]

logger = logging.getLogger(__name__)

MAX_TOPICS = 3
"""At most this many topics per mention (the most likely ones above the threshold)."""

MAX_INPUT_CHARS = 20_000
"""Characters read per text: the store keeps this many, and all of them are read."""

WINDOW_OVERLAP = 32
"""Tokens that consecutive windows of a long text share, so no sentence is read only in halves."""


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
        untrained: UntrainedEncoder | None = None,
    ) -> None:
        self.network = network.eval()
        self.tokenizer = tokenizer
        self.manifest = manifest
        self.batch_size = batch_size
        self.max_length = max_length
        calibration = manifest.calibration or {}
        self.flag_thresholds = FlagThresholds.resolve(flag_rule, calibration.get("flag", {}))
        self.temperatures: dict[str, float] = dict(calibration.get("temperatures", {}))
        self.gap_offsets = torch.tensor(calibration.get("gap_offsets", [0.0, 0.0, 0.0]), dtype=torch.float32)
        self.sentiment_offsets = torch.tensor(
            calibration.get("sentiment_offsets", [0.0, 0.0, 0.0]), dtype=torch.float32
        )
        self.switching_threshold = float(calibration.get("switching_threshold", 0.5))
        self.about_brand_threshold = float(calibration.get("about_brand_threshold", 0.5))
        self.topic_threshold = topic_threshold if topic_threshold is not None else manifest.topic_threshold
        self.precision = precision
        self.model_version = model_version(manifest, precision)
        self.untrained = untrained
        self.description_blend = DescriptionBlend.from_calibration(calibration) if untrained is not None else None
        self._prototypes: dict[Taxonomy, torch.Tensor] = {}
        self._untrained_prototypes: dict[Taxonomy, torch.Tensor] = {}
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
            wanted: dict[Taxonomy, dict[int, None]] = {}
            for text, tax in zip(texts, taxonomies, strict=True):
                wanted.setdefault(tax, {})[unique.setdefault(_clip(text), len(unique))] = None
            unique_texts = list(unique)
            untrained = {i for tax, rows in wanted.items() if self._blended(tax) for i in rows}
            analyses = self._analyse(unique_texts, progress, len(texts), untrained)
            topic_probabilities = self._topic_probabilities(analyses, {t: list(r) for t, r in wanted.items()})
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

    def _windows(self, texts: list[str]) -> tuple[list[list[int]], list[list[tuple[int, int]]], list[int]]:
        """Every text cut into windows of at most ``max_length`` tokens (with the special
        tokens), consecutive windows sharing WINDOW_OVERLAP tokens; returns the windows' token
        ids, their character offsets in the text, and the text each window belongs to."""
        encoded = self.tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True, padding=False)
        cls_id = self.tokenizer.cls_token_id
        sep_id = self.tokenizer.sep_token_id
        content = self.max_length - 2
        step = max(1, content - WINDOW_OVERLAP)
        ids_out: list[list[int]] = []
        offsets_out: list[list[tuple[int, int]]] = []
        owners: list[int] = []
        for index, (ids, offsets) in enumerate(zip(encoded["input_ids"], encoded["offset_mapping"], strict=True)):
            starts = range(0, max(1, len(ids) - WINDOW_OVERLAP), step) if len(ids) > content else range(1)
            for start in starts:
                piece = ids[start : start + content]
                ids_out.append([cls_id, *piece, sep_id])
                offsets_out.append([(0, 0), *offsets[start : start + content], (0, 0)])
                owners.append(index)
        return ids_out, offsets_out, owners

    def _analyse(
        self,
        texts: list[str],
        progress: Callable[[int], None] | None,
        reported_total: int,
        untrained: set[int] | frozenset[int] = frozenset(),
    ) -> list[dict[str, Any]]:
        """Run the encoder once per batch of windows (longest-first, padded to their own
        length), then combine each text's windows. The windows of the texts in ``untrained``
        (indices) are also read by the untrained encoder, for description-only topics."""
        if not texts:
            return []
        window_ids, window_offsets, owners = self._windows(texts)
        order = sorted(range(len(window_ids)), key=lambda i: len(window_ids[i]))
        per_window: list[dict[str, Any] | None] = [None] * len(window_ids)
        pad_id = self.tokenizer.pad_token_id or 0
        remaining = [0] * len(texts)
        for owner in owners:
            remaining[owner] += 1
        finished = 0
        temperature = self.temperatures.get
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(window_ids[i]) for i in rows)
            input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
            attention = torch.zeros((len(rows), width), dtype=torch.long)
            for r, i in enumerate(rows):
                ids = window_ids[i]
                input_ids[r, : len(ids)] = torch.tensor(ids)
                attention[r, : len(ids)] = 1
            output = self.network(input_ids, attention)
            plain_rows = [r for r, i in enumerate(rows) if owners[i] in untrained]
            plain_at = {r: k for k, r in enumerate(plain_rows)}
            plain = (
                self.untrained.vectors(input_ids[plain_rows], attention[plain_rows])
                if plain_rows and self.untrained is not None
                else None
            )
            sentiment = torch.softmax(
                torch.log_softmax(output.sentiment.float() / temperature("sentiment", 1.0), -1)
                + self.sentiment_offsets,
                -1,
            )
            emotion = torch.softmax(output.emotion.float() / temperature("emotion", 1.0), -1)
            gap = torch.softmax(
                torch.log_softmax(output.gap.float() / temperature("gap", 1.0), -1) + self.gap_offsets, -1
            )
            lifecycle = torch.softmax(output.lifecycle.float() / temperature("lifecycle", 1.0), -1)
            about_brand = torch.sigmoid(output.about_brand.float() / temperature("about_brand", 1.0))
            complaint = torch.sigmoid(output.complaint.float() / temperature("complaint", 1.0))
            switching = torch.sigmoid(output.switching.float() / temperature("switching", 1.0))
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
                    token_scores = evidence[needs_evidence.index(r)][: len(window_ids[i])].tolist()
                per_window[i] = {
                    "tokens": len(window_ids[i]) - 2,
                    "sentiment": sentiment[r],
                    "emotion": emotion[r],
                    "gap": gap[r],
                    "lifecycle": lifecycle[r],
                    "about_brand": float(about_brand[r]),
                    "complaint": float(complaint[r]),
                    "switching": float(switching[r]),
                    "vector": vectors[r],
                    "untrained": plain[plain_at[r]] if plain is not None and r in plain_at else None,
                    "evidence": token_scores,
                    "offsets": window_offsets[i],
                }
                remaining[owners[i]] -= 1
                if remaining[owners[i]] == 0:
                    finished += 1
            if progress is not None:
                progress(round(finished * reported_total / len(texts)))
        grouped: list[list[dict[str, Any]]] = [[] for _ in texts]
        for i, window in enumerate(per_window):
            assert window is not None
            grouped[owners[i]].append(window)
        return [_combine(text, windows) for text, windows in zip(texts, grouped, strict=True)]

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
        vectors = torch.stack([a["vectors"][0] for a in self._analyse(texts, None, len(texts))])
        prototypes = self.network.topics.prototypes(vectors, owners, len(taxonomy))
        self._prototypes[taxonomy] = prototypes
        return prototypes

    @torch.inference_mode()
    def untrained_prototypes(self, taxonomy: Taxonomy) -> torch.Tensor:
        """Unit vectors of the topics' descriptions in the untrained encoder's space."""
        cached = self._untrained_prototypes.get(taxonomy)
        if cached is not None:
            return cached
        descriptions = [topic.description for topic in taxonomy.topics]
        analyses = self._analyse(descriptions, None, len(descriptions), set(range(len(descriptions))))
        prototypes = torch.stack([a["untrained_vectors"][0] for a in analyses])
        self._untrained_prototypes[taxonomy] = prototypes
        return prototypes

    def _blended(self, taxonomy: Taxonomy) -> list[int]:
        """The taxonomy's description-only topics (by index), when the artifact has a blend for them."""
        if self.description_blend is None:
            return []
        return [index for index, topic in enumerate(taxonomy.topics) if not topic.examples]

    @torch.inference_mode()
    def topic_cosines(self, texts: Sequence[str], taxonomy: Taxonomy) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Per text, its windows' cosines with each topic (windows x topics) in the trained and in
        the untrained space: what the description blend is fitted on (scripts/train_classifiers.py)."""
        if self.untrained is None:
            raise ClassifierError(
                "this classifier was loaded with [classifiers] description_blend = false, so it has no untrained "
                "encoder; load it with description_blend = true"
            )
        with self._lock:
            clipped = [_clip(text) for text in texts]
            analyses = self._analyse(clipped, None, len(clipped), set(range(len(clipped))))
            trained, untrained = self.prototypes(taxonomy), self.untrained_prototypes(taxonomy)
            return [(a["vectors"] @ trained.T, a["untrained_vectors"] @ untrained.T) for a in analyses]

    def _topic_probabilities(
        self, analyses: list[dict[str, Any]], wanted: dict[Taxonomy, list[int]]
    ) -> dict[Taxonomy, dict[int, list[float]]]:
        """Per taxonomy, the topic probabilities of the texts (indices) that use it, from one matrix product."""
        result: dict[Taxonomy, dict[int, list[float]]] = {}
        for taxonomy, indices in wanted.items():
            if not len(taxonomy):
                result[taxonomy] = {index: [] for index in indices}
                continue
            chosen = [analyses[index] for index in indices]
            vectors = torch.cat([a["vectors"] for a in chosen])
            cosine = vectors @ self.prototypes(taxonomy).T
            probabilities = torch.sigmoid(self.network.topics.logits_of_cosine(cosine))
            blended = self._blended(taxonomy)
            if blended and self.description_blend is not None:
                untrained = torch.cat([a["untrained_vectors"] for a in chosen])
                plain = untrained @ self.untrained_prototypes(taxonomy)[blended].T
                probabilities[:, blended] = self.description_blend.probabilities(cosine[:, blended], plain)
            # A long text is about a topic when any of its windows is: the highest window per topic.
            if len(vectors) != len(chosen):  # some text was read in several windows
                sizes = [len(a["vectors"]) for a in chosen]
                probabilities = torch.stack([chunk.max(0).values for chunk in torch.split(probabilities, sizes)])
            result[taxonomy] = dict(zip(indices, probabilities.tolist(), strict=True))
        return result

    def _decide(self, analysis: dict[str, Any], taxonomy: Taxonomy, topic_row: list[float]) -> Classification:
        network = self.network
        sentiment_scores = network.sentiment.scores(analysis["sentiment"])
        emotion_scores = network.emotion.scores(analysis["emotion"])
        gap_probabilities = network.gap.scores(analysis["gap"])
        about_brand = round(analysis["about_brand"], 4)
        complaint = round(analysis["complaint"], 4)
        switching = round(analysis["switching"], 4)
        is_about_brand = about_brand >= self.about_brand_threshold
        lifecycle_scores = network.lifecycle.scores(analysis["lifecycle"]) if is_about_brand else {}
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
            flagged=is_flagged(
                about_brand=about_brand,
                complaint=complaint,
                sentiment=sentiment_scores,
                gap=gap_probabilities,
                emotion=emotion_scores,
                rule=self.flag_thresholds,
            ),
            model_version=self.model_version,
            about_brand=is_about_brand,
            about_brand_score=about_brand,
            complaint_score=complaint,
            switching=is_about_brand and switching >= self.switching_threshold,
            switching_score=switching,
            lifecycle=max(lifecycle_scores, key=lifecycle_scores.__getitem__) if lifecycle_scores else None,
            lifecycle_scores=lifecycle_scores,
            windows=analysis["windows"],
        )


def _combine(text: str, windows: list[dict[str, Any]]) -> dict[str, Any]:
    """One text's answer from its windows' answers.

    Flag-type heads (about_brand, complaint, switching) take their most confident
    window: a complaint in an e-mail's last paragraph is a complaint. One exception: when
    the text as a whole reads positive, complaint is its windows' length-weighted mean, so
    one dark paragraph of a long, happy review ("the bugs get more agitated") does not make
    it a complaint (on the real dev split, texts of several windows: flagged macro-F1 0.74 ->
    0.82). The gap comes from the window most sure there is one (its evidence with it,
    offsets already in the whole text); sentiment, emotion and lifecycle are averaged,
    weighted by window length.
    """
    if len(windows) == 1:
        only = windows[0]
        plain = only.get("untrained")
        return {
            **only,
            "text": text,
            "vectors": only["vector"].unsqueeze(0),
            "untrained_vectors": plain.unsqueeze(0) if plain is not None else None,
            "windows": 1,
        }
    weights = torch.tensor([float(w["tokens"]) for w in windows])
    weights = weights / weights.sum()

    def mean(name: str) -> torch.Tensor:
        return (torch.stack([w[name] for w in windows]) * weights.unsqueeze(-1)).sum(0)

    gap_window = max(windows, key=lambda w: 1.0 - float(w["gap"][GAPS.index("none")]))
    sentiment = mean("sentiment")
    complaints = torch.tensor([w["complaint"] for w in windows])
    positive = SENTIMENTS[int(sentiment.argmax())] == "positive"
    return {
        "text": text,
        "sentiment": sentiment,
        "emotion": mean("emotion"),
        "lifecycle": mean("lifecycle"),
        "gap": gap_window["gap"],
        "evidence": gap_window["evidence"],
        "offsets": gap_window["offsets"],
        "about_brand": max(w["about_brand"] for w in windows),
        "complaint": float((complaints * weights).sum()) if positive else float(complaints.max()),
        "switching": max(w["switching"] for w in windows),
        "vectors": torch.stack([w["vector"] for w in windows]),
        "untrained_vectors": (
            torch.stack([w["untrained"] for w in windows]) if windows[0].get("untrained") is not None else None
        ),
        "windows": len(windows),
    }


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
    network.encoder = _at_precision(network.encoder, precision)
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
        untrained=UntrainedEncoder(location, precision) if config.description_blend else None,
    )


class UntrainedEncoder:
    """The encoder as shipped, without the adapter, loaded on its first use (a taxonomy with a
    description-only topic): its mean-pooled vectors are the similarity it was trained for."""

    def __init__(self, location: str, precision: str) -> None:
        self.location = location
        self.precision = precision
        self._model: torch.nn.Module | None = None

    def vectors(self, input_ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
        """Unit mean-pooled vectors of a batch of windows."""
        if self._model is None:
            _, model, _ = load_encoder(self.location)
            self._model = _at_precision(model.eval(), self.precision)
            logger.info("untrained encoder loaded for description-only topics (%s)", self.precision)
        states = self._model(input_ids=input_ids, attention_mask=attention).last_hidden_state.float()
        return torch.nn.functional.normalize(mean_pool(states, attention), dim=-1)


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


def _at_precision(encoder: torch.nn.Module, precision: str) -> torch.nn.Module:
    """``encoder`` in the number format ``precision`` (resolved: float32, bfloat16 or int8)."""
    if precision == "int8":
        return _quantize_int8(encoder)
    if precision == "bfloat16":
        return encoder.to(torch.bfloat16)
    return encoder


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
