"""The config: `Config`, one run's settings, and the checks that span its sections.

A YAML file is merged over the defaults (`harness.config.file`) and validated into one frozen
`Config`. Builders take its sub-configs (`cfg.data`, `cfg.model`, `cfg.train`) as arguments; nothing
reads YAML after this point. `python -m harness schema` prints the JSON Schema of `Config`.

Each section, with every key's default and one-line description, lives in its own module of this
package: `data:` in `data.py`, `model:` in `model.py`, `train:` in `train.py`, `log:` in `log.py`;
what they share (`KeyProblem`, the `Section` base) in `section.py`. Import them all from here:
`from harness.config.config import Config, ModelConfig, KeyProblem`.
"""

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from harness.catalog import heads
from harness.config import expect
from harness.config.data import MAX_STEPS, DataConfig, uses_classes
from harness.config.log import Every, LogConfig
from harness.config.model import BATCH_NORM, ModelConfig, check_initializer
from harness.config.section import KeyProblem, Section, short_repr, yaml_bool_note
from harness.config.train import TrainConfig
from harness.models import types as model_types

__all__ = [
    "BATCH_NORM", "MAX_STEPS", "Config", "DataConfig", "Every", "KeyProblem", "LogConfig",
    "ModelConfig", "TrainConfig", "check_initializer", "short_repr", "uses_classes",
    "yaml_bool_note",
]


class Config(Section):
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
