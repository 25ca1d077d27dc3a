from cxpulse.config.locate import LineLocator, format_path

TEXT = """\
# comment
[database]
url = "x"

[[brands]]
name = "A"

[[brands]]
name = "B"
query.text = 1

[[sources]]
type = "demo"
options = { seed = 1, "count" = 2 }

[sources.schedule]
every = "5m"
"""


def test_lines_of_tables_arrays_dotted_and_inline_keys() -> None:
    locator = LineLocator.scan(TEXT)
    assert locator.line_of(("database", "url")) == 3
    assert locator.line_of(("brands", 0, "name")) == 6
    assert locator.line_of(("brands", 1, "name")) == 9
    assert locator.line_of(("brands", 1, "query", "text")) == 10
    assert locator.line_of(("sources", 0, "options", "count")) == 14
    assert locator.line_of(("sources", 0, "schedule", "every")) == 17
    assert locator.line_of(("sources", 0, "options", "nope")) == 14  # falls back to the table key
    assert locator.line_of(("nothing",)) is None


def test_format_path() -> None:
    assert format_path(("sources", 1, "options", "count")) == "sources[1].options.count"
