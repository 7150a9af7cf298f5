"""The `model:` section of the config: the network's layers, dense, conv or recurrent.

`ModelConfig` holds every type's keys; each type's own keys (conv's filters, recurrent's cell) get
their defaults only in a model of that type, and a key of another type is an error. What a type
takes, refuses and checks is its entry's (`harness.models.types`, `ModelConfig.model_type`).
`check_initializer` checks a kernel initializer given as a name or a mapping.
"""

import difflib
from typing import Any

from pydantic import Field, field_validator, model_validator

from harness.catalog import activations, heads, initializers
from harness.config.section import KeyProblem, Section, check_name, short_repr, yaml_bool_note
from harness.models.cells import CELLS
from harness.models.layout import skips
from harness.models.model_type import ModelType
from harness.models.types import MODEL_TYPES, own_keys, owners

BATCH_NORM = ("none", "before", "after")

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
        name = check_name(initializers.INITIALIZERS, value["name"])
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
    return check_name(initializers.INITIALIZERS, value)


class ModelConfig(Section):
    type: str = "dense"
    """Layers: dense, conv (images) or recurrent (sequences); see `harness list model_types`."""
    depth: int = Field(3, ge=0, le=200)
    """Number of hidden layers (0: the output layer alone, i.e. logistic/linear regression)."""
    width: int | list[int] | None = Field(None, examples=[16])
    """Units per hidden layer (default 16): one number, or one per layer; conv ignores it
    (filters)."""
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
        if isinstance(value, str) and value in CELLS:
            raise ValueError(f"{value} is a recurrent cell, not a model type; write "
                             f"model: {{type: recurrent, cell: {value}}}")
        return MODEL_TYPES.canonical(check_name(MODEL_TYPES, value))

    @field_validator("cell", mode="before")
    @classmethod
    def _cell(cls, value):
        if value is None:
            return value
        return CELLS.canonical(check_name(CELLS, value))

    @model_validator(mode="before")
    @classmethod
    def _type_defaults(cls, data):
        # Each type's own keys get their defaults here, so that a saved config shows them only
        # where they mean something (a dense model has no filters; a conv model has no width).
        if isinstance(data, dict):
            kind = data.get("type", cls.model_fields["type"].default)
            if isinstance(kind, str) and kind in MODEL_TYPES:
                own = MODEL_TYPES.get(kind).takes
                data = {**data, **{k: v for k, v in own.items()
                                   if v is not None and data.get(k) is None}}
        return data

    @field_validator("head", mode="before")
    @classmethod
    def _head(cls, value):
        return check_name(heads.HEADS, value)

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
        entry = self.model_type()
        for key in own_keys():
            # A key the type tolerates is a warning (`Config.warnings`), not an error: a conv
            # model's width, which base.yaml (which configs extend) sets.
            if getattr(self, key) is None or key in entry.takes or key in entry.tolerates:
                continue
            owner = owners(key)[0]
            raise KeyProblem(f"model.{key}", f"{key} is a {owner} model's key and this model is "
                             f"{self.type}; remove model.{key}, or use model.type: {owner}",
                             related=("model.type",))
        for key, off in entry.off.items():
            if getattr(self, key) != off:
                raise KeyProblem(f"model.{key}", f"{self.type} layers take no {key} here; remove "
                                 f"model.{key} (or give {key}: {off})", related=("model.type",))
        if not entry.output_only and self.depth == 0:
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
        widths, entry = self.widths(), self.model_type()
        key, layer, what = entry.size_key, entry.prefix, entry.unit
        for start, end in self.skips():
            if widths[start] != widths[end]:
                raise KeyProblem(f"model.{key}", (
                    f"residual: {self.residual} adds {layer}_{start + 1}'s output "
                    f"({widths[start]} {what}) to {layer}_{end + 1}'s ({widths[end]} {what}), "
                    f"which cannot be added; give both the same {key}, e.g. {key}: "
                    f"{widths[start]}"), related=("model.residual",))
        return self

    @model_validator(mode="after")
    def _type_checks(self):
        # The type's own (conv: its pools fit the depth and the skips; recurrent: a spectral
        # radius has an eigenvalue to rescale).
        check = self.model_type().check
        problem = check(self) if check else None
        if problem:
            raise KeyProblem(problem.key, problem.message, related=problem.related)
        return self

    def model_type(self) -> ModelType:
        """This model's type: its `harness.models.types.MODEL_TYPES` entry."""
        return MODEL_TYPES.get(self.type)

    def widths(self) -> list[int]:
        """Units per hidden layer: Dense units, conv channels (filters) or recurrent units, from
        the key the type sizes its layers with."""
        width = getattr(self, self.model_type().size_key)
        return width if isinstance(width, list) else [width] * self.depth

    def filter_counts(self) -> list[int]:
        """Channels per conv layer (conv models, whose own key `filters` is; [] for the other
        types)."""
        return self.widths() if self.filters is not None else []

    def pools(self) -> list[int]:
        """Hidden-layer indices from 0 (as `skips`) each followed by a 2 x 2 max-pool."""
        return [k - 1 for k in self.pool or []]

    def dropouts(self) -> list[float]:
        d = self.dropout
        return d if isinstance(d, list) else [d] * self.depth

    def skips(self) -> list[tuple[int, int]]:
        """(start, end) hidden-layer indices from 0: hidden `start`'s output (after its pool, in a
        conv model) is added to `end`'s (before its pool)."""
        return skips(self.depth, self.residual)

    def activations(self) -> list[str]:
        a = self.activation
        return a if isinstance(a, list) else [a] * self.depth
