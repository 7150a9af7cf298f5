"""The output heads table: which output activation fits which task and which losses.

Sigmoid + binary cross-entropy for two classes, softmax + categorical cross-entropy for several,
identity + MSE/RMSE/MAE for regression. A config that pairs them otherwise is rejected with the
pairing that would fit (`harness.config.config`).
"""

from dataclasses import dataclass

from harness.base.registry import Registry


@dataclass(frozen=True)
class Head:
    """One output head.

    Attributes:
        description: one line for `harness list heads`.
        activation: the Keras activation of the output layer.
        tasks: the dataset tasks it fits (`binary`, `multiclass`, `regression`).
        losses: the losses that fit it.
        tolerated: losses that run but are a poor fit (a warning, not an error).
    """

    description: str
    activation: str
    tasks: tuple[str, ...]
    losses: tuple[str, ...]
    tolerated: tuple[str, ...] = ()

    def units(self, n_classes: int) -> int:
        """Output units: one per class for softmax, else one."""
        return n_classes if self.activation == "softmax" else 1


HEADS: Registry[Head] = Registry("head", "heads")
HEADS.register("sigmoid", Head(
    "one unit, P(class 1) for two classes; pairs with binary_crossentropy",
    "sigmoid", ("binary",), ("binary_crossentropy",), tolerated=("mse",)))
HEADS.register("softmax", Head(
    "one unit per class, probabilities summing to 1; pairs with (sparse_)categorical_crossentropy",
    "softmax", ("binary", "multiclass"),
    ("categorical_crossentropy", "sparse_categorical_crossentropy")))
HEADS.register("identity", Head(
    "one linear unit for regression; pairs with mse, rmse or mae",
    "linear", ("regression",), ("mse", "rmse", "mae")), aliases=("linear",))


TASK_HEADS = {"binary": "sigmoid", "multiclass": "softmax", "regression": "identity"}


def for_task(task: str) -> str:
    """The usual head for a dataset task."""
    return TASK_HEADS[task]
