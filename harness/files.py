"""Atomic file writes: a killed process never leaves a half-written file behind.

Each file is written to a temporary file in the same folder, flushed, and renamed over the target
with `os.replace`, which is atomic on POSIX and Windows.
"""

import json
import math
import os
import signal
import tempfile
import threading
from contextlib import contextmanager
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


def write_figure(path: str | os.PathLike, figure, dpi: int = 110) -> Path:
    """Saves a matplotlib figure as PNG atomically."""
    import io

    buffer = io.BytesIO()
    # Figures use constrained layout: no "tight" redraw.
    figure.savefig(buffer, format="png", dpi=dpi)
    return write_bytes(path, buffer.getvalue())


@contextmanager
def deferred_interrupt():
    """Holds Ctrl-C (SIGINT) back until the block ends, then raises it.

    For files written as a set (`history.csv` and `layers.csv` describe the same epochs): each write
    is atomic, and this keeps an interrupt from landing between them. Outside the main thread,
    where Python cannot install signal handlers, it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt
