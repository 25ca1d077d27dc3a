"""Turn what a source delivered into what the store keeps.

For each mention: normalize the text (Unicode NFC, control characters, length
cap), detect its language when the source did not say, keep it only if it
matches the brand query and the brand's languages, and hash its content so
the store can link copies (retweets, copy-paste) to the first one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from foundation.mentions import BrandQuery, Mention, StoredMention
from foundation.query import MatchDocument, matches
from listener.dedup import content_hash
from listener.language import LanguageDetector, default_detector
from listener.normalize import normalize_text
from listener.settings import PipelineConfig

__all__ = ["Dropped", "MentionPreparer"]

logger = logging.getLogger(__name__)


class Dropped(StrEnum):
    """Why a fetched mention was not stored."""

    EMPTY = "empty"
    NO_MATCH = "no_match"
    LANGUAGE = "language"


@dataclass(frozen=True)
class MentionPreparer:
    """Prepares mentions for one brand, as fetched by one source."""

    brand: BrandQuery
    apply_query: bool
    settings: PipelineConfig = field(default_factory=PipelineConfig)
    detector: LanguageDetector | None = None

    def prepare(self, mention: Mention, collected_at: datetime) -> StoredMention | Dropped:
        normalized = normalize_text(mention.text, max_chars=self.settings.max_text_chars)
        text = normalized.text
        if not text:
            return Dropped.EMPTY
        if self.apply_query and not matches(self.brand.expression, MatchDocument.from_text(text)):
            return Dropped.NO_MATCH
        raw = mention.raw
        if normalized.truncated:
            logger.warning(
                "%s mention %s has %d characters; its text is cut to %d for search and classification "
                "and the whole text is kept in its raw payload (raise [pipeline] max_text_chars to index more)",
                mention.source,
                mention.external_id,
                len(mention.text),
                self.settings.max_text_chars,
            )
            raw = {**(raw or {}), "original_text": mention.text}
        language = mention.language
        if language is None and self.settings.detect_language:
            detector = self.detector or default_detector()
            language = detector.detect(text)
        if self.brand.languages and language is not None and language not in self.brand.languages:
            return Dropped.LANGUAGE
        created_at = mention.created_at
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        return StoredMention(
            source=mention.source,
            external_id=mention.external_id,
            text=text,
            created_at=created_at.astimezone(UTC),
            collected_at=collected_at,
            content_hash=content_hash(text),
            url=mention.url,
            author_handle=mention.author_handle,
            author_name=mention.author_name,
            author_followers=mention.author_followers,
            language=language,
            channel=mention.channel,
            rating=mention.rating,
            raw=raw,
        )
