"""The application layer: the use cases every entry point calls.

The CLI (:mod:`cxpulse.cli`), the scheduler's jobs (:mod:`cxpulse.service`) and,
later, the web workspace, the REST API and the workers are thin callers of the
functions here; none of them holds a use case of its own.

- :mod:`cxpulse.app.collect`: collect one source for one brand, or every source;
- :mod:`cxpulse.app.imports`: import a CSV or JSONL file;
- :mod:`cxpulse.app.classify`: classify pending mentions, reclassify, classify a file;
- :mod:`cxpulse.app.sources`: build a source from its ``[[sources]]`` entry;
- :mod:`cxpulse.app.digest`: build, preview and send a digest;
- :mod:`cxpulse.app.alerts`: check for spikes and notify;
- :mod:`cxpulse.app.mail`: the SMTP sender digests and alerts share.
"""
