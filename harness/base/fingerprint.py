"""What data a run saw: a fingerprint of every file it read, or of how its data was generated.

A run records its dataset's fingerprint in `meta.json` (`"data"`); a resumed sweep compares it with
the files its config would read now (`harness.rundir.run.same_data`, `differs`), so that a csv
file edited since a run was trained, or another file reached through a link, a relative path or
another `KERAS_HOME`, is trained on again rather than reported with the old numbers.

- Files read (csv, MNIST / Fashion-MNIST IDX files, Keras' `mnist.npz`, scikit-learn's digits):
  `{"files": [{"path", "bytes", "mtime", "sha256"}, ...]}`, the path absolute.
- Generated data (the toys): `{"generated": name, "seed": seed, "config": {...}}`; the same
  config and seed generate the same arrays, so there is nothing to hash.

A file's content decides: one of the same size whose SHA-256 is the recorded one is the same file
even if it was touched. Hashes are remembered per process by (size, mtime, inode), so a sweep hashes
each file once, not once per run (about 0.1 s for MNIST's 55 MB).

Example:
    >>> fp = of_files([Path("my.csv")])
    >>> changed(fp["files"][0]) is None     # the file is as recorded
    True
"""

import hashlib
import os
from datetime import datetime
from pathlib import Path

_HASHES: dict[tuple, str] = {}


def of_files(paths) -> dict:
    """The fingerprint of data read from `paths` (each an existing file)."""
    return {"files": [_entry(Path(p)) for p in paths]}


def generated(name: str, seed: int, cfg) -> dict:
    """The fingerprint of generated data: its name, seed and data config (nothing to hash)."""
    config = cfg.model_dump(mode="json") if hasattr(cfg, "model_dump") else dict(vars(cfg))
    return {"generated": name, "seed": seed, "config": config}


def differs(entries: list, paths: list) -> tuple[str, str] | None:
    """How the files a config would read now differ from those a run read, or None.

    The content decides, not the name: the file at each path now (a link re-pointed, a relative
    path from another folder, another `KERAS_HOME`) must hold the bytes the run read.

    Args:
        entries: a fingerprint's `"files"`, as recorded.
        paths: the files the config would read now, in the order the loader records them.

    Returns:
        None when each file holds its recorded bytes; else (the file, how it differs), e.g.
        `("data file /d/b.csv (was /d/a.csv)", "changed since (same size, other content)")`.
    """
    if len(entries) != len(paths):
        return (f"data files ({', '.join(str(p) for p in paths) or 'none'})",
                f"are {len(paths)} where the run read {len(entries)}")
    for entry, path in zip(entries, paths):
        was = str(entry.get("path")) if isinstance(entry, dict) else "?"
        change = changed(entry, path) if isinstance(entry, dict) else "was not recorded"
        if change is not None:
            return (f"data file {path}" + ("" if str(path) == was else f" (was {was})"), change)
    return None


def changed(entry: dict, path: str | os.PathLike | None = None) -> str | None:
    """How a file differs from a fingerprint entry now, or None when it does not.

    Args:
        entry: one item of a fingerprint's `"files"`.
        path: the file to compare; None: the one the entry names.

    Returns:
        `"is gone"`, `"changed since (1,240 bytes, was 1,234)"`, `"changed since (same size,
        other content)"`, or None when the file holds the bytes it held when recorded.
    """
    path = Path(str(entry.get("path") if path is None else path))
    try:
        size = path.stat().st_size
    except OSError:
        return "is gone"
    was = entry.get("bytes")
    if size != was:
        return f"changed since ({size:,} bytes, was {was:,})" if isinstance(was, int) else (
            "changed since (its size was not recorded)")
    try:
        digest = _sha256(path)
    except OSError as e:
        return f"cannot be read now ({e.strerror or e})"
    return None if digest == entry.get("sha256") else "changed since (same size, other content)"


def _entry(path: Path) -> dict:
    path = path.expanduser().resolve()
    stat = path.stat()
    return {"path": str(path), "bytes": stat.st_size,
            "mtime": datetime.fromtimestamp(stat.st_mtime).isoformat(timespec="seconds"),
            "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    stat = os.stat(path)
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
    if key not in _HASHES:
        with open(path, "rb") as f:
            _HASHES[key] = hashlib.file_digest(f, "sha256").hexdigest()
    return _HASHES[key]
