"""Compiling a model: the config's optimizer (with its learning-rate schedule and clipping), its
loss, and the task's metrics, which name the columns of `history.csv`."""

import keras

from harness.catalog import heads, losses, optimizers, schedules
from harness.models.base import StatsModel


def compile_model(model: StatsModel, cfg, labels: str, steps_per_epoch: int = 1) -> list[str]:
    """Compiles with the config's optimizer and loss, and the task's metrics.

    Args:
        model: the network.
        cfg: the whole config.
        labels: the label format of the loss (`harness.catalog.losses.Loss.labels`).
        steps_per_epoch: optimizer steps per epoch, for a learning-rate schedule.

    Returns:
        The columns of `history.csv`.
    """
    head = cfg.model.head
    if heads.HEADS.get(head).activation == "linear":
        metrics = [keras.metrics.MeanAbsoluteError(name="mae"),
                   keras.metrics.RootMeanSquaredError(name="rmse")]
    elif head == "sigmoid":
        metrics = [keras.metrics.BinaryAccuracy(name="accuracy")]
    elif labels == "onehot":
        metrics = [keras.metrics.CategoricalAccuracy(name="accuracy")]
    else:
        metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
    clip = {"global_clipnorm": cfg.train.clipnorm} if cfg.train.clipnorm else {}
    model.compile(optimizer=optimizers.OPTIMIZERS.get(cfg.train.optimizer).build(
                      schedules.learning_rate(cfg.train, steps_per_epoch), **clip),
                  loss=losses.keras_loss(cfg.train.loss), metrics=metrics)
    names = ["loss", *(m.name for m in metrics)]
    return ["epoch", *(c for name in names for c in (name, f"val_{name}")), *model.train_only]
