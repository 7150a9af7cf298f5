"""Run folders made ready for a run to write: a new one, locked, an earlier run's files cleared.

`harness.training.lifecycle.open_run` locks and clears the folder before a run writes its first
file; a sweep locks each point's folder while it trains it (`harness.sweeps.claims`).
"""

import os
import shutil
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from harness.errors import HarnessError

RESULTS = Path("results")  # runs and sweeps go to results/<name>/ unless --out says otherwise


def is_run_folder(path: str | os.PathLike) -> bool:
    """True when `path` holds a run's `meta.json` (the first file a run writes)."""
    return (Path(path) / "meta.json").is_file()


# What a run writes (other files may come with new statistics): cleared before a rerun, so that
# nothing from the previous run (a `surface.csv` of another dataset) reaches the new report.
RUN_FILES = (".csv", ".json", ".yaml", ".png", ".gif", ".html")
RUN_FOLDERS = ("tensorboard",)  # `--tensorboard`'s event files, rebuilt from the run's files


def clear_run_files(path: str | os.PathLike) -> None:
    """Removes a previous run's files from its folder (and temporary files it left behind)."""
    for item in Path(path).iterdir():
        temporary = item.name.startswith(".") and item.name.endswith(".tmp")
        if item.is_file() and (item.suffix in RUN_FILES and not item.name.startswith(".")
                               or temporary):
            item.unlink(missing_ok=True)
        elif item.is_dir() and item.name in RUN_FOLDERS:
            shutil.rmtree(item, ignore_errors=True)


_HELD: dict[Path, int] = {}


@contextmanager
def lock_folder(path: str | os.PathLike):
    """Locks a run folder for this process; yields False if another process holds it.

    An `flock` on `path/.lock`: the kernel drops it when its holder exits, even by SIGKILL, so a
    killed run never blocks the next one. Re-entrant within a process (a sweep holds the folder
    while `harness.training.runner.run` writes it).
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    try:
        import fcntl
    except ImportError:  # Windows: no protection against a second writer
        yield True
        return
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield True
        finally:
            _HELD[key] -= 1
        return
    with open(path / ".lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _HELD[key] = 1
        try:
            yield True
        finally:
            del _HELD[key]
            fcntl.flock(f, fcntl.LOCK_UN)


def new_run_dir(root: str | os.PathLike, label: str) -> Path:
    """Creates and returns a fresh folder `root/<label>-<time>` (suffixed `-2`, `-3` if taken)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{label}-{datetime.now():%Y%m%d-%H%M%S}"
    for n in range(1, 10_000):
        candidate = root / (stem if n == 1 else f"{stem}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise HarnessError(f"{root}: could not create a new run folder")
