"""The model types a config can ask for (dense, conv, recurrent), the recurrent cells, and the
keys each type takes.

`model.type` picks an entry of `MODEL_TYPES`; the keys in its `takes` get their defaults when a
config leaves them out, and a key that another type takes (`cell` on a dense model) is an error
(`harness.config.config`). Conv models halve their maps with 2 x 2 max-pools after the conv layers
that `model.pool` lists; `default_pools` places them when a config does not. This module does not
import TensorFlow.

Example:
    >>> default_pools(depth=8, residual=0, image_size=(28, 28))
    [3, 5]
    >>> default_pools(depth=8, residual=0, image_size=(8, 8))
    []
"""

from dataclasses import dataclass, field

from harness.base.registry import Registry

MIN_SIDE = 7  # default pools stop before the map gets smaller than 7 x 7 (MNIST: two pools)


@dataclass(frozen=True)
class ModelType:
    """One entry of `MODEL_TYPES`.

    Attributes:
        description: one line for `harness list model_types`.
        reads: what its first layer takes, for messages (`images`, `sequences`).
        takes: the keys of its own (keys other types do not take) -> their default; a default of
            None is resolved elsewhere (`pool`) or means "off" (`spectral_radius`).
        off: shared keys it has no use for -> the only value it accepts (recurrent layers:
            `batch_norm: none`, `residual: 0`).
    """

    description: str
    reads: str
    takes: dict = field(default_factory=dict)
    off: dict = field(default_factory=dict)


MODEL_TYPES: Registry[ModelType] = Registry("model type", "model_types")
MODEL_TYPES.register("dense", ModelType(
    "Dense layers hidden_1 .. hidden_N on flat inputs (images flattened); model.width units each",
    "flat inputs", {"width": 16}))
MODEL_TYPES.register("conv", ModelType(
    "Conv2D layers conv_1 .. conv_N (padding same) on images, 2 x 2 max-pools after the "
    "model.pool layers, global average pooling, then the head", "images",
    {"filters": 16, "kernel_size": 3, "pool": None}), aliases=("cnn",))
MODEL_TYPES.register("recurrent", ModelType(
    "model.cell layers over sequences (images read row by row), model.width units each; the "
    "head reads the last layer's final state", "sequences",
    {"width": 16, "cell": "simple", "recurrent_initializer": "orthogonal",
     "spectral_radius": None},
    off={"batch_norm": "none", "residual": 0}), aliases=("rnn",))

# Keys only some types take: a value set for another type is an error, not silently unused.
OWN_KEYS = tuple(dict.fromkeys(k for _, t in MODEL_TYPES.items() for k in t.takes))


@dataclass(frozen=True)
class Cell:
    """One entry of `CELLS`.

    Attributes:
        description: one line for `harness list cells`.
        keras: the Keras layer.
        gates: weight blocks per unit in the kernels (recurrent kernel `(units, gates * units)`).
    """

    description: str
    keras: str
    gates: int


CELLS: Registry[Cell] = Registry("cell", "cells")
CELLS.register("simple", Cell(
    "h_t = activation(W x_t + U h_(t-1) + b) (Elman); the gradient through time is a product "
    "of U^T and activation slopes", "SimpleRNN", 1), aliases=("simple_rnn",))
CELLS.register("lstm", Cell(
    "Hochreiter & Schmidhuber 1997: sigmoid input, forget and output gates; model.activation on "
    "the candidate and the output (Keras: tanh)", "LSTM", 4))
CELLS.register("gru", Cell(
    "Cho et al. 2014: sigmoid update and reset gates; model.activation on the candidate (Keras: "
    "tanh)", "GRU", 3))


def owners(key: str) -> list[str]:
    """The model types whose own key `key` is (`cell` -> `["recurrent"]`)."""
    return [name for name, entry in MODEL_TYPES.items() if key in entry.takes]


def skips(depth: int, residual: int) -> list[tuple[int, int]]:
    """(start, end) hidden-layer indices from 0: layer `start`'s output, as layer `start + 1`
    receives it (after its pool, in a conv model), is added to layer `end`'s output.

    The first layer has no skip around it: it maps the input to the model's width or filters.
    """
    if residual == 0:
        return []
    return [(k - 1, k + residual - 1) for k in range(1, depth - residual + 1, residual)]


def pool_inside(skip: tuple[int, int], k: int) -> bool:
    """Whether a pool after conv_`k` (from 1) falls inside `skip`, between the map the skip
    carries and the one it is added to (they would differ in size)."""
    start, end = skip
    return start + 2 <= k <= end


def max_pools(image_size: tuple[int, int]) -> int:
    """Pools an image can take before its map shrinks to nothing (2 x 2 pools floor-halve it)."""
    return min(image_size).bit_length() - 1


def default_pools(depth: int, residual: int, image_size: tuple[int, int] | None) -> list[int]:
    """Where `model.pool` puts 2 x 2 max-pools when a config does not say: conv layers from 1.

    As many pools as keep the map at `MIN_SIDE` x `MIN_SIDE` or more (28 x 28: two, to 7 x 7;
    8 x 8: none), spread evenly through the stack (depth 8: after conv_3 and conv_5), never
    inside a skip connection.

    Args:
        depth: conv layers.
        residual: `model.residual` (0, 1 or 2).
        image_size: (height, width) of the images; None (not images): no pools.

    Returns:
        Sorted conv layer numbers from 1, each followed by a pool.
    """
    if not image_size or depth < 1:
        return []
    wanted, side = 0, min(image_size)
    while side // 2 >= MIN_SIDE:
        wanted, side = wanted + 1, side // 2
    blocks = skips(depth, residual)
    allowed = [k for k in range(1, depth + 1) if not any(pool_inside(s, k) for s in blocks)]
    wanted = min(wanted, len(allowed))
    chosen: list[int] = []
    for i in range(1, wanted + 1):
        at = max(round(i * len(allowed) / (wanted + 1)) - 1, 0)
        at = max(at, allowed.index(chosen[-1]) + 1 if chosen else 0)
        chosen.append(allowed[min(at, len(allowed) - (wanted - i) - 1)])
    return chosen
