"""Training and evaluation data, and the training loop that writes artifacts.

Nothing here is needed to classify: the product loads trained artifacts only.
"""
