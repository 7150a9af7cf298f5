"""The one loop that trains a sweep's runs, whatever trains them: claim -> skip -> train -> report
-> progress line.

An executor only says how a point is trained: here, one after another (`sequential.InProcess`),
in local worker processes (`parallel.Processes`, `--jobs N`) or on Ray actors
(`ray_executor.OnRay`). `train_points` hands each free worker slot its next point (`CellQueue`),
claims the point's folder first (`claims.claim_run`), collects the runs that ended, releases their
folders, queues their reports and prints one line per run with an ETA. On Ctrl-C or SIGTERM it
asks the executor to stop its running points, and always lets it release its workers.
"""

import math
import signal
import threading
import time
from pathlib import Path
from typing import NamedTuple, Protocol

from harness.base.stops import raise_swallowed_stop, sticky_stops
from harness.sweeps.claims import claim_run


class Ended(NamedTuple):
    """A point that an executor trained (or failed to).

    Attributes:
        slot: the worker slot it was submitted to.
        status: the run's status (`completed`, `diverged`, `interrupted`, `failed`).
        error: one line saying why it failed, or None.
        seconds: the run's own wall time where the worker measured it (Ray); None: the time
            from submission to collection is shown.
    """

    slot: int
    status: str
    error: str | None
    seconds: float | None = None


class Executor(Protocol):
    """How a sweep's points are trained; `train_points` is the loop around it.

    Attributes:
        in_order: True for an executor that trains the points one at a time in the experiment's
            order: the progress lines then number every point by its place, and name the complete
            ones as they are passed ("complete already, skipped"). Pools count those up front.
    """

    in_order: bool

    def start(self, exp, points: list, log) -> int:
        """Gets ready to train `points` (of `exp`); may print a line to `log`. Returns the number
        of worker slots (points trained at a time)."""

    def submit(self, slot: int, point, run_dir: Path) -> None:
        """Starts training `point` into `run_dir` on worker `slot` (free, its folder claimed)."""

    def collect(self) -> list[Ended]:
        """Waits until at least one submitted point has ended, its files in its run folder."""

    def stop(self) -> None:
        """On Ctrl-C or SIGTERM: interrupts the running points (each marks its run
        `interrupted`) and waits for them."""

    def close(self) -> None:
        """Releases the workers; called always, also after a failed or partial `start`."""


def train_points(exp, out: Path, todo: set, errors: dict, reports, log, executor: Executor
                 ) -> list[float]:
    """Trains the experiment's points whose folder is in `todo` with `executor`.

    Args:
        exp: the `Experiment`.
        out: the sweep folder.
        todo: folder names of the runs to train (the others are complete).
        errors: folder name -> error line; runs that fail or are skipped are noted there.
        reports: the sweep's `RunReports`: every run folder without a report is submitted to it.
        log: where the progress lines go (None: silent).
        executor: trains the points (`Executor`).

    Returns:
        The wall time of every run trained, in seconds.
    """
    for point in exp.points:
        if point.folder not in todo and not executor.in_order:
            _report_missing(reports, out / point.folder)
    walk = [p for p in exp.points if executor.in_order or p.folder in todo]
    if not walk:
        return []
    progress = Progress(log, total=len(exp.points), passed=len(exp.points) - len(walk))
    running = {}  # slot -> (point, the claim's ExitStack, submitted at)
    times, left = [], len(todo)  # left: runs to train that have not ended (nor been skipped)
    with sticky_stops():
        try:
            slots = executor.start(exp, [p for p in walk if p.folder in todo], log)
            queue, start = CellQueue(walk, slots), time.time()
            while len(queue) or running:
                for slot in range(slots):
                    while slot not in running and len(queue):
                        # Freeing a run's TensorFlow functions runs many finalizers: a stop that
                        # landed in one was dropped by Python (see `sticky_stops`).
                        raise_swallowed_stop()
                        point = queue.take(slot)
                        if point.folder not in todo:  # an in-order walk passes the complete ones
                            _report_missing(reports, out / point.folder)
                            progress.say(point, "complete already, skipped")
                            continue
                        claim, busy = claim_run(out / point.folder, point, errors)
                        if busy:
                            left -= 1
                            progress.say(point, f"skipped: {busy}")
                            continue
                        running[slot] = (point, claim, time.time())
                        executor.submit(slot, point, out / point.folder)
                if not running:
                    continue
                for ended in executor.collect():
                    point, claim, submitted = running.pop(ended.slot)
                    claim.close()
                    if ended.error:
                        errors[point.folder] = ended.error
                    if (out / point.folder / "config.yaml").is_file():
                        reports.submit(out / point.folder)
                    times.append(time.time() - submitted)
                    left -= 1
                    eta = left * (time.time() - start) / len(times)
                    seconds = times[-1] if ended.seconds is None else ended.seconds
                    progress.say(point, ended_note(seconds, eta, ended.status, ended.error))
        except KeyboardInterrupt:
            executor.stop()
            raise
        finally:
            executor.close()
            for _, claim, _ in running.values():
                claim.close()
    return times


class CellQueue:
    """The runs a sweep has left, handed to its worker slots.

    A slot's next run is a seed of the grid cell it trained last while one is left (a worker then
    reuses the cell's compiled graph, `harness.training.loop.reusable_loop`), else one of a cell no
    other slot is on, else the first left. With one slot that is the experiment's order (a cell's
    seeds are next to each other).

    Args:
        points: the runs to train, in the experiment's order.
        workers: how many slots take runs.
    """

    def __init__(self, points, workers: int):
        self.points = list(points)
        self.cells = [None] * workers  # the grid cell each slot took last

    def __len__(self) -> int:
        return len(self.points)

    def take(self, worker: int):
        """Removes and returns the next run for slot `worker`."""
        cell = self.cells[worker]
        others = set(self.cells) - {cell}
        index = next((i for i, p in enumerate(self.points) if p.group == cell),
                     next((i for i, p in enumerate(self.points) if p.group not in others), 0))
        point = self.points.pop(index)
        self.cells[worker] = point.group
        return point


class Progress:
    """The sweep's progress lines, `[3/54] activation=relu, depth=5, seed=0  <note>`.

    Args:
        log: where the lines go (None: silent).
        total: the experiment's runs.
        passed: runs counted as done before the first line (the complete ones, for a pool).
    """

    def __init__(self, log, total: int, passed: int = 0):
        self.log, self.total, self.passed = log, total, passed

    def say(self, point, note: str) -> None:
        """One line for a point that was skipped or has ended."""
        self.passed += 1
        say(self.log, f"[{self.passed}/{self.total}] {point.group}, seed={point.seed}  {note}")


def ended_note(seconds: float, eta: float, status: str, error: str | None) -> str:
    """How a run ended, for its progress line: its time, the sweep's ETA, a status not completed."""
    note = "" if status == "completed" else f"  {status.upper()}" + (f": {error}" if error else "")
    return f"{seconds:.1f} s  eta {duration(eta)}{note}"


def say(log, line: str) -> None:
    """Prints a line of the sweep's progress to `log` (None: nowhere)."""
    if log is not None:
        print(line, file=log, flush=True)


def duration(seconds: float) -> str:
    """`45s`, `3m07s`."""
    if not math.isfinite(seconds) or seconds < 60:
        return f"{max(seconds, 0):.0f}s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s"


def on_sigterm(handler):
    """Installs a SIGTERM handler and returns the previous one (only the main thread can; None
    does nothing), for an executor that must stop its workers on `kill` as on Ctrl-C."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _report_missing(reports, run_dir: Path) -> None:
    if not (run_dir / "report.html").is_file():
        reports.submit(run_dir)
