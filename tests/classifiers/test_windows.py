"""Long texts are read whole: the windows cover every token, overlap, and fit the model."""

from __future__ import annotations

from classifiers import Classifier
from classifiers.engine import MAX_INPUT_CHARS, WINDOW_OVERLAP


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
