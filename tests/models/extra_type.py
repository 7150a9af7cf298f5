"""A model type from outside the package: `funnel`, Dense layers each half as wide as the one
before, registered by the tests alone (`registered`) to show that a new type needs no edit inside
`harness/`.

Everything the run asks about the type is in its entry: how it is built (`build_funnel`, a
`DenseModel` with its own widths and layer names), what it reads and in what shape, its sizes for
the memory estimate, its keys, and why the mean-field recursion does not describe it.
"""

import math
from contextlib import contextmanager

from harness.catalog import heads
from harness.models.dense import DenseModel
from harness.models.model_type import ModelType
from harness.models.types import MODEL_TYPES

NAME = "funnel"


def funnel_widths(cfg) -> list[int]:
    """Units per hidden layer: `model.width` for the first, each next one half the one before."""
    return [max(1, w // 2**k) for k, w in enumerate(cfg.widths())]


def funnel_sizes(cfg, input_shape: tuple) -> tuple[int, list[int], int]:
    """Parameters of the hidden layers, their units, and the units the head reads."""
    widths = funnel_widths(cfg)
    fan_in = [math.prod(input_shape), *widths]
    return sum(i * u + u for i, u in zip(fan_in, widths)), widths, fan_in[-1]


def build_funnel(cfg, input_shape, n_classes: int, seed: int, clipnorm=None) -> DenseModel:
    """The funnel of a `ModelConfig`, built for inputs of `input_shape`."""
    head = heads.HEADS.get(cfg.head)
    model = DenseModel([*funnel_widths(cfg), head.units(n_classes)],
                       [*cfg.activations(), head.activation], initializer=cfg.initializer,
                       use_bias=cfg.use_bias, seed=seed, batch_norm=cfg.batch_norm,
                       dropout=cfg.dropouts(), l1=cfg.l1, l2=cfg.l2, clipnorm=clipnorm,
                       prefix="funnel", name="harness_model")
    model.build((None, *input_shape))
    return model


FUNNEL = ModelType(
    "Dense layers funnel_1 .. funnel_N, each half as wide as the one before (model.width first)",
    f"{__name__}:build_funnel", "funnel", ("vectors", "images"), lambda size: (-1,),
    funnel_sizes, held=sum, takes={"width": 16}, off={"residual": 0},
    meanfield="a funnel narrows by half at every layer; this recursion is for the widths the "
              "config gives")


@contextmanager
def registered():
    """`funnel` in `MODEL_TYPES` while the block runs (a test's own: other tests never see it)."""
    MODEL_TYPES.register(NAME, FUNNEL)
    try:
        yield FUNNEL
    finally:
        MODEL_TYPES.remove(NAME)
