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
from harness.config.data import DataConfig, uses_classes
from harness.config.log import LogConfig
from harness.config.model import ModelConfig
from harness.config.section import KeyProblem, Section, short_repr
from harness.config.train import TrainConfig
from harness.models.types import MODEL_TYPES, measured_by, readers


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
    def _data_defaults(cls, data):
        # A type's keys whose default depends on the data (where a conv model's pools go
        # depends on the image size, which the dataset fixes): resolved here so that the saved
        # config shows them.
        if not isinstance(data, dict):
            return data
        model, section = data.get("model"), data.get("data")
        if isinstance(model, ModelConfig):
            model = model.model_dump()
        kind = model.get("type") if isinstance(model, dict) else None
        if not isinstance(kind, str) or kind not in MODEL_TYPES:
            return data
        defaults = MODEL_TYPES.get(kind).data_defaults
        if defaults is None:
            return data
        fields = ModelConfig.model_fields
        depth = model.get("depth", fields["depth"].default)
        residual = model.get("residual", fields["residual"].default)
        size = _image_size(section.get("name", DataConfig.model_fields["name"].default)
                           if isinstance(section, dict) else getattr(section, "name", None))
        if type(depth) is int and residual in (0, 1, 2) and size is not None:
            filled = {key: value for key, value in defaults(depth, residual, size).items()
                      if model.get(key) is None}
            if filled:
                data = {**data, "model": {**model, **filled}}
        return data

    # pydantic runs "after" validators in definition order: what the model is and reads first,
    # then what fits it (the head and loss for the task, the expect: keys it measures), so that
    # a structural error (adding data on a dense model) is the one reported
    @model_validator(mode="after")
    def _type_fits_data(self):
        from harness.data.datasets import DATASETS

        spec, kind = DATASETS.get(self.data.name), self.model.type
        if kind not in readers(spec):
            raise KeyProblem("model.type", _misfit(self.data.name, kind, spec),
                             related=("data.name",))
        check = self.model.model_type().check_data
        problem = check(self.model, self.data.name, spec.image_size) if check else None
        if problem:
            raise KeyProblem(problem.key, problem.message, related=problem.related)
        return self

    @model_validator(mode="after")
    def _head_fits(self):
        from harness.data.datasets import DATASETS

        task = DATASETS.get(self.data.name).task or self.data.task
        if task is not None:  # None: a csv file's target decides, checked when it is read
            self.check_task(task)
        return self

    @model_validator(mode="after")
    def _expect_measured(self):
        unmeasured = self.expect and expect.type_problem(
            expect.parse_run(self.expect), self.model.type, measured_by)
        if unmeasured:  # time_ratio_init of a dense model: never met
            raise KeyProblem("expect", unmeasured, related=("model.type",))
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
        from harness.data.datasets import DATASETS

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
        for key, why in self.model.model_type().tolerates.items():
            if getattr(self.model, key) is not None:
                found.append(f"model.{key}: " + why.format(**dict(self.model)))
        spec = DATASETS.get(self.data.name)
        if self.data.path is not None and (spec.toy or spec.length is not None):
            found.append(f"data.path: ignored: {self.data.name} is generated, not read from "
                         "files; remove data.path (it is for mnist, fashion_mnist and csv)")
        return found


def _image_size(name) -> tuple[int, int] | None:
    """(height, width) of a dataset's images, None when it has none or is unknown."""
    from harness.data.datasets import DATASETS

    return DATASETS.get(name).image_size if isinstance(name, str) and name in DATASETS else None


def _misfit(name: str, kind: str, spec) -> str:
    """Why `model.type: kind` cannot read dataset `name`, and what can."""
    from harness.data.datasets import DATASETS

    images = ", ".join(n for n, s in DATASETS.items() if s.image_size and kind in readers(s))
    tasks = ", ".join(n for n, s in DATASETS.items() if s.length is not None)
    what = ("a sequence task" if spec.length is not None else "images" if spec.image_size
            else "toy points" if spec.toy else "a table of columns")
    fits, entry = readers(spec), MODEL_TYPES.get(kind)
    if entry.misfit:
        return entry.misfit.format(name=name, what=what, fits=" or ".join(fits), images=images,
                                   tasks=tasks)
    example = MODEL_TYPES.get(fits[0]).example if len(fits) == 1 else None
    return (f"{name!r} is {what}, read by {' or '.join(fits)} layers only; use model.type: "
            f"{fits[0]}" + (f", e.g. {example}" if example else ""))
