"""The `train:` section of the config: loss, optimizer, learning rate and its schedule, epochs."""

import difflib
from typing import Any

from pydantic import Field, field_validator, model_validator

from harness.catalog import losses, optimizers, schedules
from harness.config.section import KeyProblem, Section, check_name, short_repr


class TrainConfig(Section):
    loss: str = "binary_crossentropy"
    """Loss (`python -m harness list losses`); must fit the head."""
    optimizer: str = "adam"
    """Optimizer: sgd, momentum (SGD with 0.9), adam or rmsprop."""
    learning_rate: float = Field(0.01, gt=0, le=1e9)
    """Step size of the optimizer."""
    batch_size: int = Field(32, ge=1, le=1_000_000)
    """Examples per gradient step."""
    epochs: int = Field(20, ge=0, le=100_000)
    """Passes over the training data; 0 records the statistics at initialisation only."""
    clipnorm: float | None = Field(None, gt=0, le=1e9)
    """Clips the gradient of all weights together to this global norm (Keras' global_clipnorm);
    null: no clipping. history.csv's `clipped` column is the share of steps it clipped."""
    schedule: str | dict[str, Any] = "constant"
    """Learning-rate schedule (`python -m harness list schedules`): a name, or a mapping with its
    parameters in epochs, e.g. {name: step, every: 10, factor: 0.5}."""

    @field_validator("loss", mode="before")
    @classmethod
    def _loss(cls, value):
        return check_name(losses.LOSSES, value)

    @field_validator("optimizer", mode="before")
    @classmethod
    def _optimizer(cls, value):
        return check_name(optimizers.OPTIMIZERS, value)

    @field_validator("schedule", mode="before")
    @classmethod
    def _schedule(cls, value):
        if not isinstance(value, dict):
            return check_name(schedules.SCHEDULES, value)
        if "name" not in value:
            raise ValueError("a schedule mapping needs name:, e.g. {name: step, every: 10}")
        name = check_name(schedules.SCHEDULES, value["name"])
        params = schedules.SCHEDULES.get(name).params
        for key, item in value.items():
            if key == "name":
                continue
            if key not in params:
                allowed = ", ".join(params) or "no parameters"
                close = difflib.get_close_matches(str(key), params, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"schedule {name!r} takes {allowed}; not {short_repr(key)}{hint}")
            default, low, high, whole = params[key]
            kind = "a whole number of epochs" if whole else "a number"
            if (isinstance(item, bool) or not isinstance(item, int if whole else (int, float))
                    or not low <= item <= high or (key == "factor" and item == 0)):
                raise ValueError(f"schedule parameter {key!r} is {kind} from {low} to {high}"
                                 f"{' (not 0)' if key == 'factor' else ''}, got "
                                 f"{short_repr(item)}; e.g. {{name: {name}, {key}: {default}}}")
        return {**value, "name": name}

    @model_validator(mode="after")
    def _warmup_fits(self):
        _, params = schedules.resolve(self.schedule)
        if self.epochs and params.get("warmup", 0) >= self.epochs:
            raise KeyProblem("train.schedule", (
                f"warm-up of {params['warmup']} epochs leaves nothing of the {self.epochs} to "
                f"decay over; give warmup below train.epochs, e.g. {{name: warmup_cosine, "
                f"warmup: {max(0, self.epochs // 10)}}}"))
        return self
