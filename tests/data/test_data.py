"""Tests for harness.data: the generated toys, the IDX reader and the MNIST lookup order."""

import dataclasses
import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from harness.data import images
from harness.data.datasets import DATASETS, load_dataset
from harness.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
TOYS = [name for name, spec in DATASETS.items() if spec.toy]


@dataclasses.dataclass(frozen=True)
class DataCfg:
    name: str = "circles"
    n_samples: int | None = None
    noise: float = 0.1
    test_fraction: float = 0.2
    val_fraction: float = 0.2
    classes: int = 3
    path: str | None = None
    target: str | None = None
    task: str | None = None
    features: list | None = None
    standardize: bool | None = None


def arrays(data):
    return [data.x_train, data.y_train, data.x_val, data.y_val, data.x_test, data.y_test]


def linear_accuracy(x, y):
    """Training accuracy of a least-squares linear classifier: ~1 only if a line separates."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w, *_ = np.linalg.lstsq(design, 2.0 * y - 1.0, rcond=None)
    return np.mean((design @ w > 0) == (y == 1))


# Toys ---------------------------------------------------------------------------------------------

def test_table_lists_every_dataset():
    expected = {"circles", "xor", "gauss", "spiral", "moons", "multispiral", "blobs", "sine",
                "surface", "mnist", "fashion_mnist", "digits", "adding", "csv"}
    assert set(DATASETS) == expected
    assert all(spec.description and "\n" not in spec.description for _, spec in DATASETS.items())


@pytest.mark.parametrize("name", TOYS)
def test_toy_shapes_dtypes_and_splits(name):
    spec = DATASETS.get(name)
    cfg = DataCfg(name=name, classes=5)
    data = load_dataset(cfg, seed=0)
    sizes = [len(data.x_train), len(data.x_val), len(data.x_test)]
    assert sizes == [640, 160, 200]  # default 1000: test 20%, then val 20% of the rest
    assert data.name == name and data.task == spec.task
    assert data.n_classes == spec.n_classes(cfg) == {"binary": 2, "multiclass": 5,
                                                     "regression": 0}[spec.task]
    assert data.n_features == (1 if name == "sine" else 2)
    for x, y in zip(arrays(data)[::2], arrays(data)[1::2]):
        assert x.dtype == np.float32 and x.shape[1] == data.n_features
        assert np.isfinite(x).all() and np.abs(x).max() < 1.6
        if spec.task == "regression":
            assert y.dtype == np.float32 and y.shape == (len(x), 1)
        else:
            assert y.dtype == np.int64 and y.shape == (len(x),)
    if spec.task != "regression":
        labels = np.concatenate([data.y_train, data.y_val, data.y_test])
        assert set(labels.tolist()) == set(range(data.n_classes))
        counts = np.bincount(labels)
        assert counts.max() - counts.min() <= 1  # balanced before splitting


@pytest.mark.parametrize("name", TOYS)
def test_toy_seeds(name):
    cfg = DataCfg(name=name, n_samples=200, noise=0.0)
    first, other = load_dataset(cfg, 3), load_dataset(cfg, 4)
    # Any object with the fields will do.
    again = load_dataset(SimpleNamespace(**dataclasses.asdict(cfg)), 3)
    assert all(np.array_equal(a, b) for a, b in zip(arrays(first), arrays(again)))
    # Points are drawn at random, not only shuffled: another seed gives other points.
    assert not np.array_equal(np.sort(first.x_train, axis=0), np.sort(other.x_train, axis=0))


@pytest.mark.parametrize("name, rule, linear", [
    ("circles", lambda x: np.linalg.norm(x, axis=1) < 0.6, (0.0, 0.7)),
    ("xor", lambda x: x[:, 0] * x[:, 1] > 0, (0.0, 0.7)),
    ("gauss", lambda x: x.sum(axis=1) > 0, (1.0, 1.0)),
    ("spiral", None, (0.0, 0.75)),
])
def test_binary_toys_need_the_right_boundary(name, rule, linear):
    x, y = (lambda d: (d.x_train, d.y_train))(load_dataset(DataCfg(name=name, noise=0.0), 0))
    if rule is not None:
        assert np.array_equal(rule(x), y == 1)
    assert linear[0] <= linear_accuracy(x, y) <= linear[1]
    if name == "xor":
        assert np.abs(x).min() >= 0.05 - 1e-6  # the margin off the axes
    if name == "circles":  # noise 0.1 pushes some of the disk (radius <= 0.5) outwards
        noisy = load_dataset(DataCfg(name=name, noise=0.1), 0)
        assert np.linalg.norm(noisy.x_train[noisy.y_train == 1], axis=1).max() > 0.5


@pytest.mark.parametrize("name, truth", [
    ("sine", lambda x: np.sin(np.pi * x[:, 0])),
    ("surface", lambda x: np.sin(np.pi * x[:, 0]) * np.cos(np.pi * x[:, 1])),
])
def test_regression_targets_follow_the_function_plus_noise(name, truth):
    data = load_dataset(DataCfg(name=name, n_samples=4000, noise=0.1), 0)
    residual = data.y_train[:, 0] - truth(data.x_train)
    assert np.abs(data.x_train).max() <= 1.0
    assert 0.09 < residual.std() < 0.11 and abs(residual.mean()) < 0.01


@pytest.mark.parametrize("cfg, match", [
    (DataCfg(name="circels"), "did you mean 'circles'"),
    (DataCfg(n_samples=3), "validation split .* is empty"),
    (DataCfg(n_samples=0), "data.n_samples"),
    (DataCfg(noise=-0.1), "data.noise"),
    (DataCfg(name="blobs", classes=1), "data.classes: 'blobs' needs at least 2"),
])
def test_bad_config_is_one_clear_error(cfg, match):
    with pytest.raises(DataError, match=match):
        load_dataset(cfg, 0)


def test_import_does_not_load_tensorflow():
    code = ("import sys, harness.data.datasets; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# IDX files and the MNIST lookup order -------------------------------------------------------------

def idx_bytes(array: np.ndarray) -> bytes:
    magic = 2051 if array.ndim == 3 else 2049
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def fake_mnist(seed=0, n_train=50, n_test=20):
    rng = np.random.default_rng(seed)
    x_train, x_test = (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) for n in (n_train, n_test))
    x_train[0, 0, 0] = 255
    return [x_train, np.arange(n_train, dtype=np.uint8) % 10, x_test,
            np.arange(n_test, dtype=np.uint8) % 10]


def write_idx(folder: Path, arrays_, gz=True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(images.IDX_FILES, arrays_):
        data = idx_bytes(array)
        (folder / (name + ".gz" if gz else name)).write_bytes(gzip.compress(data) if gz else data)
    return folder


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def keras_offline(monkeypatch):
    """Imports Keras with its dataset loaders replaced by ones that fail as offline downloads do."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    keras = pytest.importorskip("keras")

    def offline():
        raise Exception("URL fetch failure on https://storage.googleapis.com/: None -- offline")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    return keras


def check_images(data, raw, n_train_val):
    x_train, y_train, x_test, y_test = raw
    assert data.task == "multiclass" and data.n_classes == 10 and data.n_features == 784
    assert len(data.x_train) + len(data.x_val) == n_train_val
    assert np.array_equal(data.x_test, x_test.reshape(-1, 784) / np.float32(255))
    assert np.array_equal(data.y_test, y_test.astype(np.int64))
    for x, y in zip(arrays(data)[::2], arrays(data)[1::2]):
        assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0
        assert y.dtype == np.int64
    # Train and validation rows are rows of the training file, with their own labels.
    rows = {row.tobytes(): label for row, label in zip(x_train.reshape(-1, 784), y_train)}
    pixels = np.rint(np.vstack([data.x_train, data.x_val]) * 255).astype(np.uint8)
    labels = np.concatenate([data.y_train, data.y_val])
    assert [rows[row.tobytes()] for row in pixels] == labels.tolist()


@pytest.mark.parametrize("name, where, gz", [
    ("mnist", "data.path", True),
    ("mnist", "data.path", False),
    ("mnist", "datasets/mnist", True),
    ("fashion-mnist", "datasets/fashion-mnist", True),  # where Keras caches Fashion-MNIST
    ("fashion_mnist", "data.path", False),
])
def test_images_from_idx_files(tmp_path, keras_home, name, where, gz):
    raw = fake_mnist(seed=1)
    folder = write_idx(tmp_path / "files" if where == "data.path" else keras_home / where, raw, gz)
    path = str(folder) if where == "data.path" else None
    check_images(load_dataset(DataCfg(name=name, path=path), 0), raw, 50)
    a, b, c = (load_dataset(DataCfg(name=name, path=path, n_samples=30), s) for s in (1, 1, 2))
    check_images(a, raw, 30)
    assert all(np.array_equal(x, y) for x, y in zip(arrays(a), arrays(b)))
    assert not np.array_equal(a.x_train, c.x_train)  # a seeded subset


def test_keras_home_follows_the_env(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    default = Path.home() / ".keras"
    expected = default if os.access(default, os.W_OK) else Path("/tmp/.keras")
    assert images.keras_home() == expected
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert images.keras_home() == tmp_path


@pytest.mark.parametrize("file, damage, match", [
    ("train-images-idx3-ubyte", lambda data: data[:-100], "header promises"),
    ("train-images-idx3-ubyte", lambda data: b"\0\0\x08\x04" + data[4:], "magic number 2052"),
    ("train-labels-idx1-ubyte", lambda data: data[:3], "magic number None"),
    ("t10k-labels-idx1-ubyte.gz", lambda gz: gz[: len(gz) // 2], "cannot read it"),
    ("t10k-images-idx3-ubyte.gz", lambda gz: b"not gzip" + gz, "cannot read it"),
])
def test_damaged_idx_file_is_named(keras_home, file, damage, match):
    folder = keras_home / "datasets" / "mnist"
    write_idx(folder, fake_mnist(), gz=file.endswith(".gz"))
    bad = folder / file
    bad.write_bytes(damage(bad.read_bytes()))
    with pytest.raises(DataError, match=match) as error:
        load_dataset(DataCfg(name="mnist"), 0)
    assert str(bad) in str(error.value) and "download it again" in str(error.value)


def test_data_path_missing_a_file(tmp_path):
    folder = write_idx(tmp_path / "m", fake_mnist())
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="data.path: .* has no t10k-labels-idx1-ubyte"):
        load_dataset(DataCfg(name="mnist", path=str(folder)), 0)
    with pytest.raises(DataError, match="data.path: folder .* does not exist"):
        load_dataset(DataCfg(name="mnist", path=str(folder / "nope")), 0)


@pytest.mark.parametrize("name, stale_npz", [("mnist", False), ("mnist", True),
                                             ("fashion_mnist", False)])
def test_nowhere_and_offline_says_where_to_put_the_files(keras_home, keras_offline, name,
                                                         stale_npz):
    folder = keras_home / "datasets" / name.replace("_", "-")
    folder.mkdir(parents=True)
    if stale_npz:  # fails Keras' hash check, and then Keras tries to download
        (keras_home / "datasets" / "mnist.npz").write_bytes(b"stale")
    with pytest.raises(DataError) as error:
        load_dataset(DataCfg(name=name), 0)
    message = str(error.value)
    assert "\n" not in message and "URL fetch failure" in message
    assert all(part in message for part in (str(folder), *images.IDX_FILES, "data.path"))


@pytest.mark.parametrize("npz_works", [True, False])
def test_cached_mnist_npz_goes_through_keras(keras_home, keras_offline, monkeypatch, npz_works):
    raw, idx = fake_mnist(seed=2), fake_mnist(seed=3)
    write_idx(keras_home / "datasets" / "mnist", idx)
    (keras_home / "datasets" / "mnist.npz").write_bytes(b"cached")
    if npz_works:
        monkeypatch.setattr(keras_offline.datasets.mnist, "load_data",
                            lambda: ((raw[0], raw[1]), (raw[2], raw[3])))
    # A working npz wins over the IDX files; a stale one falls back to them.
    check_images(load_dataset(DataCfg(name="mnist"), 0), raw if npz_works else idx, 50)


@pytest.mark.slow
def test_fashion_mnist_folder_is_where_keras_looks(keras_home):
    """Keras' own loader, in a fresh process without network, reads the same files we do."""
    raw = fake_mnist(seed=6)
    write_idx(keras_home / "datasets" / "fashion-mnist", raw)
    code = textwrap.dedent("""
        import os, socket, sys
        import numpy as np
        def no_network(*args, **kwargs):
            raise OSError("network disabled in tests")
        socket.create_connection = socket.getaddrinfo = no_network
        os.environ["KERAS_BACKEND"] = "tensorflow"
        import keras
        from keras.src.backend.config import keras_home
        from harness.data import images
        assert images.keras_home() == images.Path(keras_home()), keras_home()
        ours, theirs = images.load_fashion_mnist(), keras.datasets.fashion_mnist.load_data()
        assert all(np.array_equal(a, b) for a, b in zip(sum(ours, ()), sum(theirs, ())))
        print("same")
    """)
    env = {**os.environ, "KERAS_HOME": str(keras_home), "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True)
    assert out.stdout.strip() == "same", out.stderr[-2000:]


def test_real_mnist_when_present():
    folder = images.keras_home() / "datasets" / "mnist"
    if not images.has_idx_files(folder):
        pytest.skip(f"no MNIST IDX files in {folder}")
    data = load_dataset(DataCfg(name="mnist", n_samples=2000), 0)
    assert data.x_test.shape == (10000, 784) and data.y_test.shape == (10000,)
    assert len(data.x_train) + len(data.x_val) == 2000 and data.n_features == 784
    assert data.x_train.min() == 0.0 and data.x_train.max() == 1.0
    assert set(data.y_test.tolist()) == set(range(10)) == set(data.y_train.tolist())
