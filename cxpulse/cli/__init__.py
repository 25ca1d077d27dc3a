"""The ``cxpulse`` command line. Nothing imports it; it imports everything."""
