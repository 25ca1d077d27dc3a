"""``cxpulse search``: full-text search of stored mentions with filters."""

from __future__ import annotations

import click

from cxpulse.app.classify import current_model_version
from cxpulse.app.search import search_mentions
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.options import FilterOptions, search_filter_options
from cxpulse.cli.output import highlight, print_json, strip_marks, table
from storage import HitClassification

__all__ = ["search"]

MAX_OFFSET = 1_000_000_000
"""The deepest page --offset may ask for: both stores take it, a larger one is refused with exit code 2."""


@click.command()
@click.argument("query", required=False, default="")
@search_filter_options
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=20, show_default=True, help="How many results.")
@click.option("--offset", type=click.IntRange(0, MAX_OFFSET), default=0, help="Skip this many results (paging).")
@click.option("--json", "as_json", is_flag=True, help="Print results as a JSON array (full text, no highlighting).")
@pass_app
def search(
    app: AppContext,
    query: str,
    filter_options: FilterOptions,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Search stored mentions, best matches first.

    QUERY uses the same language as brand queries: words, "exact phrases",
    OR, -exclusions, prefix*, (groups). Without QUERY, lists the newest
    mentions that pass the filters. The classification filters (--sentiment,
    --topic, --gap, --flagged, --about-brand, --switching, --lifecycle) read
    what the current model said (run `cxpulse classify` first); results then
    show sentiment, gap and flag.

    \b
    Examples:
      cxpulse search refund --brand "Northwind Air" --since 7d
      cxpulse search '"checked bag" (lost OR missing) -delivered' --json
      cxpulse search --flagged --gap shortfall --topic delivery_shipping --since 7d
      cxpulse search --switching --lifecycle support --json
    """
    filters = filter_options.to_filters(current_model_version(app.config(require_file=False).settings.classifiers))
    store = app.store()
    hits = search_mentions(store, query, filters, limit=limit, offset=offset)
    if as_json:
        print_json(
            app.out,
            [
                {
                    "id": h.id,
                    "source": h.source,
                    "external_id": h.external_id,
                    "brands": list(h.brands),
                    "created_at": h.created_at,
                    "author_handle": h.author_handle,
                    "language": h.language,
                    "channel": h.channel,
                    "rating": h.rating,
                    "url": h.url,
                    "text": h.text,
                    "snippet": strip_marks(h.snippet),
                    "duplicate_of": h.duplicate_of_id,
                    "rank": h.rank,
                    "classification": _labels(h.classification),
                }
                for h in hits
            ],
        )
        return
    if not hits:
        app.err.print("no mentions match; widen the query or the filters", markup=False)
        return
    labelled = any(h.classification is not None for h in hits)
    columns = ["date", "brand", "source", "author", "lang"]
    columns += ["sentiment", "gap", "flag"] if labelled else []
    rows = []
    for h in hits:
        row: list[object] = [h.created_at, ", ".join(h.brands), h.channel or h.source, h.author_handle, h.language]
        if labelled:
            c = h.classification
            row += [c.sentiment, c.expectation_gap, "yes" if c.flagged else ""] if c else ["", "", ""]
        rows.append((*row, highlight(h.snippet)))
    app.out.print(table(None, [*columns, "mention"], rows))


def _labels(classification: HitClassification | None) -> dict[str, object] | None:
    if classification is None:
        return None
    return {
        "model_version": classification.model_version,
        "sentiment": classification.sentiment,
        "topics": list(classification.topics),
        "expectation_gap": classification.expectation_gap,
        "emotion": classification.emotion,
        "flagged": classification.flagged,
        "about_brand": classification.about_brand,
        "switching": classification.switching,
        "lifecycle": classification.lifecycle,
    }
