"""A run's setup: config -> seeded TensorFlow -> data -> compiled model, before anything is written.

`harness.training.runner` trains what this builds; `harness.training.preflight` checks it before
training (and imports it from here, so that a run with `--preflight` and the checks do not import
each other).
"""

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.base import backend
from harness.base.yamlfile import display_path
from harness.catalog import activations, heads, losses
from harness.config.config import Config
from harness.config.file import blame, load_config
from harness.config.memory import check_fits
from harness.config.section import KeyProblem
from harness.data.datasets import Dataset
from harness.errors import DataError
from harness.models.inputs import load_data


@dataclass
class Setup:
    """What a run trains with, built before anything is written.

    Attributes:
        cfg: the validated config.
        data: the dataset's arrays.
        y: labels as the loss expects them, by split: `train`, `val`, `test`.
        model: the compiled model (a `harness.models.base.StatsModel`).
        columns: the columns of `history.csv`.
    """

    cfg: Config
    data: Dataset
    y: dict
    model: object
    columns: list[str]


def setup(config: str | os.PathLike | Mapping,
          overrides: Sequence[str] | Mapping | None = None) -> Setup:
    """Config -> seeded TensorFlow -> data -> compiled model. Raises on bad input."""
    cfg, sources = load_config(config, overrides)
    # Before TensorFlow loads: a missing file fails fast.
    data = load_data(cfg.data, cfg.seed, cfg.model.type)
    where = "<mapping>" if isinstance(config, Mapping) else display_path(Path(config))
    try:
        cfg.check_task(data.task)  # a csv file's target decides its task only now
        head = heads.HEADS.get(cfg.model.head)
        check_fits(cfg, data.input_shape, head.units(data.n_classes), len(data.x_train),
                   len(data.x_val))
    except KeyProblem as e:
        raise blame(e, sources, where) from None
    backend.init(cfg.seed)
    loss = losses.LOSSES.get(cfg.train.loss)
    y = {split: loss.prepare(getattr(data, f"y_{split}"), data.n_classes)
         for split in ("train", "val", "test")}

    from harness.models.compile import compile_model

    model = cfg.model.model_type().build(cfg.model, data.input_shape, data.n_classes, cfg.seed,
                                         cfg.train.clipnorm)
    steps = -(-len(data.x_train) // cfg.train.batch_size)
    s = Setup(cfg, data, y, model, compile_model(model, cfg, loss.labels, steps))
    try:
        _check_initial_loss(s, where)
    except KeyProblem as e:
        raise blame(e, sources, where) from None
    return s


def _initial_weights_blamed(model, loss: float) -> KeyProblem:
    """The initial weights made the loss non-finite: blame the key that set them too large (a
    recurrent kernel's `spectral_radius` above 1 grows the state every step), with a fix that
    changes it (not the initializer already set)."""
    start = (f"the loss is already {loss} at initialisation, before any training step, so the "
             "initial weights are the cause (not train.learning_rate)")
    radius = getattr(model, "spectral_radius", None)
    if radius is not None and radius > 1:
        return KeyProblem("model.spectral_radius", f"{start}: a recurrent kernel of spectral "
                          f"radius {radius:g} can grow the state {radius:g}x at every step; use "
                          "one near 1, e.g. model: {spectral_radius: 1.0}")
    smaller = ("{initializer: {name: random_normal, stddev: 0.01}}"
               if model.initializer == "glorot_uniform" else "{initializer: glorot_uniform}")
    return KeyProblem("model.initializer", f"{start}; use smaller initial weights, e.g. "
                      f"model: {smaller}")


def _check_initial_loss(s: Setup, where: str) -> None:
    """A loss that is NaN or infinite before any step is the initialisation's doing, not the
    learning rate's: say so before a run folder is made."""
    # the batch `harness.training.train.fit` records epoch 0 on
    probe = slice(0, s.cfg.train.batch_size)
    x, y = s.data.x_train[probe], s.y["train"][probe]
    if not all(np.isfinite(getattr(s.data, f"x_{split}")).all()  # then the data is the cause
               for split in ("train", "val", "test")):
        raise DataError(f"{where}: data: the model's inputs hold NaN or infinite values after "
                        "scaling (values near float32's limit, 3.4e38, overflow); check the data "
                        "and rescale its largest columns")
    loss = float(s.model.compute_loss(x=x, y=y, y_pred=s.model(x)))  # forward only: no gradients
    if not math.isfinite(loss):
        cause = activations.non_finite_cause(s.cfg.model.activation, loss)
        if cause:  # an activation that is not finite, or the user's own: name it
            raise KeyProblem("model.activation", cause)
        raise _initial_weights_blamed(s.cfg.model, loss)
