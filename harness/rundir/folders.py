"""Run folders made ready for a run to write: a new one, locked, an earlier run's files cleared.

`harness.training.lifecycle.open_run` locks and clears the folder (`open_run_folder`) before a run
writes its first file; a sweep locks each point's folder while it trains it
(`harness.sweeps.claims`).
"""

import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from harness.base.files import LOCK
from harness.base.owned import check_markers, clear_ours, mark_ours
from harness.errors import HarnessError

RESULTS = Path("results")  # runs and sweeps go to results/<name>/ unless --out says otherwise


def open_run_folder(path: str | os.PathLike) -> Path:
    """Makes `path` ready for a new run: the earlier run's files cleared, marked a run folder.

    Only what the folder's marker records as the harness's is removed (`harness.base.owned`):
    files a user keeps there stay, and nothing of the previous run (a `surface.csv` of another
    dataset) reaches the new report. The marker then says `run` and nothing else: a `compare
    --force` that wrote here before is not there any more.

    Raises:
        HarnessError: an earlier file cannot be removed (its `summary.json` goes first, so the
            folder never claims a finished run it no longer holds).
    """
    path = Path(path)
    check_markers(path)
    clear_ours(path, "the earlier run")
    return mark_ours(path, "run", only=True)


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
    check_markers(path)
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
    with open(path / LOCK, "w") as f:
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
