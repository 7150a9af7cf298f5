"""Atomic file writes: a killed process never leaves a half-written file behind.

Each file is written to a temporary file in the same folder, flushed, and renamed over the target
with `os.replace`, which is atomic on POSIX and Windows.
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


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Writes `data` to `path` atomically and returns the path."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are for sharing
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
        except BaseException:
            os.ftruncate(fd, size)  # no partial line (and, on a full disk, the space back)
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


# The one folder rule: a command writes only into a folder it made. A folder is a command's when it
# holds MARKER naming the command's kind of folder, or nothing but hidden files, or the files that
# only that command writes together (every pattern matches: folders written before markers, and a
# run folder, whose meta.json is written first). One file alone is not enough: a user's folder may
# hold a runs.csv of their own.
MARKER = ".harness"
KINDS = {"run": ("meta.json",), "sweep": ("runs.csv", "*/meta.json"),
         "compare": ("compare.csv", "compare_*.png"),
         "activations": ("activations.csv", "activations.png"),
         "tensorboard": ("events.out.tfevents.*", "*/events.out.tfevents.*"),
         "preflight": ("preflight.json", "lr_range.csv"), "theory": ("theory.csv", "phase.png"),
         "lessons": (".src", ".doctrees")}


def kinds_of(path: str | os.PathLike) -> set[str]:
    """The kinds of harness folder (`KINDS`) that `path` is, by its marker and its files."""
    path = Path(path)
    return {k for k, files in KINDS.items()
            if k in _marked(path) or all(any(path.glob(f)) for f in files)}


def _marked(path: Path) -> set[str]:
    try:
        return set((path / MARKER).read_text(encoding="utf-8").split()) & set(KINDS)
    except (OSError, UnicodeDecodeError):
        return set()


def check_ours(path: str | os.PathLike, kind: str, flag: str = "--out", force: bool = False,
               example: str = "results/x") -> Path:
    """`check_folder`, and the one folder rule: `path` must be new, empty or a `kind` folder.

    Every command that writes a folder calls this before it computes anything, and `mark_ours`
    when it creates the folder, so that it never overwrites a user's files (a `report.html`, a
    `runs.csv`) nor another command's (`compare --out` into a run folder would replace its report).

    Args:
        path: the folder (it need not exist yet).
        kind: the command's kind of folder, a `KINDS` key.
        flag: the option that gave it, for the message.
        force: write into it anyway (its files stay, except those of the same names).
        example: a folder to suggest.

    Returns:
        `path` as a Path.

    Raises:
        HarnessError: `path` cannot be written (`check_folder`), or holds files that are not a
            `kind` folder's and `force` is not set.
    """
    from harness.errors import HarnessError

    path = check_folder(path, flag, example)
    if force or not path.is_dir() or kind in kinds_of(path):
        return path
    names = sorted(p.name for p in path.iterdir() if not p.name.startswith("."))
    if not names:
        return path
    other = sorted(kinds_of(path))
    what = (f"is a harness {' and '.join(other)} folder, not a {kind} folder" if other else
            f"holds files that no harness {kind} wrote ({', '.join(names[:3])}"
            f"{', ...' if len(names) > 3 else ''})")
    raise HarnessError(f"{flag} {path}: the folder {what}, which the {kind} could overwrite; "
                       "give a new or empty folder, or add --force to write into it anyway")


def mark_ours(path: str | os.PathLike, kind: str) -> Path:
    """Creates the folder `path` if needed and marks it as a `kind` folder (`check_ours`)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    marked = _marked(path)
    if kind not in marked:
        write_text(path / MARKER, "".join(f"{k}\n" for k in sorted(marked | {kind})))
    return path


def write_figure(path: str | os.PathLike, figure, dpi: int = 110) -> Path:
    """Saves a matplotlib figure as PNG atomically."""
    import io

    buffer = io.BytesIO()
    # Figures use constrained layout: no "tight" redraw.
    figure.savefig(buffer, format="png", dpi=dpi)
    return write_bytes(path, buffer.getvalue())
