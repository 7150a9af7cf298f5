"""Atomic file writes: a killed process never leaves a half-written file behind.

Each file is written to a temporary file in the same folder, flushed, and renamed over the target
with `os.replace`, which is atomic on POSIX and Windows. In a folder the harness marked as its own
(`.harness`, `harness.base.owned`), the file's name is noted in the marker before the file is
written: the marker names every file the harness wrote there, and only those may be removed.
"""

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import yaml

_UMASK = os.umask(0)
os.umask(_UMASK)


# What the harness wrote, folder by folder: its marker (`harness.base.owned` holds the folder rule
# and the one remover). Kept here because every atomic write notes its file in it first.
MARKER = ".harness"
LOCK = ".lock"
KINDS = ("run", "sweep", "compare", "activations", "tensorboard", "preflight", "theory",
         "gallery", "lessons")


def read_marker(path: str | os.PathLike) -> dict | None:
    """The marker of folder `path`: `{"kinds": [...], "files": [...]}`, or None when unmarked.

    A marker from before file lists (kind names one per line) has no files: nothing in that
    folder is cleared. A marker that is a folder or unreadable is refused by `check_ours`.
    """
    marker = Path(path) / MARKER
    try:  # read every time (a few microseconds): another process may have just written it
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = {"kinds": text.split(), "files": []}
    if not isinstance(data, dict):
        return None
    kinds = [k for k in data.get("kinds", []) if k in KINDS]
    files = [f for f in data.get("files", []) if isinstance(f, str) and plain_name(f)]
    return {"kinds": kinds, "files": files}


def plain_name(name: str) -> bool:
    """A marker names files inside its own folder only: no path, no `..` (a hand-edited marker
    must not make the harness delete elsewhere)."""
    return name not in ("", ".", "..", MARKER, LOCK) and "/" not in name and "\\" not in name


def write_marker(path: Path, kinds, files) -> None:
    """Writes folder `path`'s marker: its kinds, and the files the harness wrote, in order."""
    data = {"kinds": sorted(set(kinds)), "files": list(dict.fromkeys(files))}
    write_text(path / MARKER, json.dumps(data, indent=1) + "\n")


def note_written(path: str | os.PathLike) -> None:
    """Records in the marker of `path`'s folder that the harness writes `path` (before it does).

    Called by every atomic write; a folder without a marker (not the harness's) records nothing.
    """
    path = Path(path)
    if path.name.startswith(".") or not plain_name(path.name):
        return  # the marker, the lock and temporary files
    marker = read_marker(path.parent)
    if marker is not None and path.name not in marker["files"]:
        write_marker(path.parent, marker["kinds"], [*marker["files"], path.name])


def remove_temporary(path: str | os.PathLike) -> None:
    """Removes a temporary file or folder the calling code itself just made (`tempfile.mkstemp`,
    `mkdtemp`: a name no user file has); the only deletion outside a marker's record."""
    path = Path(path)
    if not path.name.startswith("."):  # every temporary name here is hidden; a result is not
        raise ValueError(f"{path}: not a temporary name")
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Writes `data` to `path` atomically and returns the path.

    In a folder the harness marked as its own, the file's name goes into the marker first
    (`harness.base.owned.note_written`): what the harness wrote is what it may clear later.

    Raises:
        HarnessError: `path` is a folder (a user's, or a damaged run folder's).
    """
    from harness.errors import HarnessError

    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise HarnessError(f"{path}: is a folder where the harness writes a file; remove or "
                           "rename it, or give another folder")
    note_written(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are for sharing
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        remove_temporary(tmp)
        _name(e, path)
        raise
    return path


def _name(error: BaseException, path: Path) -> None:
    """Names the file a failed write was writing (a bare `write` leaves it out), for the one
    `error:` line that reports it."""
    if isinstance(error, OSError) and error.filename is None:
        error.filename = str(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike, obj) -> Path:
    """Writes strict JSON: NaN and infinities (e.g. an undefined ratio) become null."""
    return write_text(path, json.dumps(_strict(obj), indent=2, allow_nan=False, default=str) + "\n")


def _strict(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_strict(v) for v in obj]
    return obj


def write_yaml(path: str | os.PathLike, obj) -> Path:
    return write_text(path, yaml.safe_dump(obj, sort_keys=False, allow_unicode=True))


def write_csv(path: str | os.PathLike, frame, float_format: str | None = None) -> Path:
    """Writes a pandas DataFrame without its index; floats keep full precision unless
    `float_format` (e.g. `"%.4g"`) says otherwise."""
    return write_text(path, frame.to_csv(index=False, lineterminator="\n",
                                         float_format=float_format))


def append_csv(path: str | os.PathLike, frame, float_format: str | None = None) -> Path:
    """Appends the rows of `frame` to the CSV at `path` (with a header when the file is new);
    `float_format` as in `write_csv`.

    For files that grow every chunk of epochs (`history.csv`, `layers.csv`): rewriting them would
    cost time in the length of the run. The rows go in one write and are flushed to disk; a write
    that fails is cut back off, and a process killed mid-write can leave a partial last line,
    which `harness.rundir.run` drops when reading.
    """
    path = Path(path)
    if not path.exists():
        return write_csv(path, frame, float_format)
    text = frame.to_csv(index=False, header=False, lineterminator="\n",
                        float_format=float_format).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        size = os.fstat(fd).st_size
        try:
            view = memoryview(text)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException as e:
            os.ftruncate(fd, size)  # no partial line (and, on a full disk, the space back)
            _name(e, path)
            raise
    finally:
        os.close(fd)
    return path


MIN_FREE = 2**20  # bytes: below this a run cannot even write its first epochs


def check_folder(path: str | os.PathLike, flag: str = "--out", example: str = "results/x") -> Path:
    """Checks that `path` can be a folder of results before anything is computed into it.

    Args:
        path: the folder (it need not exist yet).
        flag: the option that gave it, for the message.
        example: a folder to suggest.

    Returns:
        `path` as a Path.

    Raises:
        HarnessError: `path` is empty, a file, read-only, or on a full disk.
    """
    from harness.errors import HarnessError

    if not str(path).strip():
        raise HarnessError(f"{flag}: empty; give a folder, e.g. {flag} {example}")
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise HarnessError(f"{flag} {path}: is a file, not a folder; give a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    try:
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as e:
        raise HarnessError(f"{flag} {path}: cannot write in {existing} ({e.strerror or e}); give "
                           "a folder you can write to") from None
    free = shutil.disk_usage(existing).free
    if free < MIN_FREE:
        raise HarnessError(f"{flag} {path}: the disk holding {existing} is full ({free} bytes "
                           "free); free some space or give a folder on another disk")
    return path


def write_figure(path: str | os.PathLike, figure, dpi: int = 110) -> Path:
    """Saves a matplotlib figure as PNG atomically."""
    import io

    buffer = io.BytesIO()
    # Figures use constrained layout: no "tight" redraw.
    figure.savefig(buffer, format="png", dpi=dpi)
    return write_bytes(path, buffer.getvalue())
