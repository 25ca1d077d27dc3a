"""Spike alerts: a brand's (or topic's) volume or negative share far above its baseline.

::

    result = check_alerts(store, loaded_config, os.environ)
    print(result.summary)

The tests are in :mod:`cxpulse.app.alerts.stats` (documented there and in
docs/service.md), the windows and the Bonferroni correction in
:mod:`cxpulse.app.alerts.detect`, delivery in :mod:`cxpulse.app.alerts.notify`.
"""

from cxpulse.app.alerts.check import AlertCheck, AlertResult, check_alerts, check_alerts_exclusive
from cxpulse.app.alerts.detect import ALL_TOPICS, Detection, Spike, Windows, detect, windows_for
from cxpulse.app.alerts.stats import ShareTest, VolumeTest, share_test, volume_test

__all__ = [
    "ALL_TOPICS",
    "AlertCheck",
    "AlertResult",
    "Detection",
    "ShareTest",
    "Spike",
    "VolumeTest",
    "Windows",
    "check_alerts",
    "check_alerts_exclusive",
    "detect",
    "share_test",
    "volume_test",
    "windows_for",
]
