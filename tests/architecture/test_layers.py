"""The import structure docs/architecture.md describes, checked on the real import graph.

``lint-imports`` (pyproject.toml, run by ``make check`` and CI) holds the layers; these
tests pin the rules it cannot say: no cycle between any two modules, SQL only in
``storage/``, and CLI commands that share nothing but the application layer.
"""

from __future__ import annotations

from functools import cache

import grimp
import pytest

PACKAGES = ("foundation", "listener", "classifiers", "storage", "cxpulse")


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=True, cache_dir=None)


def _ours(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def _strongly_connected(nodes: set[str], edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph has hundreds of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_no_module_is_part_of_an_import_cycle() -> None:
    g = graph()
    modules = {m for m in g.modules if _ours(m)}
    edges = {m: {i for i in g.find_modules_directly_imported_by(m) if _ours(i)} for m in modules}
    cycles = [sorted(c) for c in _strongly_connected(modules, edges) if len(c) > 1]
    assert cycles == []


@pytest.mark.parametrize("forbidden", ["sqlalchemy", "storage.models", "storage.engine"])
def test_only_storage_talks_sql(forbidden: str) -> None:
    importers = {
        m for m in graph().find_modules_that_directly_import(forbidden) if _ours(m) and m.split(".")[0] != "storage"
    }
    assert sorted(importers) == []


def test_cli_commands_import_no_other_command() -> None:
    g = graph()
    commands = {m for m in g.find_children("cxpulse.cli.commands")}
    shared = {(m, i) for m in commands for i in g.find_modules_directly_imported_by(m) if i in commands and i != m}
    assert sorted(shared) == []


def test_components_never_import_each_other_or_anything_above() -> None:
    g = graph()
    allowed = {"foundation"}
    for component in ("listener", "classifiers", "storage"):
        for module in g.find_descendants(component) | {component}:
            for imported in g.find_modules_directly_imported_by(module):
                top = imported.split(".")[0]
                if _ours(imported):
                    assert top in allowed | {component}, f"{module} imports {imported}"
