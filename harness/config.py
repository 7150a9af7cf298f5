"""The config: every setting of a run, its default and a one-line description, in one place.

A YAML file is merged over these defaults (`harness.configfile`) and validated into one frozen
`Config`. Builders take its sub-configs (`cfg.data`, `cfg.model`, `cfg.train`) as arguments; nothing
reads YAML after this point. `python -m harness schema` prints the JSON Schema of `Config`.
"""

import difflib
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness import (
    activations,
    expect,
    heads,
    initializers,
    losses,
    model_types,
    optimizers,
    schedules,
)


class KeyProblem(ValueError):
    """A problem found across fields, reported at `key` (a dotted path such as `train.loss`).

    `related` names the other keys involved, so that the error can blame a `--set` of any of them.
    """

    def __init__(self, key: str, message: str, related: tuple[str, ...] = ()):
        super().__init__(message)
        self.key = key
        self.related = related


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


def yaml_bool_note(value: Any) -> str:
    """For true/false where a word was expected, why: YAML 1.1 reads yes/no and on/off (and
    true/false) as true or false, so `batch_norm: yes` never reaches us as a word; else ''."""
    if not isinstance(value, bool):
        return ""
    return " (YAML reads yes/no and on/off as true/false, not as words)"


def _check_name(table, value: Any) -> str:
    if not isinstance(value, str):
        article = "an" if table.kind[0] in "aeiou" else "a"
        raise ValueError(f"{article} {table.kind} is a name, got {short_repr(value)}"
                         f"{yaml_bool_note(value)} (see `python -m harness list {table.command}`)")
    try:
        return table.spelling(value)  # `SGD` is `sgd`: saved as the table spells it
    except KeyError as e:
        raise ValueError(e.args[0]) from None


BATCH_NORM = ("none", "before", "after")
MAX_STEPS = 100_000_000  # n_samples x length of a generated sequence task: 800 MB of float32 pairs

# Initializer parameters that take a word rather than a number, with Keras' choices.
_WORD_PARAMS = {"mode": ("fan_in", "fan_out", "fan_avg"),
                "distribution": ("truncated_normal", "untruncated_normal", "normal", "uniform")}


def check_initializer(value):
    """A kernel initializer from a config: a name, or a mapping with its parameters checked.

    Raises:
        ValueError: an unknown name or parameter, or a parameter out of range.
    """
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
        return {**value, "name": name}
    return _check_name(initializers.INITIALIZERS, value)


def _some(items: list, limit: int = 6) -> str:
    """`1, 3, 5` (or `1, 3, 5, ...` when longer than `limit`), for messages."""
    return ", ".join(map(str, items[:limit])) + (", ..." if len(items) > limit else "")


def uses_classes(spec) -> bool:
    """Whether a dataset takes its number of classes from `data.classes` (the multi-class toys)."""
    return spec.toy and spec.task == "multiclass"


class DataConfig(_Section):
    name: str = "circles"
    """Dataset (`python -m harness list datasets`): a toy like circles or xor, a regression curve,
    mnist, a sequence task like adding."""
    n_samples: int | None = Field(None, ge=20, le=10_000_000, examples=[1000])
    """Examples to draw (toys and sequence tasks, default 1000) or to keep (images, default all)."""
    noise: float = Field(0.1, ge=0, le=10)
    """Standard deviation of the noise added to toy data."""
    test_fraction: float = Field(0.2, gt=0, lt=1)
    """Share of generated examples and digits held out for the final test (MNIST: its test set)."""
    val_fraction: float = Field(0.2, gt=0, lt=1)
    """Share of the remaining examples used for validation each epoch."""
    classes: int | None = Field(None, ge=2, le=100, examples=[3])
    """Number of classes of the multi-class toys (multispiral, blobs; default 3); null for data
    with a fixed number of classes."""
    path: str | None = Field(None, examples=["~/data/mnist"])
    """The csv file (name: csv), or the folder holding the four MNIST / Fashion-MNIST IDX files
    (default $KERAS_HOME/datasets/mnist/ or fashion-mnist/); relative to the config file."""
    target: str | None = Field(None, examples=["label"])
    """csv data: the column to predict."""
    task: Literal["binary", "multiclass", "regression"] | None = None
    """csv data: binary, multiclass or regression; default inferred from the target column."""
    features: list[str] | None = Field(None, examples=[["x1", "x2", "x1^2", "x2^2"]])
    """The model's inputs: crosses of 2-D data (`python -m harness list features`), and for csv
    data the input columns; default the data's own inputs (csv: the other numeric columns)."""
    standardize: bool | None = None
    """Standardise the inputs with the training split's mean and std; default on for csv only."""
    length: int | None = Field(None, ge=2, le=100_000, examples=[50])
    """Steps per sequence of a generated sequence task (adding: T, default 50)."""

    @field_validator("name", mode="before")
    @classmethod
    def _known(cls, value):
        from harness.data import DATASETS

        return _check_name(DATASETS, value)

    @model_validator(mode="before")
    @classmethod
    def _classes(cls, data):
        # Resolved per dataset, so that a saved config shows classes only where they mean
        # something (circles has 2 whatever `classes` says; a value set there is warned about).
        from harness.data import DATASETS

        if isinstance(data, dict):
            name = data.get("name", cls.model_fields["name"].default)
            spec = DATASETS.get(name) if isinstance(name, str) and name in DATASETS else None
            if spec is not None and data.get("classes") is None and uses_classes(spec):
                data = {**data, "classes": 3}
            if spec is not None and data.get("length") is None and spec.length is not None:
                data = {**data, "length": spec.length}
        return data

    @field_validator("features", mode="before")
    @classmethod
    def _features(cls, value):
        if value is None:
            return value
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v for v in value):
            raise ValueError(f"a list of input names, e.g. [x1, x2, x1^2, x2^2]; got "
                             f"{short_repr(value)} (see `python -m harness list features`)")
        twice = [v for i, v in enumerate(value) if v in value[:i]]
        if twice:
            raise ValueError(f"{twice[0]!r} is listed twice; list each input once")
        return value

    @model_validator(mode="after")
    def _csv_keys(self):
        from harness.data.features import CROSSES

        if self.name == "csv":
            for key in ("path", "target"):
                if getattr(self, key) is None:
                    raise KeyProblem(f"data.{key}", "csv data needs path: and target:, e.g. "
                                     "data: {name: csv, path: my.csv, target: label}")
            return self
        for key in ("target", "task"):
            if getattr(self, key) is not None:
                raise KeyProblem(f"data.{key}", f"only csv data has a {key}; {self.name!r} "
                                 f"fixes its own; remove data.{key} or use data: {{name: csv}}")
        for name in self.features or []:
            if name not in CROSSES:  # csv columns are checked when the file is read
                raise KeyProblem("data.features", CROSSES.unknown_message(name))
        return self

    @model_validator(mode="after")
    def _length(self):
        from harness.data import DATASETS, DEFAULT_TOY_SAMPLES

        if self.length is not None and DATASETS.get(self.name).length is None:
            tasks = [n for n, spec in DATASETS.items() if spec.length is not None]
            raise KeyProblem("data.length", f"only generated sequence tasks ({', '.join(tasks)}) "
                             f"have a length; {self.name!r} fixes its own; remove data.length",
                             related=("data.name",))
        n = self.n_samples or DEFAULT_TOY_SAMPLES
        if self.length is not None and n * self.length > MAX_STEPS:
            raise KeyProblem("data.n_samples", (
                f"{n} sequences of {self.length} steps are {n * self.length:,} steps, over the "
                f"{MAX_STEPS:,} (800 MB of inputs) a run may generate; use fewer samples or a "
                "shorter data.length"), related=("data.length",))
        return self

    @model_validator(mode="after")
    def _fractions(self):
        if self.test_fraction + self.val_fraction >= 0.9:
            raise KeyProblem("data.val_fraction", "test_fraction + val_fraction must stay below "
                             "0.9 so that something is left to train on; e.g. "
                             "data: {test_fraction: 0.2, val_fraction: 0.2}",
                             related=("data.test_fraction",))
        return self


class ModelConfig(_Section):
    type: str = "dense"
    """Layers: dense, conv (images) or recurrent (sequences); see `harness list model_types`."""
    depth: int = Field(3, ge=0, le=200)
    """Number of hidden layers (0: the output layer alone, i.e. logistic/linear regression)."""
    width: int | list[int] | None = Field(None, examples=[16])
    """Units per hidden layer (default 16; conv: filters): one number, or one per hidden layer."""
    activation: str | list[str] = "relu"
    """Hidden activation: a name (`python -m harness list activations`), a list with one per layer,
    or `package.module:function` for your own (importing it runs that module)."""
    initializer: str | dict[str, Any] = "glorot_uniform"
    """Kernel initializer: a Keras name like he_normal, or a mapping like
    {name: random_normal, stddev: 0.01}."""
    use_bias: bool = True
    """Whether the hidden and output layers have a bias (initialised to zero)."""
    head: str = "sigmoid"
    """Output head: sigmoid (two classes), softmax (several) or identity (regression)."""
    batch_norm: str = "none"
    """Batch normalization in every hidden layer: none, before (Dense -> BN -> activation, as in
    Ioffe & Szegedy) or after (Dense -> activation -> BN); inference uses the moving averages."""
    residual: int = Field(0, ge=0, le=2)
    """Skip connections: 0 none; 1 adds each hidden layer's input to its output (from the second
    hidden layer on; the first projects the input to the width); 2 skips around pairs of layers."""
    dropout: float | list[float] = 0.0
    """Dropout rate after each hidden activation, in training only: one, or one per hidden layer."""
    l1: float = Field(0.0, ge=0, le=1e6)
    """L1 kernel penalty: l1 x sum|W| over every kernel is added to the training loss."""
    l2: float = Field(0.0, ge=0, le=1e6)
    """L2 kernel penalty: l2 x sum W^2 over every kernel is added to the training loss."""
    filters: int | list[int] | None = Field(None, examples=[16])
    """Conv: channels per conv layer (default 16): one number, or one per layer."""
    kernel_size: int | None = Field(None, ge=1, le=31, examples=[3])
    """Conv: side of the square kernels (default 3); padding `same` keeps the map's size."""
    pool: list[int] | None = Field(None, examples=[[3, 5]])
    """Conv: the layers (from 1) each followed by a 2 x 2 max-pool; default: maps stay >= 7 x 7."""
    cell: str | None = None
    """Recurrent: simple, lstm or gru (`python -m harness list cells`; default simple)."""
    recurrent_initializer: str | dict[str, Any] | None = Field(None, examples=["orthogonal"])
    """Recurrent: the recurrent kernel's initializer, as for initializer (default orthogonal)."""
    spectral_radius: float | None = Field(None, gt=0, le=100, examples=[1.0])
    """Recurrent: scales the initial recurrent kernel to this largest |eigenvalue|; null: as is."""

    @field_validator("width", "filters", mode="before")
    @classmethod
    def _width(cls, value, info):
        items = value if isinstance(value, list) else [value]
        if value is not None and (not items or not all(
                type(w) is int and 1 <= w <= 100_000 for w in items)):
            raise ValueError(f"{info.field_name} must be a whole number from 1 to 100000, or a "
                             f"list of them (one per hidden layer, e.g. [64, 32]); got "
                             f"{short_repr(value)}")
        return value

    @field_validator("pool", mode="before")
    @classmethod
    def _pool(cls, value):
        if value is None:
            return value
        if not isinstance(value, list) or not all(type(k) is int and k >= 1 for k in value):
            raise ValueError(f"pool lists conv layers from 1, after which a 2 x 2 max-pool sits, "
                             f"e.g. [2, 4], or [] for none; got {short_repr(value)}")
        if value != sorted(set(value)):
            raise ValueError(f"list each conv layer once, in order, e.g. {sorted(set(value))}; "
                             f"got {short_repr(value)}")
        return value

    @field_validator("activation", mode="before")
    @classmethod
    def _activation(cls, value):
        if value == []:
            raise ValueError("an empty list; give one activation per hidden layer, "
                             "or one name for all, e.g. relu")
        names = value if isinstance(value, list) else [value]
        for name in names:
            if not isinstance(name, str):
                raise ValueError(f"an activation is a name, got {short_repr(name)}"
                                 f"{yaml_bool_note(name)} (see `python -m harness list "
                                 "activations`)")
            if ":" in name:
                module, _, function = name.partition(":")
                if not (all(p.isidentifier() for p in module.split("."))
                        and function.isidentifier()):
                    raise ValueError(f"{short_repr(name)} is not package.module:function; "
                                     "write your own activation like mypackage.acts:my_fn")
                activations.check_user_function(name)
            else:
                activations.get(name)
        # `ReLU` is `relu`: saved as the table spells it (a user function keeps its own case)
        spelled = [n if ":" in n else activations.ACTIVATIONS.spelling(n) for n in names]
        return spelled if isinstance(value, list) else spelled[0]

    @field_validator("initializer", "recurrent_initializer", mode="before")
    @classmethod
    def _initializer(cls, value, info):
        if value is None and info.field_name == "recurrent_initializer":  # not recurrent
            return value
        return check_initializer(value)

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value):
        if isinstance(value, str) and value in model_types.CELLS:
            raise ValueError(f"{value} is a recurrent cell, not a model type; write "
                             f"model: {{type: recurrent, cell: {value}}}")
        return model_types.MODEL_TYPES.canonical(_check_name(model_types.MODEL_TYPES, value))

    @field_validator("cell", mode="before")
    @classmethod
    def _cell(cls, value):
        if value is None:
            return value
        return model_types.CELLS.canonical(_check_name(model_types.CELLS, value))

    @model_validator(mode="before")
    @classmethod
    def _type_defaults(cls, data):
        # Each type's own keys get their defaults here, so that a saved config shows them only
        # where they mean something (a dense model has no filters; a conv model has no width).
        if isinstance(data, dict):
            kind = data.get("type", cls.model_fields["type"].default)
            if isinstance(kind, str) and kind in model_types.MODEL_TYPES:
                own = model_types.MODEL_TYPES.get(kind).takes
                data = {**data, **{k: v for k, v in own.items()
                                   if v is not None and data.get(k) is None}}
        return data

    @field_validator("head", mode="before")
    @classmethod
    def _head(cls, value):
        return _check_name(heads.HEADS, value)

    @field_validator("batch_norm", mode="before")
    @classmethod
    def _batch_norm(cls, value):
        if isinstance(value, bool):  # `batch_norm: yes` / `off`, read as true / false by YAML
            fix = ("write before or after to turn it on" if value
                   else "write none to turn it off")
            raise ValueError(f"batch_norm is one of {', '.join(BATCH_NORM)}; got "
                             f"{str(value).lower()}{yaml_bool_note(value)}; {fix}")
        if value not in BATCH_NORM:
            raise ValueError(f"batch_norm is one of {', '.join(BATCH_NORM)}; got "
                             f"{short_repr(value)}")
        return value

    @field_validator("dropout", mode="before")
    @classmethod
    def _dropout(cls, value):
        items = value if isinstance(value, list) else [value]
        if not items or not all(type(r) in (int, float) and 0 <= r < 1 for r in items):
            raise ValueError(f"dropout is a rate from 0 up to (not including) 1, or a list of "
                             f"them (one per hidden layer), e.g. 0.2; got {short_repr(value)}")
        return [float(r) for r in value] if isinstance(value, list) else float(value)

    @model_validator(mode="after")
    def _type_keys(self):
        entry = model_types.MODEL_TYPES.get(self.type)
        for key in model_types.OWN_KEYS:
            # A width on a conv model is a warning (`warnings`): base.yaml, which configs extend,
            # sets one.
            if getattr(self, key) is None or key in entry.takes or key == "width":
                continue
            owner = model_types.owners(key)[0]
            raise KeyProblem(f"model.{key}", f"{key} is a {owner} model's key and this model is "
                             f"{self.type}; remove model.{key}, or use model.type: {owner}",
                             related=("model.type",))
        for key, off in entry.off.items():
            if getattr(self, key) != off:
                raise KeyProblem(f"model.{key}", f"{self.type} layers take no {key} here; remove "
                                 f"model.{key} (or give {key}: {off})", related=("model.type",))
        if self.type != "dense" and self.depth == 0:
            raise KeyProblem("model.depth", f"a {self.type} model needs at least one {self.type} "
                             "layer; give depth 1 or more (depth 0, the output layer alone, is "
                             "model.type: dense)", related=("model.type",))
        return self

    @model_validator(mode="after")
    def _per_layer_lists(self):
        for key in ("width", "filters", "activation", "dropout"):
            value = getattr(self, key)
            if isinstance(value, list) and len(value) != self.depth:
                raise KeyProblem(f"model.{key}", f"{len(value)} values for depth {self.depth}; "
                                 f"give one per hidden layer, or a single value for all",
                                 related=("model.depth",))
        return self

    @model_validator(mode="after")
    def _residual_widths(self):
        widths = self.widths()
        key, layer, what = (("filters", "conv", "channels") if self.type == "conv"
                            else ("width", "hidden", "units"))
        for start, end in self.skips():
            if widths[start] != widths[end]:
                raise KeyProblem(f"model.{key}", (
                    f"residual: {self.residual} adds {layer}_{start + 1}'s output "
                    f"({widths[start]} {what}) to {layer}_{end + 1}'s ({widths[end]} {what}), "
                    f"which cannot be added; give both the same {key}, e.g. {key}: "
                    f"{widths[start]}"), related=("model.residual",))
        return self

    @model_validator(mode="after")
    def _pools(self):
        for k in self.pool or []:
            if k > self.depth:
                raise KeyProblem("model.pool", (
                    f"{self.pool} names conv_{k}, but there are {self.depth} conv layers; list "
                    f"layers from 1 to {self.depth}, e.g. pool: "
                    f"{model_types.default_pools(self.depth, self.residual, (28, 28))}"),
                    related=("model.depth",))
            for start, end in self.skips():
                if model_types.pool_inside((start, end), k):
                    after = [j for j in range(1, self.depth + 1) if not any(
                        model_types.pool_inside(s, j) for s in self.skips())]
                    raise KeyProblem("model.pool", (
                        f"residual: {self.residual} adds conv_{start + 1}'s output to "
                        f"conv_{end + 1}'s, and the pool after conv_{k} halves the map in "
                        f"between; pool only after conv layers {_some(after)}, or use "
                        "residual: 1"), related=("model.residual",))
        return self

    @model_validator(mode="after")
    def _spectral_radius(self):
        init = self.recurrent_initializer
        name = init.get("name") if isinstance(init, dict) else init
        value = init.get("value", 0) if isinstance(init, dict) else 0
        if self.spectral_radius is not None and (
                name == "zeros" or (name == "constant" and value == 0)):
            raise KeyProblem("model.spectral_radius", (
                f"a recurrent kernel of zeros has no eigenvalue to rescale; use "
                f"recurrent_initializer: random_normal with spectral_radius: "
                f"{self.spectral_radius}, or remove spectral_radius"),
                related=("model.recurrent_initializer",))
        return self

    def widths(self) -> list[int]:
        """Units per hidden layer: Dense units, conv channels (filters) or recurrent units."""
        width = self.filters if self.type == "conv" else self.width
        return width if isinstance(width, list) else [width] * self.depth

    def filter_counts(self) -> list[int]:
        """Channels per conv layer (conv models; [] for the other types)."""
        return self.widths() if self.type == "conv" else []

    def pools(self) -> list[int]:
        """Hidden-layer indices from 0 (as `skips`) each followed by a 2 x 2 max-pool."""
        return [k - 1 for k in self.pool or []]

    def dropouts(self) -> list[float]:
        d = self.dropout
        return d if isinstance(d, list) else [d] * self.depth

    def skips(self) -> list[tuple[int, int]]:
        """(start, end) hidden-layer indices from 0: hidden `start`'s output (after its pool, in a
        conv model) is added to `end`'s (before its pool)."""
        return model_types.skips(self.depth, self.residual)

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
    clipnorm: float | None = Field(None, gt=0, le=1e9)
    """Clips the gradient of all weights together to this global norm (Keras' global_clipnorm);
    null: no clipping. history.csv's `clipped` column is the share of steps it clipped."""
    schedule: str | dict[str, Any] = "constant"
    """Learning-rate schedule (`python -m harness list schedules`): a name, or a mapping with its
    parameters in epochs, e.g. {name: step, every: 10, factor: 0.5}."""

    @field_validator("loss", mode="before")
    @classmethod
    def _loss(cls, value):
        return _check_name(losses.LOSSES, value)

    @field_validator("optimizer", mode="before")
    @classmethod
    def _optimizer(cls, value):
        return _check_name(optimizers.OPTIMIZERS, value)

    @field_validator("schedule", mode="before")
    @classmethod
    def _schedule(cls, value):
        if not isinstance(value, dict):
            return _check_name(schedules.SCHEDULES, value)
        if "name" not in value:
            raise ValueError("a schedule mapping needs name:, e.g. {name: step, every: 10}")
        name = _check_name(schedules.SCHEDULES, value["name"])
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


class Every(_Section):
    every: int = Field(ge=1, le=100_000)
    """Record every k-th epoch: k, 2k, 3k, ..."""


class LogConfig(_Section):
    histograms: Literal["auto", "last"] | list[int] | Every = "auto"
    """Epochs whose histograms (and toy-data surfaces) are recorded besides initialisation, which
    always is: auto (epoch 1, three in the middle, the last), last, a list like [1, 5, 20], or
    {every: 5}. Only these epochs pay for the histograms."""

    @field_validator("histograms", mode="before")
    @classmethod
    def _schedule(cls, value):
        if value in ("auto", "last") or (
                isinstance(value, list) and all(type(e) is int and 1 <= e <= 100_000
                                                for e in value)) or (
                isinstance(value, dict) and list(value) == ["every"]
                and type(value["every"]) is int and 1 <= value["every"] <= 100_000):
            return value
        raise ValueError(f"give auto, last, a list of epochs (from 1) like [1, 10, 20], or "
                         f"{{every: 5}}; got {short_repr(value)}")

    def histogram_epochs(self, epochs: int) -> list[int]:
        """The recorded epochs of a run of `epochs` epochs, 0 (initialisation) first.

        Example:
            >>> LogConfig().histogram_epochs(100)
            [0, 1, 25, 50, 75, 100]
        """
        h = self.histograms
        if h == "auto":
            chosen = [1, *(round(epochs * k / 4) for k in (1, 2, 3)), epochs]
        elif h == "last":
            chosen = [epochs]
        elif isinstance(h, Every):
            chosen = range(h.every, epochs + 1, h.every)
        else:
            chosen = h
        return sorted({0, *(e for e in chosen if 1 <= e <= epochs)})


class Config(_Section):
    """One run: data, model and training, resolved from defaults, files and overrides."""

    name: str = "run"
    """Run name: the results folder is results/<name>/ (letters, digits, '_', '-', '.')."""
    seed: int = Field(0, ge=0, le=2**31 - 1)
    """Seeds data, initialisation and shuffling: same config and seed, same numbers."""
    data: DataConfig = DataConfig()
    model: ModelConfig = ModelConfig()
    train: TrainConfig = TrainConfig()
    log: LogConfig = LogConfig()
    expect: dict[str, Any] | None = Field(None, examples=[{"test_accuracy": ">= 0.95"}])
    """Results the run should reach, e.g. {test_accuracy: ">= 0.95"}, checked when it ends
    (`python -m harness check`); not inherited through extends."""

    @field_validator("expect", mode="before")
    @classmethod
    def _expect(cls, value):
        if value is not None:
            expect.parse_run(value)
        return value

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", value) or ".." in value:
            raise ValueError(f"{short_repr(value)} is not a folder name; use up to 80 letters, "
                             "digits, '_', '-' or '.', starting with a letter or digit "
                             "(e.g. relu_deep)")
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_pool(cls, data):
        # Where the pools go depends on the image size, which the dataset fixes: resolved here
        # so that the saved config shows them.
        if not isinstance(data, dict):
            return data
        model, section = data.get("model"), data.get("data")
        if isinstance(model, ModelConfig):
            model = model.model_dump()
        kind = model.get("type") if isinstance(model, dict) else None
        if (not isinstance(kind, str) or kind not in model_types.MODEL_TYPES
                or model_types.MODEL_TYPES.canonical(kind) != "conv"
                or model.get("pool") is not None):
            return data
        fields = ModelConfig.model_fields
        depth = model.get("depth", fields["depth"].default)
        residual = model.get("residual", fields["residual"].default)
        size = _image_size(section.get("name", DataConfig.model_fields["name"].default)
                           if isinstance(section, dict) else getattr(section, "name", None))
        if type(depth) is int and residual in (0, 1, 2) and size is not None:
            model = {**model, "pool": model_types.default_pools(depth, residual, size)}
            data = {**data, "model": model}
        return data

    @model_validator(mode="after")
    def _head_fits(self):
        from harness.data import DATASETS

        task = DATASETS.get(self.data.name).task or self.data.task
        if task is not None:  # None: a csv file's target decides, checked when it is read
            self.check_task(task)
        return self

    @model_validator(mode="after")
    def _type_fits_data(self):
        from harness.data import DATASETS

        spec, kind = DATASETS.get(self.data.name), self.model.type
        if kind not in spec.models:
            raise KeyProblem("model.type", _misfit(self.data.name, kind, spec),
                             related=("data.name",))
        pools, size = len(self.model.pool or []), spec.image_size
        if kind == "conv" and pools > model_types.max_pools(size):
            default = model_types.default_pools(self.model.depth, self.model.residual, size)
            raise KeyProblem("model.pool", (
                f"{pools} pools halve the {size[0]} x {size[1]} images of {self.data.name!r} to "
                f"nothing (a 2 x 2 pool floor-halves the map); use at most "
                f"{model_types.max_pools(size)} (leave pool out for the default here, "
                f"{default})"), related=("data.name",))
        return self

    def check_task(self, task: str) -> None:
        """Raises `KeyProblem` when the head, the loss or an `expect:` key does not fit `task`."""
        head = heads.HEADS.get(self.model.head)
        fitting = heads.for_task(task)
        if task not in head.tasks:
            source = f"from {self.data.path}" if self.data.name == "csv" else repr(self.data.name)
            raise KeyProblem("model.head", (
                f"head {self.model.head!r} does not fit {task} data {source}; "
                f"use head: {fitting} with loss: {heads.HEADS.get(fitting).losses[0]}"),
                related=("data.name",))
        if self.train.loss not in head.losses + head.tolerated:
            raise KeyProblem("train.loss", (
                f"loss {self.train.loss!r} does not fit head {self.model.head!r}; "
                f"use loss: {' or '.join(head.losses)}"), related=("model.head",))
        unmeasured = self.expect and expect.task_problem(expect.parse_run(self.expect), task)
        if unmeasured:  # test_mae on a classifier: never met
            raise KeyProblem("expect", unmeasured, related=("data.name",))

    def warnings(self) -> list[str]:
        """Settings that run but are a poor fit, to print before training."""
        from harness.data import DATASETS

        head, found = heads.HEADS.get(self.model.head), []
        if self.train.loss in head.tolerated:
            found.append(f"train.loss: {self.train.loss} with a {self.model.head} head trains "
                         f"slowly (flat gradients when the output saturates); {head.losses[0]} "
                         "is the usual pair")
        if self.data.classes is not None and not uses_classes(DATASETS.get(self.data.name)):
            found.append(f"data.classes: {self.data.name} does not use it (its classes are "
                         "fixed), so it is ignored; remove it")
        if self.model.residual and not self.model.skips():
            need = self.model.residual + 1  # the first hidden layer projects the input
            found.append(f"model.residual: {self.model.residual} at depth {self.model.depth} "
                         f"makes no skip (one needs depth {need} or more); the model is plain")
        if self.model.type == "conv" and self.model.width is not None:
            found.append(f"model.width: ignored: conv layers have filters (model.filters: "
                         f"{self.model.filters}), not width; remove width (write width: null "
                         "where a dense config you extend sets it)")
        spec = DATASETS.get(self.data.name)
        if self.data.path is not None and (spec.toy or spec.length is not None):
            found.append(f"data.path: ignored: {self.data.name} is generated, not read from "
                         "files; remove data.path (it is for mnist, fashion_mnist and csv)")
        return found


def _image_size(name) -> tuple[int, int] | None:
    """(height, width) of a dataset's images, None when it has none or is unknown."""
    from harness.data import DATASETS

    return DATASETS.get(name).image_size if isinstance(name, str) and name in DATASETS else None


def _misfit(name: str, kind: str, spec) -> str:
    """Why `model.type: kind` cannot read dataset `name`, and what can."""
    from harness.data import DATASETS

    images = ", ".join(n for n, s in DATASETS.items() if s.image_size and kind in s.models)
    tasks = ", ".join(n for n, s in DATASETS.items() if s.length is not None)
    what = ("a sequence task" if spec.length is not None else "images" if spec.image_size
            else "toy points" if spec.toy else "a table of columns")
    fits = " or ".join(spec.models)
    if kind == "conv":
        return (f"conv layers read images ({images}), and {name!r} is {what}; use model.type: "
                f"{fits}, or images, e.g. data: {{name: digits}}")
    if kind == "recurrent":
        return (f"recurrent layers read sequences ({tasks}, or images row by row: {images}), and "
                f"{name!r} is {what}; use model.type: {fits}, or a sequence task, e.g. "
                "data: {name: adding}")
    return (f"{name!r} is {what}, read by {' or '.join(spec.models)} layers only; use model.type: "
            f"{spec.models[0]}" + (", e.g. model: {type: recurrent, cell: lstm}"
                                   if spec.models == ("recurrent",) else ""))
