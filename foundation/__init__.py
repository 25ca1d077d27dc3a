"""The foundation every other package of cxpulse builds on; it imports nothing of ours.

- :mod:`foundation.errors`: the one error tree, rooted at ``CxPulseError``;
- :mod:`foundation.mentions`: typed mentions, cursors, batches and brand queries;
- :mod:`foundation.labels`: what the classifiers say about a mention, and the label sets;
- :mod:`foundation.query`: the query language (parser, matcher, text normalization);
- :mod:`foundation.clock`: the one clock (UTC now) and its type for injection;
- :mod:`foundation.settings` and :mod:`foundation.secrets`: the base of every settings model,
  and ``{ env = "NAME" }`` secret references;
- :mod:`foundation.durations`: ``15m``, ``2h``, ``7d`` and the like.

See ``docs/architecture.md`` for the layers above it.
"""
