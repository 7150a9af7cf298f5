"""Chance baselines and the `learned` verdict (`harness.checks.verdict`), on hand-made labels."""

import math

import numpy as np
import pytest

from harness.checks.verdict import accuracy_noise, chance, learned


def test_two_balanced_classes_have_chance_loss_ln2_and_accuracy_one_half():
    y = np.array([0, 1] * 50)
    c = chance("binary", "binary_crossentropy", y, y, 2)
    assert c["chance_accuracy"] == 0.5
    assert c["chance_loss"] == pytest.approx(math.log(2))
    assert c["chance_loss_se"] == pytest.approx(0.0)  # every example costs ln 2


def test_priors_come_from_training_and_accuracy_from_the_test_majority():
    y_train = np.array([0] * 60 + [1] * 30 + [2] * 10)
    y_test = np.array([0] * 2 + [1] * 5 + [2] * 3)
    c = chance("multiclass", "sparse_categorical_crossentropy", y_train, y_test, 3)
    assert c["chance_accuracy"] == 0.5  # class 1 is the test set's majority
    expected = -(2 * math.log(0.6) + 5 * math.log(0.3) + 3 * math.log(0.1)) / 10
    assert c["chance_loss"] == pytest.approx(expected)
    # A class the training set never shows costs what Keras' clipped cross-entropy charges.
    c = chance("multiclass", "categorical_crossentropy", np.array([0, 0]), np.array([1]), 2)
    assert c["chance_loss"] == pytest.approx(-math.log(1e-7), rel=1e-6)


def test_regression_chance_is_the_spread_around_the_training_centre():
    y_train = np.array([[0.0], [1.0], [2.0], [10.0]])  # mean 3.25, median 1.5
    y_test = np.array([[1.0], [3.0]])
    assert chance("regression", "mse", y_train, y_test, 0)["chance_loss"] == pytest.approx(
        (2.25 ** 2 + 0.25 ** 2) / 2)
    assert chance("regression", "rmse", y_train, y_test, 0)["chance_loss"] == pytest.approx(
        math.sqrt((2.25 ** 2 + 0.25 ** 2) / 2))
    assert chance("regression", "mae", y_train, y_test, 0)["chance_loss"] == pytest.approx(1.0)
    assert chance("regression", "mse", y_train, y_test, 0)["chance_accuracy"] is None


def test_accuracy_within_two_standard_errors_of_chance_has_not_learned():
    noise = accuracy_noise(0.5, 200)
    assert noise == pytest.approx(2 * math.sqrt(0.25 / 200))  # 0.0707
    base = {"status": "completed", "chance_accuracy": 0.5, "examples": {"test": 200},
            "test_loss": 0.2}
    assert learned({**base, "test_accuracy": 0.5 + noise - 1e-6}) is False
    assert learned({**base, "test_accuracy": 0.5 + noise + 1e-6}) is True
    assert learned({**base, "test_accuracy": 0.3}) is False  # worse than chance
    # Classification ignores the loss: confidently wrong on a few points is still learning.
    assert learned({**base, "test_accuracy": 0.95, "test_loss": 5.0}) is True


def test_regression_uses_the_loss_and_unfinished_runs_get_no_verdict():
    base = {"status": "completed", "chance_accuracy": None, "chance_loss": 0.5,
            "chance_loss_se": 0.02}
    assert learned({**base, "test_loss": 0.47}) is False  # within 2 standard errors
    assert learned({**base, "test_loss": 0.45}) is True
    assert learned({**base, "test_loss": float("nan")}) is None
    assert learned({**base, "status": "diverged", "test_loss": 0.1}) is None
