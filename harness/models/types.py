"""The model types a config can ask for (dense, conv, recurrent): one `ModelType` entry each.

`model.type` picks an entry of `MODEL_TYPES` (`harness.models.model_type` says what an entry
holds); the keys in its `takes` get their defaults when a config leaves them out, and a key that
another type takes (`cell` on a dense model) is an error (`harness.config.model`). Each type's
Keras model is in its own module (`dense`, `conv`, `recurrent`), imported when a run builds it;
this module does not import TensorFlow.

Example:
    >>> MODEL_TYPES.get("cnn").prefix
    'conv'
    >>> MODEL_TYPES.get("conv").image_shape((28, 28))
    (28, 28, 1)
"""

import math

from harness.base.registry import Registry
from harness.models.cells import CELLS
from harness.models.layout import default_pools, max_pools, pool_inside
from harness.models.model_type import Misfit, ModelType

MODEL_TYPES: Registry[ModelType] = Registry("model type", "model_types")


def own_keys() -> tuple[str, ...]:
    """Keys only some types take: a value set for another type is an error, not silently
    unused."""
    return tuple(dict.fromkeys(k for _, t in MODEL_TYPES.items() for k in t.takes))


def owners(key: str) -> list[str]:
    """The model types whose own key `key` is (`cell` -> `["recurrent"]`)."""
    return [name for name, entry in MODEL_TYPES.items() if key in entry.takes]


def measured_by(key: str) -> dict[str, str]:
    """The model types whose runs alone measure `key` -> what it is for them
    (`time_ratio_init` -> `{"recurrent": "||dL/dh_1|| / ..."}`); {} for a key every run can
    measure."""
    return {name: entry.measures[key] for name, entry in MODEL_TYPES.items()
            if key in entry.measures}


def lead_figures(*kinds) -> tuple[str, ...]:
    """The figures the pages of runs of these model types lead with (each entry's
    `lead_figures`, in order, once each; a name that is no registered type adds none)."""
    return tuple(dict.fromkeys(name for kind in kinds if kind in MODEL_TYPES
                               for name in MODEL_TYPES.get(kind).lead_figures))


def readers(spec) -> list[str]:
    """The model types that read a dataset (a `harness.data.datasets.DatasetSpec`), in the
    table's order: the first reads it when no type is named."""
    return [name for name, entry in MODEL_TYPES.items() if spec.form in entry.reads]


# Dense ------------------------------------------------------------------------------------------

def _dense_sizes(model, input_shape: tuple) -> tuple[int, list[int], int]:
    widths = model.widths()
    fan_in = [math.prod(input_shape), *widths]
    return sum(i * u + u for i, u in zip(fan_in, widths)), list(widths), fan_in[-1]


MODEL_TYPES.register("dense", ModelType(
    "Dense layers hidden_1 .. hidden_N on flat inputs (images flattened); model.width units each",
    "harness.models.dense:build_dense", "hidden", ("vectors", "images"), lambda size: (-1,),
    _dense_sizes, held=sum, takes={"width": 16}, output_only=True))


# Conv -------------------------------------------------------------------------------------------

def _conv_sizes(model, input_shape: tuple) -> tuple[int, list[int], int]:
    (height, width, channels), side = input_shape, model.kernel_size
    params, values, pools = 0, [], set(model.pools())
    for k, filters in enumerate(model.widths()):
        params += side * side * channels * filters + filters
        values.append(height * width * filters)  # the map before its pool
        channels = filters
        if k in pools:
            height, width = height // 2, width // 2
    return params, values, channels  # global average pooling: one value per channel


def _some(items: list, limit: int = 6) -> str:
    """`1, 3, 5` (or `1, 3, 5, ...` when longer than `limit`), for messages."""
    return ", ".join(map(str, items[:limit])) + (", ..." if len(items) > limit else "")


def _check_pools(model) -> Misfit | None:
    """A pool after a layer the stack does not have, or inside a skip connection."""
    for k in model.pool or []:
        if k > model.depth:
            return Misfit("model.pool", (
                f"{model.pool} names conv_{k}, but there are {model.depth} conv layers; list "
                f"layers from 1 to {model.depth}, e.g. pool: "
                f"{default_pools(model.depth, model.residual, (28, 28))}"), ("model.depth",))
        for start, end in model.skips():
            if pool_inside((start, end), k):
                after = [j for j in range(1, model.depth + 1) if not any(
                    pool_inside(s, j) for s in model.skips())]
                return Misfit("model.pool", (
                    f"residual: {model.residual} adds conv_{start + 1}'s output to "
                    f"conv_{end + 1}'s, and the pool after conv_{k} halves the map in "
                    f"between; pool only after conv layers {_some(after)}, or use "
                    "residual: 1"), ("model.residual",))
    return None


def _check_image_pools(model, name: str, size: tuple[int, int]) -> Misfit | None:
    """More pools than the images have pixels to halve."""
    pools = len(model.pool or [])
    if pools <= max_pools(size):
        return None
    default = default_pools(model.depth, model.residual, size)
    return Misfit("model.pool", (
        f"{pools} pools halve the {size[0]} x {size[1]} images of {name!r} to nothing (a 2 x 2 "
        f"pool floor-halves the map); use at most {max_pools(size)} (leave pool out for the "
        f"default here, {default})"), ("data.name",))


MODEL_TYPES.register("conv", ModelType(
    "Conv2D layers conv_1 .. conv_N (padding same) on images, 2 x 2 max-pools after the "
    "model.pool layers, global average pooling, then the head",
    "harness.models.conv:build_conv", "conv", ("images",), lambda size: (*size, 1), _conv_sizes,
    size_key="filters", unit="channels", takes={"filters": 16, "kernel_size": 3, "pool": None},
    tolerates={"width": "ignored: conv layers have filters (model.filters: {filters}), not "
                        "width; remove width (write width: null where a dense config you "
                        "extend sets it)"},
    data_defaults=lambda depth, residual, size: {"pool": default_pools(depth, residual, size)},
    check=_check_pools, check_data=_check_image_pools,
    misfit="conv layers read images ({images}), and {name!r} is {what}; use model.type: "
           "{fits}, or images, e.g. data: {{name: digits}}",
    meanfield="conv layers share each kernel across positions and pool their maps; this "
              "recursion is for Dense stacks"), aliases=("cnn",))


# Recurrent --------------------------------------------------------------------------------------

def _recurrent_sizes(model, input_shape: tuple) -> tuple[int, list[int], int]:
    (steps, features), gates = input_shape, CELLS.get(model.cell).gates
    params, values = 0, []
    for units in model.widths():
        params += gates * (features * units + units * units + 2 * units)  # GRU: two biases
        values.append(steps * units * (gates + 1))  # the gates and the state, every step
        features = units
    return params, values, features


def _check_spectral_radius(model) -> Misfit | None:
    """A spectral radius asked of a recurrent kernel that has no eigenvalue to rescale."""
    init = model.recurrent_initializer
    name = init.get("name") if isinstance(init, dict) else init
    value = init.get("value", 0) if isinstance(init, dict) else 0
    if model.spectral_radius is None or not (
            name == "zeros" or (name == "constant" and value == 0)):
        return None
    return Misfit("model.spectral_radius", (
        f"a recurrent kernel of zeros has no eigenvalue to rescale; use "
        f"recurrent_initializer: random_normal with spectral_radius: "
        f"{model.spectral_radius}, or remove spectral_radius"), ("model.recurrent_initializer",))


MODEL_TYPES.register("recurrent", ModelType(
    "model.cell layers over sequences (images read row by row), model.width units each; the "
    "head reads the last layer's final state",
    "harness.models.recurrent:build_recurrent", "rnn", ("images", "sequences"),
    lambda size: tuple(size), _recurrent_sizes,
    takes={"width": 16, "cell": "simple", "recurrent_initializer": "orthogonal",
           "spectral_radius": None},
    off={"batch_norm": "none", "residual": 0}, check=_check_spectral_radius,
    misfit="recurrent layers read sequences ({tasks}, or images row by row: {images}), and "
           "{name!r} is {what}; use model.type: {fits}, or a sequence task, e.g. "
           "data: {{name: adding}}",
    example="model: {type: recurrent, cell: lstm}",
    meanfield="a recurrent layer feeds its own state back at every step; this recursion is for "
              "Dense stacks",
    measures={key: f"||dL/dh_1|| / ||dL/dh_T|| of the last recurrent layer at {when}"
              for key, when in (("time_ratio_init", "initialisation"),
                                ("time_ratio_final", "the last logged epoch"))},
    lead_figures=("time.png", "time_heatmap.png", "sweep_time.png")),
    aliases=("rnn",))
