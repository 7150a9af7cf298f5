"""The table of datasets: one entry per name, each with its loader, and the arrays a run trains on.

`DATASETS` maps each name to a `DatasetSpec`; `load_dataset(cfg, seed)` looks `cfg.name` up and
returns a `Dataset`, images flat unless a model type's `image_shape` asks for another shape
(`harness.models.inputs.load_data`). Toy data is generated in `toy.py`, sequence tasks in
`sequences.py`, images are read in `images.py`, csv files in `csvfile.py`. This module does not
import TensorFlow: listing the table stays fast.

Example:
    >>> from types import SimpleNamespace
    >>> cfg = SimpleNamespace(name="circles", n_samples=500, noise=0.1, test_fraction=0.2,
    ...                       val_fraction=0.2, classes=3, path=None, target=None, task=None,
    ...                       features=None, standardize=None, length=None)
    >>> data = load_dataset(cfg, seed=0)
    >>> data.x_train.shape, data.x_val.shape, data.x_test.shape
    ((320, 2), (80, 2), (100, 2))
"""
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.base import fingerprint
from harness.base.registry import Registry
from harness.data import csvfile, images, sequences, toy
from harness.data.features import CROSSES, FeatureMap
from harness.data.shapes import arrange
from harness.errors import DataError

DEFAULT_TOY_SAMPLES = 1000


@dataclass(frozen=True)
class Dataset:
    """Train, validation and test arrays of one dataset.

    Attributes:
        name: the registered dataset name.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        n_classes: 2 for binary, k for multiclass, 0 for regression.
        x_train, x_val, x_test: float32, shaped for the model type (`shapes.arrange`): dense
            `(n, features)` (toy inputs roughly in [-1, 1], images flattened to 784 values in
            [0, 1]), conv `(n, height, width, 1)` images, recurrent `(n, steps, features)`
            sequences (images: one step per row); see `harness.models.types`.
        y_train, y_val, y_test: int64 `(n,)` class indices, or float32 `(n, 1)` targets
            for regression.
        inputs: the original inputs as `(train, val, test)` when `feature_map` made the `x_*`
            arrays from them (crosses, standardisation); None when `x_*` are the original inputs.
        feature_map: the original inputs -> the model's inputs (None: the identity). The
            decision-boundary grid, drawn over the original inputs, goes through it too.
        class_names: the labels class 0, 1, ... stand for, when a csv file names them.
        input_names: the original inputs' names (x1, x2, ... of the pictures), when a csv
            file names them.
        image_size: `(height, width)` of image data, whatever shape the model reads it in;
            None for other data.
        fingerprint: what the data was made from (`harness.base.fingerprint`): the files read,
            with their sizes and hashes, or a generated dataset's name, seed and config. A run
            records it in `meta.json`, so a resumed sweep knows when a file changed.
    """

    name: str
    task: str
    n_classes: int
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    inputs: tuple | None = None
    feature_map: FeatureMap | None = None
    class_names: tuple | None = None
    input_names: tuple | None = None
    image_size: tuple | None = None
    fingerprint: dict | None = None

    @property
    def input_shape(self) -> tuple:
        """One example's shape as the model reads it: `(features,)`, `(h, w, 1)`, `(steps, f)`."""
        return tuple(self.x_train.shape[1:])

    @property
    def n_features(self) -> int:
        """Input values per example: the flat size of `input_shape` (784 for MNIST)."""
        return int(np.prod(self.input_shape))

    def original(self, split: str) -> np.ndarray:
        """The split's inputs before any feature map (`split`: train, val or test)."""
        if self.inputs is None:
            return getattr(self, f"x_{split}")
        return self.inputs[("train", "val", "test").index(split)]

    @property
    def n_inputs(self) -> int:
        """Original input values per example: 1 or 2 for toys and 2-D csv files (drawn as a
        plane); the flat size for images and sequences."""
        return int(np.prod(self.original("train").shape[1:]))

    def to_model_inputs(self, x: np.ndarray) -> np.ndarray:
        """Original inputs `(n, n_inputs)` -> what the model takes `(n, *input_shape)`."""
        return x if self.feature_map is None else self.feature_map(x)


@dataclass(frozen=True)
class DatasetSpec:
    """One entry of `DATASETS`.

    Attributes:
        description: one line, printed by `harness list datasets`.
        task: `"binary"`, `"multiclass"` or `"regression"`; None when the file decides (csv).
        n_classes: `(data config) -> int`, the classes this config gives; 0 for regression,
            None when the file decides (csv).
        load: `(data config, seed) -> Dataset`, images flat; the same config and seed give
            identical arrays.
        toy: True for the generated 1-D and 2-D datasets.
        form: what one example is, for the model types that read it (their `reads`):
            `vectors` (toys, csv columns), `images` (loaded flat, `image_size` pixels) or
            `sequences` (`(steps, features)`).
        image_size: `(height, width)` of image data (reshaped for conv and recurrent models).
        length: the default `data.length` of a generated sequence task; None for other data.
        sources: `(data config) -> [[path, ...], ...]`, the files the config would read now
            (each list one choice the loader may make, in the order it records them), raising
            `DataError` when a file the config names is not there; None for generated data.
    """

    description: str
    task: str | None
    n_classes: Callable[..., int]
    load: Callable[..., Dataset]
    toy: bool
    form: str = "vectors"
    image_size: tuple[int, int] | None = None
    length: int | None = None
    sources: Callable[..., list] | None = None


DATASETS: Registry[DatasetSpec] = Registry("dataset", "datasets")


def load_dataset(cfg, seed: int, image_shape: Callable | None = None) -> Dataset:
    """Loads the dataset `cfg.name` names.

    Args:
        cfg: the data config (`name`, `n_samples`, `noise`, `test_fraction`, `val_fraction`,
            `classes`, `path`, `target`, `task`, `features`, `standardize`, `length`).
        seed: seeds generation, shuffling and subsampling.
        image_shape: `(height, width) -> one example's shape` for image data, a model type's
            (`harness.models.types`); None: flat, as loaded. Other data keeps its shape.

    Returns:
        A `Dataset`, its `fingerprint` set: a loader that reads files records them; data made
        without a file (`cfg.path` unset, no file recorded) is fingerprinted as generated.

    Raises:
        DataError: the name is unknown, or the data cannot be generated or found.
    """
    if cfg.name not in DATASETS:
        raise DataError(f"data.name: {DATASETS.unknown_message(cfg.name)}")
    spec = DATASETS.get(cfg.name)
    data = spec.load(cfg, seed)
    if data.fingerprint is None and cfg.path is None:  # a loader that reads no file: generated
        data = dataclasses.replace(data, fingerprint=fingerprint.generated(cfg.name, seed, cfg))
    if spec.image_size is None:
        return data
    return arrange(data, image_shape(spec.image_size) if image_shape else (-1,), spec.image_size)


def sources_now(cfg) -> list[list[Path]] | None:
    """The files `cfg` would make its data from now, links followed: what a finished run's
    fingerprint must match (`harness.rundir.run.same_data`), so that a re-pointed link, a
    relative `data.path` run from another folder or another `KERAS_HOME` is not the same data.

    Args:
        cfg: the data config.

    Returns:
        The choices of files (see `DatasetSpec.sources`); None for generated data.

    Raises:
        DataError: the name is unknown, or a file or folder the config names is missing (or a
            folder, a pipe where a file should be): checked before anything is touched.
    """
    if cfg.name not in DATASETS:
        raise DataError(f"data.name: {DATASETS.unknown_message(cfg.name)}")
    spec = DATASETS.get(cfg.name)
    return None if spec.sources is None else spec.sources(cfg)


def with_features(data: Dataset, cfg, crosses=None) -> Dataset:
    """`data` with its `x_*` arrays made by a `FeatureMap` (unchanged when there is none).

    Args:
        data: the dataset with its original inputs in `x_*`.
        cfg: the data config: `standardize` (None: on for csv files only).
        crosses: `CROSSES` names over the two original coordinates, or None.

    Returns:
        The `Dataset` the model trains on; `original(split)` gives back the inputs.
    """
    standardize = cfg.standardize if cfg.standardize is not None else cfg.name == "csv"
    if not crosses and not standardize:
        return data
    if crosses:
        for name in crosses:
            if name not in CROSSES:
                raise DataError(f"data.features: {CROSSES.unknown_message(name)}")
        if data.n_features != 2:
            raise DataError(f"data.features: crosses like {crosses[-1]!r} are made from two "
                            f"inputs (x1, x2); {data.name!r} has {data.n_features}; remove "
                            "data.features")
    names = tuple(CROSSES.canonical(n) for n in crosses) if crosses else (
        tuple(f"x{i + 1}" for i in range(data.n_features)))
    fmap = FeatureMap(names, bool(crosses))
    if standardize:
        fmap = fmap.standardized(data.x_train)
    inputs = (data.x_train, data.x_val, data.x_test)
    return dataclasses.replace(data, x_train=fmap(data.x_train), x_val=fmap(data.x_val),
                               x_test=fmap(data.x_test), inputs=inputs, feature_map=fmap)


def _split_off(x: np.ndarray, y: np.ndarray, fraction: float):
    """Splits shuffled arrays into `(rest, part)`, `part` holding round(fraction * n) examples."""
    k = round(len(x) * fraction)
    return (x[k:], y[k:]), (x[:k], y[:k])


def _dataset(name, task, n_classes, train, val, test, cfg) -> Dataset:
    for split, (x, _) in (("train", train), ("validation", val), ("test", test)):
        if len(x) == 0:
            raise DataError(f"data: the {split} split of {name!r} is empty (n_samples="
                            f"{cfg.n_samples}, test_fraction={cfg.test_fraction}, val_fraction="
                            f"{cfg.val_fraction}); use more samples or a larger fraction")
    return Dataset(name, task, n_classes, *train, *val, *test)


def _n_samples(cfg, default: int | None) -> int | None:
    if cfg.n_samples is not None and cfg.n_samples < 1:
        raise DataError(f"data.n_samples: must be at least 1, got {cfg.n_samples}")
    return default if cfg.n_samples is None else cfg.n_samples


def _two_classes(cfg) -> int:
    return 2


def _k_classes(cfg) -> int:
    if cfg.classes < 2:
        raise DataError(f"data.classes: {cfg.name!r} needs at least 2 classes, got {cfg.classes}")
    return cfg.classes


def _no_classes(cfg) -> int:
    return 0


_CLASSES = {"binary": _two_classes, "multiclass": _k_classes, "regression": _no_classes}


def _toy_loader(name: str, task: str, generate: Callable) -> Callable[..., Dataset]:
    def load(cfg, seed: int) -> Dataset:
        if cfg.noise < 0:
            raise DataError(f"data.noise: must be >= 0, got {cfg.noise}")
        n = _n_samples(cfg, DEFAULT_TOY_SAMPLES)
        k = _CLASSES[task](cfg)
        rng = np.random.default_rng(seed)
        args = (k,) if task == "multiclass" else ()
        x, y = generate(rng, n, cfg.noise, *args)
        order = rng.permutation(n)  # generators emit points grouped by class
        rest, test = _split_off(x[order], y[order], cfg.test_fraction)
        train, val = _split_off(*rest, cfg.val_fraction)
        data = dataclasses.replace(_dataset(name, task, k, train, val, test, cfg),
                                   fingerprint=fingerprint.generated(name, seed, cfg))
        return with_features(data, cfg, cfg.features)

    return load


def _sequence_loader(name: str, generate: Callable) -> Callable[..., Dataset]:
    def load(cfg, seed: int) -> Dataset:
        rng = np.random.default_rng(seed)
        # Sequences are drawn independently of each other: split in the order drawn.
        x, y = generate(rng, _n_samples(cfg, DEFAULT_TOY_SAMPLES), cfg.length)
        rest, test = _split_off(x, y, cfg.test_fraction)
        train, val = _split_off(*rest, cfg.val_fraction)
        return with_features(_dataset(name, "regression", 0, train, val, test, cfg), cfg,
                             cfg.features)

    return load


def _image_loader(name: str, read: Callable) -> Callable[..., Dataset]:
    def load(cfg, seed: int) -> Dataset:
        n = _n_samples(cfg, None)
        ((x_pool, y_pool), (x_test, y_test)), files = read(cfg.path)
        # A seeded subset of the official training set; the official test set is kept whole.
        order = np.random.default_rng(seed).permutation(len(x_pool))[:n]
        train, val = _split_off(_pixels(x_pool[order]), _labels(y_pool[order]), cfg.val_fraction)
        test = (_pixels(x_test), _labels(y_test))
        data = _dataset(name, "multiclass", 10, train, val, test, cfg)
        return with_features(dataclasses.replace(data, fingerprint=fingerprint.of_files(files)),
                             cfg, cfg.features)

    return load


def _load_csv(cfg, seed: int) -> Dataset:
    path = Path(cfg.path).expanduser()
    csvfile.check_path(path)
    # Taken before the file is read: a file changed while it is read differs from the record.
    seen = fingerprint.of_files([path])
    task, names, inputs, train, val, test, crosses = csvfile.read_csv(cfg, seed)
    data = _dataset("csv", task, len(names) if names else 0, train, val, test, cfg)
    return with_features(dataclasses.replace(data, class_names=names, input_names=inputs,
                                             fingerprint=seen), cfg, crosses)


def _load_digits(cfg, seed: int) -> Dataset:
    (x, y), files = images.read_digits()
    # No official test set: a seeded split, as for the toys.
    order = np.random.default_rng(seed).permutation(len(x))[:_n_samples(cfg, None)]
    rest, test = _split_off(x[order], y[order], cfg.test_fraction)
    train, val = _split_off(*rest, cfg.val_fraction)
    data = _dataset("digits", "multiclass", 10, train, val, test, cfg)
    return with_features(dataclasses.replace(data, fingerprint=fingerprint.of_files(files)), cfg,
                         cfg.features)


def _pixels(x: np.ndarray) -> np.ndarray:
    # (n, 28, 28) uint8 -> (n, 784) float32 in [0, 1]
    return (x.reshape(len(x), -1) / np.float32(255)).astype(np.float32, copy=False)


def _labels(y: np.ndarray) -> np.ndarray:
    return y.astype(np.int64)


def register_toy(name: str, task: str, generate: Callable, description: str) -> DatasetSpec:
    """Adds a generated dataset; `generate(rng, n, noise[, k]) -> (x, y)` as in `toy.py`."""
    spec = DatasetSpec(description, task, _CLASSES[task], _toy_loader(name, task, generate), True)
    return DATASETS.register(name, spec)


register_toy("circles", "binary", toy.circles,
             "disk inside a ring (TF Playground); the class depends on the radius only")
register_toy("xor", "binary", toy.xor,
             "four quadrants, label = sign(x1 * x2) (TF Playground); needs a hidden layer")
register_toy("gauss", "binary", toy.gauss,
             "two Gaussian blobs (TF Playground); linearly separable")
register_toy("spiral", "binary", toy.spiral,
             "two interleaved spirals (TF Playground); the hardest binary toy")
register_toy("moons", "binary", toy.moons, "two interleaving half circles (like make_moons)")
register_toy("multispiral", "multiclass", toy.multispiral,
             "data.classes spiral arms (CS231n)")
register_toy("blobs", "multiclass", toy.blobs,
             "data.classes Gaussian blobs on a circle")
register_toy("sine", "regression", toy.sine, "1-D regression, y = sin(pi x) + noise")
register_toy("surface", "regression", toy.surface,
             "2-D regression, y = sin(pi x1) cos(pi x2) + noise")

DATASETS.register("mnist", DatasetSpec(
    "handwritten digits, 28 x 28 -> 784 inputs, 10 classes (local IDX files or Keras cache); "
    "conv: 28 x 28 x 1, recurrent: 28 rows of 28", "multiclass", lambda cfg: 10,
    _image_loader("mnist", images.read_mnist), False, "images", (28, 28),
    sources=images.mnist_sources))
DATASETS.register("fashion_mnist", DatasetSpec(
    "Zalando clothing images, 28 x 28 -> 784 inputs, 10 classes (Keras cache or download); "
    "conv and recurrent as mnist", "multiclass", lambda cfg: 10,
    _image_loader("fashion_mnist", images.read_fashion_mnist), False, "images", (28, 28),
    sources=images.fashion_mnist_sources),
    aliases=("fashion-mnist",))
DATASETS.register("digits", DatasetSpec(
    "scikit-learn's bundled digits, 8 x 8 -> 64 inputs, 10 classes, 1,797 images (no download); "
    "conv: 8 x 8 x 1, recurrent: 8 rows of 8", "multiclass", lambda cfg: 10, _load_digits, False,
    "images", (8, 8), sources=images.digits_sources))
DATASETS.register("adding", DatasetSpec(
    "the adding problem (Hochreiter & Schmidhuber 1997): data.length steps of (value, marker), "
    "target the sum of the two marked values; recurrent models", "regression", lambda cfg: 0,
    _sequence_loader("adding", sequences.adding), False, "sequences", length=50))
DATASETS.register("csv", DatasetSpec(
    "your own csv file: data.path, data.target (task inferred, or data.task), data.features",
    None, lambda cfg: None, _load_csv, False, sources=csvfile.sources))
