"""Parallel sweeps on one machine: `harness sweep EXP --jobs N` trains N runs at a time.

Each run trains in a worker process (a `concurrent.futures.ProcessPoolExecutor` of one process per
worker, started with `spawn`, so no worker inherits a half-initialised TensorFlow from the parent).
The seeds of one grid cell go to the same worker where possible, which then traces the cell's
training graph once (`harness.loop.reusable_loop`). A worker sizes
TensorFlow's thread pools to its share of the cores before its first op, so N workers do not fight
over the same cores. The parent keeps what a sequential sweep does: it locks each run folder
(`execute._claim`) while a worker trains into it, skips completed runs, lists failures, and prints
one progress line per finished run with an ETA.

On Ctrl-C or SIGTERM the parent cancels the runs not started, sends SIGINT to the workers (each
marks its run `interrupted`, as `harness run` does), waits for them and re-raises
`KeyboardInterrupt`; finished runs stay finished. Workers run in a process group of their own, so a
terminal's Ctrl-C reaches only the parent, which stops them once; on Linux a worker also gets
SIGTERM when the parent dies (even by SIGKILL), so no orphan keeps training into a folder that a
resumed sweep may claim.

Numbers: TensorFlow's op determinism (`harness.backend`) makes each kernel deterministic; on the
2-core machine tried, runs with 1 thread per worker write byte-identical CSVs to runs with both
cores (`tests/test_parallel_sweep.py` checks the bytes on each run of the suite). TensorFlow does
not promise equal bits across thread counts: a kernel that splits a sum differently would differ by
float32 rounding (below 1e-6 relative).
"""

import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from pathlib import Path

from harness.errors import HarnessError
from harness.stops import raise_stopped


def available_cores() -> int:
    """The cores this process may run on (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def parse_jobs(value) -> int:
    """`--jobs`: a whole number >= 1, or `auto` (the available cores)."""
    if value in (None, "auto"):
        return available_cores() if value == "auto" else 1
    try:
        jobs = int(value)
    except (TypeError, ValueError):
        jobs = 0
    if isinstance(value, bool) or jobs < 1 or str(jobs) != str(value).strip():
        raise HarnessError(f"--jobs {value}: expected a whole number >= 1 or `auto` "
                           f"(the {available_cores()} cores here)")
    return jobs


def train_points(exp, out: Path, todo: set, errors: dict, reports, log, *, jobs: int) -> list:
    """Trains the experiment's points whose folder is in `todo`, `jobs` at a time.

    Args:
        exp: the `Experiment`.
        out: the sweep folder.
        todo: folder names of the runs to train.
        errors: folder -> error line; runs that failed are added.
        reports: the sweep's `_Reports` (each finished run's folder is submitted to it).
        log: where the progress lines go (None: silent).
        jobs: worker processes.

    Returns:
        The wall time of every run trained, in seconds.
    """
    import multiprocessing

    from harness.sweeps.execute import _done_line, _say

    points = [p for p in exp.points if p.folder in todo]
    if not points:
        return []
    jobs = min(jobs, len(points))  # no worker that would only start TensorFlow
    queue = CellQueue(points, jobs)
    threads = max(1, available_cores() // jobs)
    _say(log, f"{jobs} workers, {threads} TensorFlow thread(s) each")
    times, finished, total = [], len(exp.points) - len(todo), len(exp.points)
    start = time.time()
    # One single-process pool per worker, so that the parent chooses which worker trains what
    # (`CellQueue`).
    context = multiprocessing.get_context("spawn")

    def worker():
        return ProcessPoolExecutor(1, mp_context=context, initializer=_init_worker,
                                   initargs=(threads,))

    workers = [worker() for _ in range(jobs)]
    running = {}  # future -> (point, the claim's ExitStack, start time, worker)
    previous = _on_sigterm(raise_stopped)  # as `harness run`: interrupted, exit 143
    try:
        while len(queue) or running:
            idle = [w for w in range(jobs) if w not in {r[3] for r in running.values()}]
            while len(queue) and idle:
                point = queue.take(idle[0])
                run_dir = out / point.folder
                claim, busy = claim_run(run_dir, point, errors)
                if busy:
                    finished += 1
                    _say(log, f"[{finished}/{total}] {point.group}, seed={point.seed}  "
                              f"skipped: {busy}")
                    continue
                future = workers[idle[0]].submit(train_point, str(exp.base), point.overrides,
                                                 str(run_dir))
                running[future] = (point, claim, time.time(), idle.pop(0))
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                point, claim, started, w = running.pop(future)
                status, error = _outcome(future)
                if isinstance(future.exception(), BrokenProcessPool):  # killed (OOM, kill -9)
                    workers[w].shutdown(wait=False)
                    workers[w] = worker()  # the sweep goes on with a new one
                claim.close()
                if error:
                    errors[point.folder] = error
                if (out / point.folder / "config.yaml").is_file():
                    reports.submit(out / point.folder)
                times.append(time.time() - started)
                finished += 1
                left = len(queue) + len(running)
                eta = left * (time.time() - start) / len(times)
                _say(log, _done_line(f"[{finished}/{total}] {point.group}, seed={point.seed}",
                                     times[-1], eta, status, error))
    except KeyboardInterrupt:
        _stop(workers, running)
        raise
    finally:
        _on_sigterm(previous)
        for pool in workers:
            pool.shutdown(wait=True, cancel_futures=True)
        for _, claim, _, _ in running.values():
            claim.close()
    return times


class CellQueue:
    """The runs a parallel sweep has left, handed to its workers (local processes, Ray actors).

    A worker's next run is a seed of the grid cell it trained last while one is left (it then
    reuses the cell's compiled graph, `harness.loop.reusable_loop`), else one of a cell no other
    worker is on, else the first left.

    Args:
        points: the runs to train, in the experiment's order.
        workers: how many workers take runs.
    """

    def __init__(self, points, workers: int):
        self.points = list(points)
        self.cells = [None] * workers  # the grid cell each worker took last

    def __len__(self) -> int:
        return len(self.points)

    def take(self, worker: int):
        """Removes and returns the next run for `worker`."""
        cell = self.cells[worker]
        others = set(self.cells) - {cell}
        index = next((i for i, p in enumerate(self.points) if p.group == cell),
                     next((i for i, p in enumerate(self.points) if p.group not in others), 0))
        point = self.points.pop(index)
        self.cells[worker] = point.group
        return point


def claim_run(run_dir: Path, point, errors: dict):
    """Locks a run's folder and starts its attempt (`execute._start_attempt`).

    Returns:
        (the lock, an `ExitStack` to close once the run has ended, None), or (None, why the run
        is skipped).
    """
    from harness.sweeps.execute import _claim, _start_attempt

    claim = ExitStack()
    busy = _start_attempt(run_dir, point, claim.enter_context(_claim(run_dir)), errors)
    if busy:
        claim.close()
        return None, busy
    return claim, None


def train_point(base: str, overrides: dict, run_dir: str) -> tuple[str, str | None]:
    """In a worker: trains one run into `run_dir`; returns (status, error line or None)."""
    from harness.runner import run

    signal.signal(signal.SIGINT, signal.default_int_handler)  # the parent's stop: mark the run
    try:
        # The parent holds the folder's lock while this worker trains into it.
        return run(base, overrides=overrides, out=run_dir, verbose=0, report=False,
                   locked=True).status, None
    except KeyboardInterrupt:
        return "interrupted", None
    except Exception as e:  # noqa: BLE001 - one broken run must not stop the sweep
        return "failed", f"{type(e).__name__}: {e}".splitlines()[0]
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # idle, a worker just leaves when told


def _init_worker(threads: int) -> None:
    """Runs first in each worker: own process group, parent-death signal, TensorFlow threads."""
    import logging

    os.setpgrp()  # a terminal's Ctrl-C goes to the parent only; it stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, raise_stopped)  # the parent's stop: the run is interrupted
    _die_with_parent()
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    # Must come before TensorFlow runs its first op; the pools cannot be resized afterwards.
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # every run retraces: no warnings


def _die_with_parent() -> None:
    """Linux: SIGTERM this worker when the sweep's process dies, however it dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: a worker ends when its queue closes
        pass


def _on_sigterm(handler):
    """Installs a SIGTERM handler and returns the previous one (only the main thread can)."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _outcome(future) -> tuple[str, str | None]:
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - a worker that died (BrokenProcessPool) fails its run
        return "failed", f"worker: {type(e).__name__}: {e}".splitlines()[0]


def _stop(pools: list, running: dict) -> None:
    """Cancels the runs not started and interrupts the running ones; waits for them to close."""
    # An executor keeps no public list of its processes; `_processes` is pid -> Process (and None
    # after shutdown).
    processes = [p for pool in pools for p in (getattr(pool, "_processes", None) or {}).values()]
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            os.kill(process.pid, signal.SIGINT)
        except (ProcessLookupError, TypeError):
            pass
    wait(running, timeout=60)
