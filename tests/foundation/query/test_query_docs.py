"""docs/query-language.md stays true: its examples are checked against the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foundation.errors import QueryError
from foundation.query import MatchDocument, matches, parse, require_positive, to_text

DOC = Path(__file__).resolve().parents[3] / "docs" / "query-language.md"
TEXT = DOC.read_text(encoding="utf-8")


def _table_rows() -> list[tuple[str, list[str], list[str]]]:
    rows = []
    for line in TEXT.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[2].startswith("`"):
            continue
        query = cells[2].strip("`")
        yes, _, no = cells[3].partition(" but not ")
        rows.append((query, re.findall(r'"([^"]+)"', yes), re.findall(r'"([^"]+)"', no)))
    return rows


ROWS = _table_rows()


def test_table_was_found() -> None:
    assert len(ROWS) >= 10


@pytest.mark.parametrize(("query", "positives", "negatives"), ROWS)
def test_operator_table_examples(query: str, positives: list[str], negatives: list[str]) -> None:
    tree = parse(query)
    for text in positives:
        assert matches(tree, MatchDocument.from_text(text)), text
    for text in negatives:
        assert not matches(tree, MatchDocument.from_text(text)), text


@pytest.mark.parametrize("message", re.findall(r"^(.* in query '.*|query '.*)$", TEXT, flags=re.MULTILINE))
def test_error_examples(message: str) -> None:
    query = re.search(r"query '(.*?)'", message)
    assert query is not None
    with pytest.raises(QueryError) as info:
        require_positive(parse(query.group(1)), query.group(1))
    assert str(info.value) == message


def test_canonical_form_example() -> None:
    assert to_text(parse("Acme AND (Delay OR late)  -Fruit")) == "acme delay OR late -fruit"
