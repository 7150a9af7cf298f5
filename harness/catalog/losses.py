"""The losses table. Each entry knows the label format it expects from the data.

Datasets give class indices for classification; `categorical_crossentropy` gets them one-hot
encoded, so integer labels work with both categorical losses.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from harness.base.registry import Registry


@dataclass(frozen=True)
class Loss:
    """One loss.

    Attributes:
        description: one line for `harness list losses`.
        keras: a `keras.losses` name, or a zero-argument function returning a Keras loss.
        labels: `index` (class indices), `onehot`, `binary` (0/1 floats) or `value` (regression).
    """

    description: str
    keras: str | Callable[[], object]
    labels: str

    def prepare(self, y: np.ndarray, n_classes: int) -> np.ndarray:
        """Turns a dataset's labels (class indices or targets) into what this loss expects."""
        if self.labels == "onehot":
            return np.eye(n_classes, dtype=np.float32)[y]
        if self.labels == "index":
            return y
        return y.astype(np.float32).reshape(len(y), -1)  # (n, 1) for binary and regression


def _rmse():
    import keras

    class RootMeanSquaredError(keras.losses.Loss):
        """sqrt(mean((y - y_hat)^2)) over the whole batch, not per example."""

        def __init__(self):
            super().__init__(name="rmse")

        def __call__(self, y_true, y_pred, sample_weight=None):
            y_true = keras.ops.cast(y_true, y_pred.dtype)
            return keras.ops.sqrt(keras.ops.mean(keras.ops.square(y_true - y_pred)))

    return RootMeanSquaredError()


LOSSES: Registry[Loss] = Registry("loss", "losses")
LOSSES.register("binary_crossentropy", Loss(
    "-[y log p + (1-y) log(1-p)], for a sigmoid head", "binary_crossentropy", "binary"))
LOSSES.register("categorical_crossentropy", Loss(
    "-sum q log p over classes, for a softmax head (labels one-hot encoded for you)",
    "categorical_crossentropy", "onehot"))
LOSSES.register("sparse_categorical_crossentropy", Loss(
    "categorical cross-entropy from class indices, for a softmax head",
    "sparse_categorical_crossentropy", "index"))
LOSSES.register("mse", Loss("mean squared error, for regression", "mean_squared_error", "value"))
LOSSES.register("rmse", Loss("root of the batch's mean squared error, for regression", _rmse,
                             "value"))
LOSSES.register("mae", Loss("mean absolute error, for regression", "mean_absolute_error", "value"))


def keras_loss(name: str):
    """The Keras loss object for a table name (imports Keras)."""
    entry = LOSSES.get(name)
    if callable(entry.keras):
        return entry.keras()
    import keras

    return keras.losses.get(entry.keras)
