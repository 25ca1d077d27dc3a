"""Train/dev/test by whole group: no brand, app, product, game, company or conversation in two splits.

``split_units`` joins groups that must travel together (a brand family across sources, one
conversation, one review cut into sentences) into split units; ``assign_splits`` gives every unit
one split, per population and stratum, towards each population's test and dev shares.

The union-find is written here (a dozen lines) rather than taken from a library: the unit of a
group is named by the smallest key of its component, and the committed items.jsonl records those
names (``unit``) and the split order depends on them, so the naming rule is part of the data.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

__all__ = ["assign_splits", "split_units"]


class _UnionFind:
    """Minimal union-find over string keys; a component's root is its smallest key."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def split_units(items: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Map each item's group to its split unit: groups joined by brand family, conversation or review."""
    uf = _UnionFind()
    for it in items:
        g = it["group"]
        uf.find(g)
        for extra in (it.get("family"), it.get("context_id"), it.get("review_id")):
            if extra:
                uf.union(g, f"link:{extra}")
    return {it["group"]: uf.find(it["group"]) for it in items}


def assign_splits(
    items: Sequence[dict[str, Any]],
    fractions: dict[str, tuple[float, float]],
    strata_of: dict[str, str],
    rng: random.Random,
) -> dict[str, str]:
    """Assign every split unit to test, dev or train; returns {unit: split}.

    Each item needs "unit", "source" and "industry" (and may have "split_source", which makes two files
    one population, like IS-22 sentences and reviews). Populations are handled in the order of
    `fractions`; within one, its strata (e.g. CESAMARD domains) are filled separately. Units are shuffled,
    then taken one at a time, those of an industry not yet in the test first; a unit goes to test while
    the test count stays within half a unit of its target, else to dev likewise, else to train. A unit
    bigger than half the test target never goes to test, one bigger than the dev target never to dev
    (each should hold several brands). A unit shared with an earlier population keeps its split."""
    decided: dict[str, str] = {}
    by_pop: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        by_pop[it.get("split_source") or it["source"]].append(it)
    order = list(fractions)
    for pop in sorted(by_pop, key=lambda s: (order.index(s) if s in order else len(order), s)):
        f_test, f_dev = fractions.get(pop, (0.0, 0.0))
        strata: dict[str, Counter[str]] = defaultdict(Counter)
        industry: dict[str, Counter[str]] = defaultdict(Counter)
        for it in by_pop[pop]:
            key = str(it.get(strata_of[pop])) if pop in strata_of else "all"
            strata[key][it["unit"]] += 1
            industry[it["unit"]][it["industry"]] += 1
        for stratum in sorted(strata):
            sizes = strata[stratum]
            total = sum(sizes.values())
            t_test, t_dev = f_test * total, f_dev * total
            got = Counter({s: sum(n for u, n in sizes.items() if decided.get(u) == s) for s in ("test", "dev")})
            covered = {industry[u].most_common(1)[0][0] for u in sizes if decided.get(u) == "test"}
            units = sorted(u for u in sizes if u not in decided)
            rng.shuffle(units)
            while units:
                fresh = [u for u in units if industry[u].most_common(1)[0][0] not in covered]
                u = fresh[0] if fresh and got["test"] < t_test else units[0]
                units.remove(u)
                size = sizes[u]
                if size <= 0.5 * t_test + 1e-9 and got["test"] + size / 2 <= t_test:
                    decided[u] = "test"
                    covered.add(industry[u].most_common(1)[0][0])
                elif size <= t_dev + 1e-9 and got["dev"] + size / 2 <= t_dev:
                    decided[u] = "dev"
                else:
                    decided[u] = "train"
                got[decided[u]] += size
    return decided
