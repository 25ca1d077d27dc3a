"""Topic taxonomies: the brand's own list from config.toml, or the shipped default."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from classifiers.settings import TopicConfig

__all__ = ["Taxonomy", "default_taxonomy"]


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """An ordered set of topics; equal taxonomies share their encoded prototypes."""

    topics: tuple[TopicConfig, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.topics)

    @property
    def key(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """A hashable identity: taxonomies with the same key share encoded prototypes."""
        return tuple((t.name, t.description, tuple(t.examples)) for t in self.topics)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Taxonomy) and self.key == other.key

    def __len__(self) -> int:
        return len(self.topics)


@cache
def default_taxonomy() -> Taxonomy:
    """The consumer-brand taxonomy shipped in ``classifiers/taxonomy_default.toml``."""
    text = resources.files("classifiers").joinpath("taxonomy_default.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Taxonomy(tuple(TopicConfig.model_validate(item) for item in data["topics"]))
