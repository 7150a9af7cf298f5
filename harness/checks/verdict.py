"""Did the run learn? Chance-level baselines and an honest verdict for `summary.json`.

A run that completes can still have learned nothing: eight sigmoid layers on circles finish all 30
epochs at 50% accuracy. `chance` gives what a model that ignores its input scores on the test set,
`learned` compares the run's test metrics with that, allowing for the noise of a finite test set.
NumPy only: no TensorFlow, so reports and sweeps can use it too.

The rules (also in `results/README.md`):
- chance accuracy: the share of the test set's most common class (always answering it).
- chance loss: the test loss of a constant prediction fitted to the training labels: the training
  class shares for cross-entropy (ln 2 for two balanced classes), the training mean for mse and
  rmse (the test set's variance around it), the training median for mae.
- classification has not learned when its test accuracy is within 2 standard errors of chance,
  i.e. at most `chance + 2 sqrt(chance (1 - chance) / n_test)`. The loss is not used: a model
  that learned but is overconfident on its few mistakes can have a cross-entropy above chance.
- regression (no accuracy) has not learned when its test loss is within 2 standard errors of the
  chance loss (the standard error of the mean of the per-example chance losses).
"""

import math

import numpy as np

EPSILON = 1e-7  # Keras clips predicted probabilities to [eps, 1 - eps] in cross-entropy
NOISE_SE = 2.0  # how many standard errors away from chance count as learning


def chance(task: str, loss: str, y_train: np.ndarray, y_test: np.ndarray,
           n_classes: int) -> dict:
    """Test metrics of a constant prediction fitted to the training labels.

    Args:
        task: `binary`, `multiclass` or `regression`.
        loss: the config's loss name (`binary_crossentropy`, `mse`, ...).
        y_train, y_test: the dataset's labels: class indices, or targets for regression.
        n_classes: classes of the task (0 for regression).

    Returns:
        `{"chance_accuracy": ..., "chance_loss": ..., "chance_loss_se": ...}`; accuracy is None
        for regression. `chance_loss_se` is the standard error of `chance_loss` on this test set.
    """
    y_train, y_test = np.asarray(y_train).ravel(), np.asarray(y_test).ravel()
    if task == "regression":
        centre = np.median(y_train) if loss == "mae" else np.mean(y_train)
        per_example = np.abs(y_test - centre) if loss == "mae" else (y_test - centre) ** 2
        accuracy = None
    else:
        k = max(n_classes, 2)
        prior = np.bincount(y_train.astype(int), minlength=k) / len(y_train)
        accuracy = float(np.bincount(y_test.astype(int), minlength=k).max() / len(y_test))
        if loss == "mse":  # a sigmoid head trained on 0/1 targets with mse predicts P(class 1)
            per_example = (y_test - prior[1]) ** 2
        else:
            per_example = -np.log(np.clip(prior, EPSILON, 1 - EPSILON))[y_test.astype(int)]
    value = float(per_example.mean())
    se = float(per_example.std() / math.sqrt(len(per_example)))
    if loss == "rmse":  # the batch's root: the delta method carries the standard error over
        value, se = math.sqrt(value), se / (2 * math.sqrt(value)) if value > 0 else 0.0
    return {"chance_accuracy": accuracy, "chance_loss": value, "chance_loss_se": se}


def accuracy_noise(chance_accuracy: float, n_test: int) -> float:
    """Two standard errors of a proportion `chance_accuracy` measured on `n_test` examples."""
    p = chance_accuracy
    return NOISE_SE * math.sqrt(p * (1 - p) / max(n_test, 1))


def learned(summary: dict) -> bool | None:
    """Whether a completed run beat chance by more than the test set's noise.

    Args:
        summary: the run's summary: `status`, `test_accuracy` or `test_loss`, the `chance_*`
            values of `chance`, and `examples["test"]`.

    Returns:
        True or False for a completed run; None when the run did not complete or the numbers
        are missing.
    """
    if summary.get("status") != "completed":
        return None
    accuracy, base = summary.get("test_accuracy"), summary.get("chance_accuracy")
    if accuracy is not None and base is not None:
        n_test = (summary.get("examples") or {}).get("test", 0)
        return bool(accuracy > base + accuracy_noise(base, n_test))
    loss, base = summary.get("test_loss"), summary.get("chance_loss")
    if loss is None or base is None or not math.isfinite(loss):
        return None
    return bool(loss < base - NOISE_SE * summary.get("chance_loss_se", 0.0))
