"""Long texts are read whole: the windows cover every token, overlap, fit the model, and combine per head."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from classifiers import Classifier
from classifiers.engine import MAX_INPUT_CHARS, WINDOW_OVERLAP, _combine
from foundation.labels import SENTIMENTS


def test_windows_cover_every_token_of_a_long_text_with_overlap(classifier: Classifier) -> None:
    text = " ".join(f"word{i} arrived late again" for i in range(900))
    ids, offsets, owners = classifier._windows([text, "short one"])
    content = classifier.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    assert owners.count(1) == 1 and owners[-1] == 1
    long_windows = [k for k, owner in enumerate(owners) if owner == 0]
    assert len(long_windows) > 5
    seen: set[tuple[int, int]] = set()
    for k in long_windows:
        assert len(ids[k]) <= classifier.max_length
        assert ids[k][0] == classifier.tokenizer.cls_token_id and ids[k][-1] == classifier.tokenizer.sep_token_id
        seen.update(tuple(o) for o in offsets[k][1:-1])
    assert seen == {tuple(o) for o in content}
    first, second = (set(map(tuple, offsets[k][1:-1])) for k in long_windows[:2])
    assert len(first & second) == WINDOW_OVERLAP


def test_a_text_up_to_the_store_limit_is_read_to_its_end(classifier: Classifier) -> None:
    filler = "The weather was fine and we walked to the shops. " * 400
    text = (filler[: MAX_INPUT_CHARS - 80] + " Your courier broke my new television and nobody answers.")[
        :MAX_INPUT_CHARS
    ]
    [result] = classifier.classify([text])
    ids, offsets, _ = classifier._windows([text])
    assert result.windows == len(ids) > 20
    assert max(end for window in offsets for _, end in window) == len(text.rstrip())
    assert all(piece in text for piece in result.gap_evidence)


def _window(complaint: float, sentiment: list[float], tokens: int = 126) -> dict[str, Any]:
    return {
        "tokens": tokens,
        "sentiment": torch.tensor(sentiment),
        "emotion": torch.full((9,), 1 / 9),
        "lifecycle": torch.full((5,), 0.2),
        "gap": torch.tensor([0.9, 0.08, 0.02]),
        "evidence": None,
        "offsets": [],
        "about_brand": 0.9,
        "complaint": complaint,
        "switching": 0.1,
        "vector": torch.zeros(4),
    }


def test_one_complaining_window_makes_a_complaint_unless_the_whole_text_reads_positive() -> None:
    neutral, happy, angry = [0.2, 0.6, 0.2], [0.05, 0.15, 0.8], [0.8, 0.15, 0.05]
    email = _combine("e-mail", [_window(0.1, neutral), _window(0.1, neutral), _window(0.9, angry, tokens=63)])
    assert email["complaint"] == pytest.approx(0.9)  # the last paragraph's complaint stands
    review = _combine("review", [_window(0.1, happy), _window(0.8, neutral), _window(0.1, happy), _window(0.1, happy)])
    assert SENTIMENTS[int(review["sentiment"].argmax())] == "positive"
    assert review["complaint"] == pytest.approx((0.1 * 3 + 0.8) / 4)  # one dark paragraph is averaged in
