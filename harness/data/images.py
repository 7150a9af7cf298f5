"""MNIST and Fashion-MNIST from local IDX files or Keras' cache, and scikit-learn's digits: offline.

Both loaders return the official split as uint8 arrays, `(x_train, y_train), (x_test, y_test)`
with images `(n, 28, 28)` and labels `(n,)`, like `keras.datasets.mnist.load_data()`.
Keras is imported only when a download is needed or its cached `mnist.npz` is used.
"""

import gzip
import os
import tempfile
import zlib
from pathlib import Path

import numpy as np

from harness.errors import DataError

IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_FILE_LIST = ", ".join(f"{name}.gz" for name in IDX_FILES)
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049
MAX_BYTES = 200_000_000  # MNIST's largest file holds 47 MB; a header promising more is damaged


def keras_home() -> Path:
    """The folder Keras caches downloads in, resolved as `keras.utils.get_file` does.

    That is `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` when the home folder is not writable),
    and `/tmp/.keras` when the chosen folder is not writable. Keras reads `KERAS_HOME` once, when
    it is imported; this reads it on every call.
    """
    if "KERAS_HOME" in os.environ:
        base = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    base = os.path.expanduser(base)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return Path(base)


def _find(folder: Path, name: str) -> Path | None:
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def has_idx_files(folder: Path) -> bool:
    """Whether `folder` holds all four IDX files, gzipped or raw."""
    return all(_find(folder, name) is not None for name in IDX_FILES)


def read_idx(path: Path) -> np.ndarray:
    """Reads one MNIST-style IDX file (gzipped when its name ends in `.gz`).

    Args:
        path: an images file (magic 2051, 28 x 28 uint8 images) or a labels file (magic 2049).

    Returns:
        uint8 array, `(n, 28, 28)` for images or `(n,)` for labels.

    Raises:
        DataError: the file is not gzip, has the wrong magic number, or its size does not match
            its header (a truncated download, or more data than promised: read no further).
    """
    fix = f"{path}: {{}}; delete it and download it again"
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as f:
            head = f.read(16)
            shape, offset = _header(head, fix)
            expected = offset + int(np.prod(shape))
            # Read no more than the header promises (plus one byte to tell a longer file): a
            # small gzip member can decompress into gigabytes.
            data = head + f.read(min(expected, MAX_BYTES) - len(head) + 1)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(fix.format(f"cannot read it ({e})")) from None
    if len(data) < min(expected, MAX_BYTES):
        raise DataError(fix.format(f"{len(data)} bytes where its header promises {expected}"))
    if len(data) > expected or expected > MAX_BYTES:
        raise DataError(fix.format(f"it holds more than the {min(expected, MAX_BYTES)} bytes "
                                   "its header promises, or an MNIST file holds"))
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def _header(head: bytes, fix: str) -> tuple[tuple, int]:
    """(array shape, header bytes) from the first 16 bytes of an IDX file."""
    # Big-endian uint32 header: magic, count, then rows and cols for images.
    header = np.frombuffer(head[: len(head) // 4 * 4], dtype=">u4").tolist()
    magic = header[0] if header else None
    if magic == _IMAGES_MAGIC and len(header) == 4:
        count, rows, cols = header[1:]
        if (rows, cols) != (28, 28):
            raise DataError(fix.format(f"images are {rows} x {cols}, expected 28 x 28"))
        return (count, rows, cols), 16
    if magic == _LABELS_MAGIC and len(header) >= 2:
        return (header[1],), 8
    raise DataError(fix.format(f"not an IDX images or labels file (magic number {magic})"))


def read_idx_folder(folder: Path):
    """Reads the four IDX files in `folder` as `(x_train, y_train), (x_test, y_test)`."""
    x_train, y_train, x_test, y_test = (read_idx(_find(folder, name)) for name in IDX_FILES)
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "t10k")):
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise DataError(f"{folder}: the {split} images and labels files do not match "
                            f"({x.shape} and {y.shape}); download both again")
        if y.max(initial=0) > 9:
            raise DataError(f"{folder}: {split} labels go up to {y.max()}, expected 0-9; "
                            "download the labels file again")
    return (x_train, y_train), (x_test, y_test)


def idx_files(folder: Path) -> list[Path]:
    """The four IDX files of `folder` (gzipped or raw) that `read_idx_folder` reads."""
    return [p for p in (_find(folder, name) for name in IDX_FILES) if p is not None]


def _existing(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.is_file()]


def _from_path(path: str):
    folder = _idx_folder(path)
    return read_idx_folder(folder), idx_files(folder)


def _idx_folder(path: str) -> Path:
    """`data.path` as a folder holding the four IDX files, or a `DataError` saying what lacks."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DataError(f"data.path: folder {folder} does not exist; point it to the folder "
                        f"holding {_FILE_LIST} (gzipped or not)")
    missing = [name for name in IDX_FILES if _find(folder, name) is None]
    if missing:
        raise DataError(f"data.path: {folder} has no {missing[0]}(.gz); the folder needs "
                        f"{_FILE_LIST} (gzipped or not)")
    return folder


def _resolved(paths: list[Path]) -> list[Path]:
    return [p.resolve() for p in paths]


def mnist_sources(cfg) -> list[list[Path]]:
    """The files an MNIST config would read now, as `read_mnist` chooses them: `data.path`'s
    IDX files, else Keras' `mnist.npz` or the IDX files under the current `KERAS_HOME` (either,
    as `read_mnist` falls back from a stale npz to them); [] when a download would be needed.

    Raises:
        DataError: `data.path` is set and does not hold the four files.
    """
    if cfg.path is not None:
        return [_resolved(idx_files(_idx_folder(cfg.path)))]
    datasets = keras_home() / "datasets"
    choices = []
    if (datasets / "mnist.npz").is_file():
        choices.append(_resolved([datasets / "mnist.npz"]))
    if has_idx_files(datasets / "mnist"):
        choices.append(_resolved(idx_files(datasets / "mnist")))
    return choices


def fashion_mnist_sources(cfg) -> list[list[Path]]:
    """The files a Fashion-MNIST config would read now (see `mnist_sources`)."""
    if cfg.path is not None:
        return [_resolved(idx_files(_idx_folder(cfg.path)))]
    folder = keras_home() / "datasets" / "fashion-mnist"
    return [_resolved(idx_files(folder))] if has_idx_files(folder) else []


def digits_sources(cfg) -> list[list[Path]]:
    """The file scikit-learn's digits are read from, as `read_digits` records it."""
    try:
        from importlib.resources import files

        source = Path(str(files("sklearn.datasets") / "data" / "digits.csv.gz"))
    except ImportError:
        return []
    return [_resolved(_existing([source]))]


def _keras_load(module: str):
    """Keras' loader of `module` (a cached file, or a download), Keras imported as every run
    imports it (`harness.base.backend.load`): TensorFlow's start-up lines hidden, so that a
    failed download prints its one `error:` line and no noise before it."""
    from harness.base.backend import load

    return getattr(load().datasets, module).load_data()


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__


def load_mnist(path: str | None = None):
    """Loads MNIST from `path`, else Keras' cache, else a Keras download.

    Args:
        path: a folder with the four IDX files; when given, only this folder is used.

    Returns:
        `(x_train, y_train), (x_test, y_test)` as uint8 arrays (60,000 and 10,000 images).
    """
    return read_mnist(path)[0]


def read_mnist(path: str | None = None):
    """As `load_mnist`, and the files the arrays were read from.

    Returns:
        `(arrays, files)`: the arrays as `load_mnist` returns them, and the paths read (the
        four IDX files, or Keras' `mnist.npz`), for the run's data fingerprint.
    """
    if path is not None:
        return _from_path(path)
    datasets = keras_home() / "datasets"
    failure = None
    if (datasets / "mnist.npz").is_file():
        try:
            return _keras_load("mnist"), _existing([datasets / "mnist.npz"])
        except Exception as e:  # A stale npz fails Keras' hash check and Keras tries to download.
            failure = e
    if has_idx_files(datasets / "mnist"):
        return read_idx_folder(datasets / "mnist"), idx_files(datasets / "mnist")
    if failure is None:
        try:
            return _keras_load("mnist"), _existing([datasets / "mnist.npz"])
        except Exception as e:  # Keras raises a bare Exception when the download fails.
            failure = e
    raise DataError(f"MNIST is not on this machine and the download failed "
                    f"({_first_line(failure)}); "
                    f"put {_FILE_LIST} in {datasets / 'mnist'} or set data.path to their folder")


def load_fashion_mnist(path: str | None = None):
    """Loads Fashion-MNIST from `path`, else Keras' cache folder, else a Keras download.

    Keras keeps the four gzipped IDX files in `$KERAS_HOME/datasets/fashion-mnist/` and uses them
    offline; they are read here directly so that a truncated file gets a clear error.

    Args:
        path: a folder with the four IDX files; when given, only this folder is used.

    Returns:
        `(x_train, y_train), (x_test, y_test)` as uint8 arrays (60,000 and 10,000 images).
    """
    return read_fashion_mnist(path)[0]


def read_fashion_mnist(path: str | None = None):
    """As `load_fashion_mnist`, and the four IDX files read (see `read_mnist`)."""
    if path is not None:
        return _from_path(path)
    folder = keras_home() / "datasets" / "fashion-mnist"
    if not has_idx_files(folder):
        try:
            arrays = _keras_load("fashion_mnist")  # downloads the four files into `folder`
        except Exception as e:  # Keras raises a bare Exception when the download fails.
            raise DataError(f"Fashion-MNIST is not on this machine and the download failed "
                            f"({_first_line(e)}); put {_FILE_LIST} from "
                            f"https://github.com/zalandoresearch/fashion-mnist in {folder} "
                            f"or set data.path to their folder") from None
        if not has_idx_files(folder):  # Keras cached them elsewhere
            return arrays, []
    return read_idx_folder(folder), idx_files(folder)


def load_digits():
    """scikit-learn's bundled 8 x 8 digits (1,797 images, shipped with the package: no download).

    Returns:
        `(x, y)`: float32 `(1797, 64)` pixels in [0, 1] (row-major), int64 labels `(1797,)`.
    """
    return read_digits()[0]


def read_digits():
    """As `load_digits`, and the file scikit-learn read them from (`((x, y), files)`)."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise DataError("data.name: digits comes with scikit-learn, which is not installed; "
                        "pip install 'scikit-learn>=1.5,<2'") from None
    bunch = sklearn_digits()
    from importlib.resources import files

    source = Path(str(files("sklearn.datasets") / "data" / "digits.csv.gz"))
    # Pixel values are 0..16 (counts of set bits in 4 x 4 blocks of the original 32 x 32 scans).
    return ((bunch.data / 16).astype(np.float32), bunch.target.astype(np.int64)), _existing(
        [source])
