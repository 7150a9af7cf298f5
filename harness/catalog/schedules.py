"""The learning-rate schedules table: name -> Keras schedule built from a few parameters in epochs.

Parameters count epochs (what a student sets); `build` turns them into the optimizer steps Keras'
`keras.optimizers.schedules` count, from the run's steps per epoch.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.base.registry import Registry


@dataclass(frozen=True)
class Schedule:
    """One schedule.

    Attributes:
        description: one line for `harness list schedules`.
        build: `(learning_rate, params, steps_per_epoch, epochs)` -> the learning rate Keras'
            optimizer takes (a float or a `LearningRateSchedule`); `params` holds every parameter,
            defaults filled in.
        params: parameter -> (default, lowest allowed, highest allowed, whole epochs only).
    """

    description: str
    build: Callable[[float, dict, int, int], object]
    params: dict[str, tuple[float, float, float, bool]] = field(default_factory=dict)


def _schedules():
    import keras

    return keras.optimizers.schedules


def _step(lr, p, steps, epochs):
    # staircase: the rate drops by `factor` at every `every` epochs, and stays put between
    return _schedules().ExponentialDecay(lr, decay_steps=p["every"] * steps,
                                         decay_rate=p["factor"], staircase=True)


def _cosine(lr, p, steps, epochs):
    return _schedules().CosineDecay(lr, decay_steps=max(1, epochs * steps), alpha=p["alpha"])


def _warmup_cosine(lr, p, steps, epochs):
    warmup = p["warmup"] * steps
    return _schedules().CosineDecay(0.0, decay_steps=max(1, epochs * steps - warmup),
                                    alpha=p["alpha"], warmup_target=lr, warmup_steps=warmup)


SCHEDULES: Registry[Schedule] = Registry("schedule", "schedules")
SCHEDULES.register("constant", Schedule("the learning rate throughout",
                                        lambda lr, p, steps, epochs: lr))
SCHEDULES.register("step", Schedule(
    "multiplied by `factor` (0.5) every `every` (10) epochs", _step,
    {"every": (10, 1, 100_000, True), "factor": (0.5, 0.0, 1.0, False)}))
SCHEDULES.register("cosine", Schedule(
    "cosine decay over the run to `alpha` (0) x the learning rate", _cosine,
    {"alpha": (0.0, 0.0, 1.0, False)}))
SCHEDULES.register("warmup_cosine", Schedule(
    "linear warm-up from 0 over `warmup` (1) epochs, then cosine decay to `alpha` (0) x it",
    _warmup_cosine, {"warmup": (1, 0, 100_000, True), "alpha": (0.0, 0.0, 1.0, False)}))


def resolve(value) -> tuple[str, dict]:
    """A validated `train.schedule` value -> (name, every parameter with defaults filled in)."""
    value = {"name": value} if isinstance(value, str) else value
    name = SCHEDULES.canonical(value["name"])
    params = {k: default for k, (default, *_) in SCHEDULES.get(name).params.items()}
    params.update({k: v for k, v in value.items() if k != "name"})
    return name, params


def learning_rate(cfg, steps_per_epoch: int):
    """The learning rate of a `TrainConfig` as Keras' optimizer takes it.

    Args:
        cfg: `config.train`.
        steps_per_epoch: optimizer steps per epoch.

    Returns:
        `cfg.learning_rate` (constant) or a `keras.optimizers.schedules.LearningRateSchedule`.
    """
    name, params = resolve(cfg.schedule)
    return SCHEDULES.get(name).build(cfg.learning_rate, params, steps_per_epoch, cfg.epochs)
