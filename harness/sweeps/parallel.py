"""Parallel sweeps on one machine: `harness sweep EXP --jobs N` trains N runs at a time.

Each run trains in a worker process (a `concurrent.futures.ProcessPoolExecutor` of one process per
worker, started with `spawn`, so no worker inherits a half-initialised TensorFlow from the parent).
The seeds of one grid cell go to the same worker where possible (`schedule.CellQueue`), which then
traces the cell's training graph once (`harness.training.loop.reusable_loop`). A worker sizes
TensorFlow's thread pools to its share of the cores before its first op, so N workers do not fight
over the same cores (`process_worker`). The sweep's process keeps what a sequential sweep does, in
the same loop (`schedule.train_points`): it locks each run folder while a worker trains into it,
skips completed runs, lists failures, and prints one progress line per finished run with an ETA.

`--jobs` is capped at one worker per core and at the workers the available memory holds
(`jobs.count_workers`, which says so). On Ctrl-C or SIGTERM the parent cancels the runs not
started, sends SIGTERM to the workers (a training one marks its run `interrupted`, as `harness run`
does; one still starting up or waiting just ends, quietly), waits for them and re-raises
`KeyboardInterrupt`; finished runs stay finished. Workers run in a process group of their own, so a
terminal's Ctrl-C reaches only the parent, which stops them once; a worker whose parent dies (even
by SIGKILL) stops and exits too (`process_worker`).

Numbers: TensorFlow's op determinism (`harness.base.backend`) makes each kernel deterministic; on
the 2-core machine tried, runs with 1 thread per worker write byte-identical CSVs to runs with both
cores (`tests/sweeps/test_parallel_sweep.py` checks the bytes on each run of the suite).
TensorFlow does not promise equal bits across thread counts: a kernel that splits a sum
differently would differ by float32 rounding (below 1e-6 relative).
"""

import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from harness.base.stops import raise_stopped
from harness.sweeps.jobs import available_cores, count_workers
from harness.sweeps.process_worker import init_worker, train_point
from harness.sweeps.schedule import Ended, on_sigterm, say


class Processes:
    """Trains points in `jobs` local worker processes (`schedule.Executor`).

    Args:
        jobs: worker processes (at most one per point to train).
    """

    live = False  # runs steerable and one epoch per call (`sweep --live`)

    in_order = False

    def __init__(self, jobs: int):
        self.jobs, self.pools, self.running, self.previous = jobs, [], {}, None

    def start(self, exp, points: list, log) -> int:
        self.base = str(exp.base)
        jobs = count_workers(self.jobs, points, log)
        self.threads = max(1, available_cores() // jobs)
        say(log, f"{jobs} workers, {self.threads} TensorFlow thread(s) each")
        # One single-process pool per worker, so that the loop chooses which worker trains what.
        self.pools = [self._pool() for _ in range(jobs)]
        self.previous = on_sigterm(raise_stopped)  # as `harness run`: interrupted, exit 143
        return jobs

    def submit(self, slot: int, point, run_dir) -> None:
        # A pool starts its process on its first submit. The process starts with SIGINT blocked
        # (a signal mask outlives `exec`) until it ignores it (`process_worker.init_worker`): a
        # terminal's Ctrl-C during its start-up would otherwise print a KeyboardInterrupt
        # traceback from the middle of its imports. (The parent's own Ctrl-C stays pending.)
        job = (self.base, point.overrides, str(run_dir), self.live)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            try:
                future = self.pools[slot].submit(train_point, *job)
            except BrokenProcessPool:  # its worker died while it waited (a `kill` from outside)
                self.pools[slot].shutdown(wait=False)
                self.pools[slot] = self._pool()
                future = self.pools[slot].submit(train_point, *job)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.running[future] = slot

    def collect(self) -> list[Ended]:
        done, _ = wait(self.running, return_when=FIRST_COMPLETED)
        ended = []
        for future in done:
            slot = self.running.pop(future)
            status, error = _outcome(future)
            if isinstance(future.exception(), BrokenProcessPool):  # killed (OOM, kill -9)
                self.pools[slot].shutdown(wait=False)
                self.pools[slot] = self._pool()  # the sweep goes on with a new one
            ended.append(Ended(slot, status, error))
        return ended

    def stop(self) -> None:
        """Cancels the runs not started and interrupts the running ones; waits for them to end.

        SIGTERM, not SIGINT: a worker still starting up has no handler yet, and SIGTERM's default
        ends it without a word (`process_worker` says what a worker does with it later).
        """
        # An executor keeps no public list of its processes; `_processes` is pid -> Process (and
        # None after shutdown).
        processes = [p for pool in self.pools
                     for p in (getattr(pool, "_processes", None) or {}).values()]
        for pool in self.pools:
            pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            try:
                os.kill(process.pid, signal.SIGTERM)
            except (ProcessLookupError, TypeError):
                pass
        wait(self.running, timeout=60)

    def close(self) -> None:
        on_sigterm(self.previous)
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(self.threads, os.getpid()))


def _outcome(future) -> tuple[str, str | None]:
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - a worker that died (BrokenProcessPool) fails its run
        return "failed", f"worker: {type(e).__name__}: {e}".splitlines()[0]
