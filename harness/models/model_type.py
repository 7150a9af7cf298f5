"""What a model type is: the `ModelType` entry of `harness.models.types.MODEL_TYPES`, and the
`Misfit` its checks of a config return.

An entry holds everything the rest of the code asks about a type: how it is built, which data it
reads and in what shape, its layer sizes for the memory estimate, its own config keys and checks,
the name of its hidden layers, and whether the mean-field theory describes it. Nothing outside
`harness.models` compares `model.type`: it asks the entry (`ModelConfig.model_type()`). This module
does not import TensorFlow: a type's module (its Keras model) is imported only when a run builds it.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple


class Misfit(NamedTuple):
    """A config problem a model type's check finds; `harness.config` raises it at `key`.

    Attributes:
        key: the dotted config key at fault (`model.pool`).
        message: what is wrong, and the way out.
        related: other keys it involves (`model.depth`), blamed with it.
    """

    key: str
    message: str
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelType:
    """One entry of `MODEL_TYPES`: a model type, as the config, the data, the memory estimate,
    the run and the theory ask about it.

    Attributes:
        description: one line for `harness list model_types`.
        builder: `module:function` of its `build(model_cfg, input_shape, n_classes, seed,
            clipnorm)`, which returns the built `harness.models.base.StatsModel` (`build`).
        prefix: its hidden layers' name before `_k` (`hidden` -> `hidden_1` .. `hidden_N`).
        reads: the kinds of data it reads (`harness.data.datasets.DatasetSpec.form`: `vectors`,
            `images`, `sequences`).
        image_shape: `(height, width) -> one example's shape` as its first layer reads images
            (dense: `(-1,)`, flat; conv: `(height, width, 1)`); other data keeps its shape.
        sizes: `(model_cfg, input_shape) -> (parameters, values per example of each hidden
            layer, values the head reads)` for the memory estimate (`harness.config.memory`).
        held: of the hidden and output layers' values per example, those an evaluation pass
            holds at once: `sum` (every layer's) or `max` (maps freed once the next layer read
            them).
        size_key: the config key with its layers' sizes (`width`, `filters`).
        unit: what one of them is called in messages (`units`, `channels`).
        takes: the keys of its own (keys other types do not take) -> their default; a default of
            None is resolved elsewhere (`pool`: `data_defaults`) or means "off"
            (`spectral_radius`).
        off: shared keys it has no use for -> the only value it accepts (recurrent layers:
            `batch_norm: none`, `residual: 0`).
        tolerates: keys of other types it ignores with a warning, not an error -> the warning
            after `model.<key>: `, `str.format`ted with the model config's keys (conv: a
            `width` that a dense config it extends sets).
        output_only: whether depth 0, the output layer alone, is a model of this type.
        data_defaults: `(depth, residual, image_size) -> {key: default}` for its keys whose
            default depends on the data (conv's `pool`), or None.
        check: `(model_cfg) -> Misfit | None`, its own checks of a model config, or None.
        check_data: `(model_cfg, dataset name, image_size) -> Misfit | None`, its checks of a
            model config against the data it reads, or None.
        misfit: the message for data it cannot read, `str.format`ted with `name`, `what` (what
            the data is), `fits` (the types that read it), `images` (the image datasets it
            reads) and `tasks` (the sequence tasks); None: the plain message.
        example: how a config asks for it, for messages (`model: {type: recurrent, cell:
            lstm}`), or None.
        meanfield: why the mean-field recursion (`harness.theory.meanfield`) does not describe
            its networks, or None when it does.
        measures: `summary.json` keys only this type's runs measure -> what they are, for
            messages (recurrent: `time_ratio_init`, from `timesteps.csv`); an `expect:` of one of
            another type's keys is refused before training (`harness.config`): never met.
        lead_figures: the figures its pages put first, in this order, by file name (the run
            report's `time.png`, a sweep's `sweep_time.png`): the figure that shows this type's
            headline result; the rest of each page's table follows in its own order.
    """

    description: str
    builder: str
    prefix: str
    reads: tuple[str, ...]
    image_shape: Callable[[tuple[int, int]], tuple]
    sizes: Callable[..., tuple[int, list[int], int]]
    held: Callable[[list[int]], int] = max
    size_key: str = "width"
    unit: str = "units"
    takes: dict = field(default_factory=dict)
    off: dict = field(default_factory=dict)
    tolerates: dict = field(default_factory=dict)
    output_only: bool = False
    data_defaults: Callable[..., dict] | None = None
    check: Callable[..., Misfit | None] | None = None
    check_data: Callable[..., Misfit | None] | None = None
    misfit: str | None = None
    example: str | None = None
    meanfield: str | None = None
    measures: dict = field(default_factory=dict)
    lead_figures: tuple[str, ...] = ()

    def build(self, model_cfg, input_shape: tuple, n_classes: int, seed: int,
              clipnorm: float | None = None):
        """Builds the type's network, importing its module (and TensorFlow) only now.

        Args:
            model_cfg: `config.model`.
            input_shape: one example's shape as the model reads it (`Dataset.input_shape`).
            n_classes: classes of the data (0 for regression); sets the softmax head's units.
            seed: seeds the initializers and the dropout masks.
            clipnorm: `config.train.clipnorm`, for counting the steps the optimizer clips.

        Returns:
            The built, uncompiled `harness.models.base.StatsModel`.
        """
        module, _, name = self.builder.partition(":")
        build = getattr(importlib.import_module(module), name)
        return build(model_cfg, input_shape, n_classes, seed, clipnorm)
