"""The `data:` section of the config: which dataset, how many examples, how it is split.

`DataConfig` checks what it can without reading the data: the dataset's name, csv-only keys, the
length of a generated sequence task; a csv file's columns are checked when it is read
(`harness.data.datasets`).
"""

from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.config.section import KeyProblem, Section, check_name, short_repr

MAX_STEPS = 100_000_000  # n_samples x length of a generated sequence task: 800 MB of float32 pairs


def uses_classes(spec) -> bool:
    """Whether a dataset takes its number of classes from `data.classes` (the multi-class toys)."""
    return spec.toy and spec.task == "multiclass"


class DataConfig(Section):
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
        from harness.data.datasets import DATASETS

        return check_name(DATASETS, value)

    @model_validator(mode="before")
    @classmethod
    def _classes(cls, data):
        # Resolved per dataset, so that a saved config shows classes only where they mean
        # something (circles has 2 whatever `classes` says; a value set there is warned about).
        from harness.data.datasets import DATASETS

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
        from harness.data.datasets import DATASETS, DEFAULT_TOY_SAMPLES

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
