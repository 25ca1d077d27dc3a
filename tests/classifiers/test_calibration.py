"""Temperature scaling and the expected calibration error."""

from __future__ import annotations

import torch

from classifiers.calibration import expected_calibration_error, fit_logistic, fit_temperature


def test_fit_temperature_undoes_an_overconfident_scale() -> None:
    generator = torch.Generator().manual_seed(3)
    true_logits = torch.randn(4000, 3, generator=generator) * 1.5
    labels = torch.multinomial(torch.softmax(true_logits, -1), 1, generator=generator).squeeze(-1)
    fitted = fit_temperature(true_logits * 3.0, labels)
    assert 2.4 < fitted < 3.6


def test_fit_temperature_for_a_yes_no_head() -> None:
    generator = torch.Generator().manual_seed(4)
    logits = torch.randn(4000, generator=generator) * 2
    labels = torch.bernoulli(torch.sigmoid(logits), generator=generator)
    fitted = fit_temperature(logits * 0.5, labels, binary=True)
    assert 0.4 < fitted < 0.62


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not() -> None:
    confidence = [0.75] * 400
    correct = [i % 4 != 0 for i in range(400)]
    assert expected_calibration_error(confidence, correct) == 0.0
    assert expected_calibration_error([0.99] * 400, correct) > 0.2
    assert expected_calibration_error([], []) == 0.0


def test_fit_logistic_recovers_the_scale_and_bias_that_made_the_labels() -> None:
    generator = torch.Generator().manual_seed(5)
    cosines = torch.rand(3000, 8, generator=generator) * 0.8 - 0.1
    labels = torch.bernoulli(torch.sigmoid(9.0 * cosines - 4.0), generator=generator)
    scale, bias = fit_logistic(cosines, labels)
    assert 8.0 < scale < 10.0
    assert -4.5 < bias < -3.5
