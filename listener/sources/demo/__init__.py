"""The ``demo`` source and the demo world it writes about.

:class:`DemoSource` generates seeded, realistic brand mentions (several
channels and languages, praise and complaints, expectation gaps, a recent
story, noise and duplicates); :data:`DEMO_BRANDS` lists the fictional brands
that ``cxpulse demo`` configures.
"""

from listener.sources.demo.source import DemoOptions, DemoSource, decode_cursor, encode_cursor
from listener.sources.demo.world import DEMO_BRANDS, DemoBrand

__all__ = [
    "DEMO_BRANDS",
    "DemoBrand",
    "DemoOptions",
    "DemoSource",
    "decode_cursor",
    "encode_cursor",
]
