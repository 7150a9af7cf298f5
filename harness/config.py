"""The config: every setting of a run, its default and a one-line description, in one place.

A YAML file is merged over these defaults (`harness.configfile`) and validated into one frozen
`Config`. Builders take its sub-configs (`cfg.data`, `cfg.model`, `cfg.train`) as arguments; nothing
reads YAML after this point. `python -m harness schema` prints the JSON Schema of `Config`.
"""

import difflib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness import activations, heads, initializers, losses, optimizers


class KeyProblem(ValueError):
    """A problem found across fields, reported at `key` (a dotted path such as `train.loss`)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False,
                              use_attribute_docstrings=True)


def short_repr(value: Any, limit: int = 60) -> str:
    """`repr(value)` cut to `limit` characters, for one-line messages."""
    try:
        text = repr(value)
    except ValueError:  # an int beyond Python's 4300-digit printing limit
        return "a number too long to print"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _check_name(table, value: Any) -> str:
    if not isinstance(value, str):
        article = "an" if table.kind[0] in "aeiou" else "a"
        raise ValueError(f"{article} {table.kind} is a name, got {short_repr(value)} "
                         f"(see `python -m harness list {table.command}`)")
    if value not in table:
        raise ValueError(table.unknown_message(value))
    return value


# Initializer parameters that take a word rather than a number, with Keras' choices.
_WORD_PARAMS = {"mode": ("fan_in", "fan_out", "fan_avg"),
                "distribution": ("truncated_normal", "untruncated_normal", "normal", "uniform")}


class DataConfig(_Section):
    name: str = "circles"
    """Dataset (`python -m harness list datasets`): a toy like circles or xor, a regression curve,
    mnist."""
    n_samples: int | None = Field(None, ge=20, le=10_000_000, examples=[1000])
    """Examples to draw (toy data, default 1000) or to keep (images, default all)."""
    noise: float = Field(0.1, ge=0, le=10)
    """Standard deviation of the noise added to toy data."""
    test_fraction: float = Field(0.2, gt=0, lt=1)
    """Share of toy examples held out for the final test (images use their own test set)."""
    val_fraction: float = Field(0.2, gt=0, lt=1)
    """Share of the remaining examples used for validation each epoch."""
    classes: int = Field(3, ge=2, le=100)
    """Number of classes of the multi-class toys (multispiral, blobs)."""
    path: str | None = Field(None, examples=["~/data/mnist"])
    """Folder holding the MNIST IDX files; default $KERAS_HOME/datasets/mnist/."""

    @field_validator("name", mode="before")
    @classmethod
    def _known(cls, value):
        from harness.data import DATASETS

        return _check_name(DATASETS, value)

    @model_validator(mode="after")
    def _fractions(self):
        if self.test_fraction + self.val_fraction >= 0.9:
            raise KeyProblem("data.val_fraction", "test_fraction + val_fraction must stay below "
                             "0.9 so that something is left to train on; e.g. "
                             "data: {test_fraction: 0.2, val_fraction: 0.2}")
        return self


class ModelConfig(_Section):
    depth: int = Field(3, ge=0, le=200)
    """Number of hidden layers (0: the output layer alone, i.e. logistic/linear regression)."""
    width: int | list[int] = 16
    """Units per hidden layer: one number for all, or a list with one per hidden layer."""
    activation: str | list[str] = "relu"
    """Hidden activation: a name (`python -m harness list activations`), a list with one per layer,
    or `package.module:function` for your own (importing it runs that module)."""
    initializer: str | dict[str, Any] = "glorot_uniform"
    """Kernel initializer: a Keras name like he_normal, or a mapping like
    {name: random_normal, stddev: 0.01}."""
    use_bias: bool = True
    """Whether the Dense layers have a bias (initialised to zero)."""
    head: str = "sigmoid"
    """Output head: sigmoid (two classes), softmax (several) or identity (regression)."""

    @field_validator("width", mode="before")
    @classmethod
    def _width(cls, value):
        items = value if isinstance(value, list) else [value]
        if not items or not all(type(w) is int and 1 <= w <= 100_000 for w in items):
            raise ValueError(f"width must be a whole number from 1 to 100000, or a list of them "
                             f"(one per hidden layer, e.g. [64, 32]); got {short_repr(value)}")
        return value

    @field_validator("activation", mode="before")
    @classmethod
    def _activation(cls, value):
        if value == []:
            raise ValueError("an empty list; give one activation per hidden layer, "
                             "or one name for all, e.g. relu")
        for name in value if isinstance(value, list) else [value]:
            if not isinstance(name, str):
                raise ValueError(f"an activation is a name, got {short_repr(name)} "
                                 "(see `python -m harness list activations`)")
            if ":" in name:
                module, _, function = name.partition(":")
                if not (all(p.isidentifier() for p in module.split("."))
                        and function.isidentifier()):
                    raise ValueError(f"{short_repr(name)} is not package.module:function; "
                                     "write your own activation like mypackage.acts:my_fn")
                activations.check_user_function(name)
            else:
                activations.get(name)
        return value

    @field_validator("initializer", mode="before")
    @classmethod
    def _initializer(cls, value):
        if isinstance(value, dict):
            if "name" not in value:
                raise ValueError("an initializer mapping needs name:, e.g. "
                                 "{name: random_normal, stddev: 0.01}")
            params = {k: v for k, v in value.items() if k != "name"}
            name = _check_name(initializers.INITIALIZERS, value["name"])
            entry = initializers.INITIALIZERS.get(name)
            for key, item in params.items():
                if key not in entry.params:
                    allowed = ", ".join(entry.params) or "no parameters"
                    close = difflib.get_close_matches(str(key), entry.params, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise ValueError(f"initializer {name!r} takes {allowed}; "
                                     f"not {short_repr(key)}{hint}")
                if key in _WORD_PARAMS:
                    if item not in _WORD_PARAMS[key]:
                        raise ValueError(f"initializer parameter {key!r} is one of "
                                         f"{', '.join(_WORD_PARAMS[key])}; got {short_repr(item)}")
                elif isinstance(item, bool) or not isinstance(item, (int, float)) or (
                        not abs(item) < 1e300):  # NaN fails too; math.isfinite overflows on 10**400
                    raise ValueError(f"initializer parameter {key!r} must be a finite number, "
                                     f"got {short_repr(item)}; e.g. {{name: {name}, {key}: 0.5}}")
                elif key == "scale" and not item > 0:
                    raise ValueError(f"initializer parameter 'scale' must be above 0, got {item}; "
                                     f"e.g. {{name: {name}, scale: 1.0}}")
                elif key == "stddev" and item < 0:
                    raise ValueError(f"initializer parameter 'stddev' must be 0 or more, got "
                                     f"{item}; e.g. {{name: {name}, stddev: 0.05}}")
            low, high = params.get("minval", -0.05), params.get("maxval", 0.05)  # Keras' defaults
            if name == "random_uniform" and low > high:
                raise ValueError(f"initializer minval ({low}) is above maxval ({high}); give "
                                 f"minval <= maxval, e.g. {{name: {name}, minval: -0.05, "
                                 "maxval: 0.05}")
            return value
        return _check_name(initializers.INITIALIZERS, value)

    @field_validator("head", mode="before")
    @classmethod
    def _head(cls, value):
        return _check_name(heads.HEADS, value)

    @model_validator(mode="after")
    def _per_layer_lists(self):
        for key in ("width", "activation"):
            value = getattr(self, key)
            if isinstance(value, list) and len(value) != self.depth:
                raise KeyProblem(f"model.{key}", f"{len(value)} values for depth {self.depth}; "
                                 f"give one per hidden layer, or a single value for all")
        return self

    def widths(self) -> list[int]:
        return self.width if isinstance(self.width, list) else [self.width] * self.depth

    def activations(self) -> list[str]:
        a = self.activation
        return a if isinstance(a, list) else [a] * self.depth


class TrainConfig(_Section):
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

    @field_validator("loss", mode="before")
    @classmethod
    def _loss(cls, value):
        return _check_name(losses.LOSSES, value)

    @field_validator("optimizer", mode="before")
    @classmethod
    def _optimizer(cls, value):
        return _check_name(optimizers.OPTIMIZERS, value)


class Config(_Section):
    """One run: data, model and training, resolved from defaults, files and overrides."""

    name: str = "run"
    """Run name: the results folder is results/<name>/ (letters, digits, '_', '-', '.')."""
    seed: int = Field(0, ge=0, le=2**31 - 1)
    """Seeds data, initialisation and shuffling: same config and seed, same numbers."""
    data: DataConfig = DataConfig()
    model: ModelConfig = ModelConfig()
    train: TrainConfig = TrainConfig()

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", value) or ".." in value:
            raise ValueError(f"{short_repr(value)} is not a folder name; use up to 80 letters, "
                             "digits, '_', '-' or '.', starting with a letter or digit "
                             "(e.g. relu_deep)")
        return value

    @model_validator(mode="after")
    def _head_fits(self):
        from harness.data import DATASETS

        spec, head = DATASETS.get(self.data.name), heads.HEADS.get(self.model.head)
        fitting = heads.for_task(spec.task)
        if spec.task not in head.tasks:
            raise KeyProblem("model.head", (
                f"head {self.model.head!r} does not fit {spec.task} data {self.data.name!r}; "
                f"use head: {fitting} with loss: {heads.HEADS.get(fitting).losses[0]}"))
        if self.train.loss not in head.losses + head.tolerated:
            raise KeyProblem("train.loss", (
                f"loss {self.train.loss!r} does not fit head {self.model.head!r}; "
                f"use loss: {' or '.join(head.losses)}"))
        return self

    def warnings(self) -> list[str]:
        """Settings that run but are a poor fit, to print before training."""
        from harness.data import DATASETS

        head, found = heads.HEADS.get(self.model.head), []
        if self.train.loss in head.tolerated:
            found.append(f"train.loss: {self.train.loss} with a {self.model.head} head trains "
                         "slowly (flat gradients when the output saturates); "
                         f"{head.losses[0]} is the usual pair")
        if self.data.path is not None and DATASETS.get(self.data.name).toy:
            found.append(f"data.path: ignored: {self.data.name} is generated, not read from "
                         "files; remove data.path (it is for mnist and fashion_mnist)")
        return found
