"""Training and evaluation data, the training loop that writes artifacts, and the annotation
workflow that made the real data (``annotation``).

Nothing here is needed to classify: the product loads trained artifacts only.
"""
