"""One class per head; every head reads the same encoder pass."""

from classifiers.heads.binary import AboutBrandHead, BinaryHead, ComplaintHead, SwitchingHead
from classifiers.heads.emotion import EmotionHead
from classifiers.heads.evidence import EvidenceHead
from classifiers.heads.gap import GapHead
from classifiers.heads.lifecycle import LifecycleHead
from classifiers.heads.sentiment import SentimentHead
from classifiers.heads.topics import TopicHead

__all__ = [
    "AboutBrandHead",
    "BinaryHead",
    "ComplaintHead",
    "EmotionHead",
    "EvidenceHead",
    "GapHead",
    "LifecycleHead",
    "SentimentHead",
    "SwitchingHead",
    "TopicHead",
]
