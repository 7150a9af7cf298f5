"""Parallel sweeps on one machine: `harness sweep EXP --jobs N` trains N runs at a time.

Each run trains in a worker process (a `concurrent.futures.ProcessPoolExecutor` of one process per
worker, started with `spawn`, so no worker inherits a half-initialised TensorFlow from the parent).
The seeds of one grid cell go to the same worker where possible (`schedule.CellQueue`), which then
traces the cell's training graph once (`harness.loop.reusable_loop`). A worker sizes TensorFlow's
thread pools to its share of the cores before its first op, so N workers do not fight over the same
cores (`process_worker`). The sweep's process keeps what a sequential sweep does, in the same loop
(`schedule.train_points`): it locks each run folder while a worker trains into it, skips completed
runs, lists failures, and prints one progress line per finished run with an ETA.

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

import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from harness.files import raise_stopped
from harness.sweeps.jobs import available_cores
from harness.sweeps.process_worker import init_worker, train_point
from harness.sweeps.schedule import Ended, on_sigterm, say


class Processes:
    """Trains points in `jobs` local worker processes (`schedule.Executor`).

    Args:
        jobs: worker processes (at most one per point to train).
    """

    in_order = False

    def __init__(self, jobs: int):
        self.jobs, self.pools, self.running, self.previous = jobs, [], {}, None

    def start(self, exp, points: list, log) -> int:
        self.base = str(exp.base)
        jobs = min(self.jobs, len(points))  # no worker that would only start TensorFlow
        self.threads = max(1, available_cores() // jobs)
        say(log, f"{jobs} workers, {self.threads} TensorFlow thread(s) each")
        # One single-process pool per worker, so that the loop chooses which worker trains what.
        self.pools = [self._pool() for _ in range(jobs)]
        self.previous = on_sigterm(raise_stopped)  # as `harness run`: interrupted, exit 143
        return jobs

    def submit(self, slot: int, point, run_dir) -> None:
        future = self.pools[slot].submit(train_point, self.base, point.overrides, str(run_dir))
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
        """Cancels the runs not started and interrupts the running ones; waits for them to end."""
        # An executor keeps no public list of its processes; `_processes` is pid -> Process (and
        # None after shutdown).
        processes = [p for pool in self.pools
                     for p in (getattr(pool, "_processes", None) or {}).values()]
        for pool in self.pools:
            pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            try:
                os.kill(process.pid, signal.SIGINT)
            except (ProcessLookupError, TypeError):
                pass
        wait(self.running, timeout=60)

    def close(self) -> None:
        on_sigterm(self.previous)
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(self.threads,))


def _outcome(future) -> tuple[str, str | None]:
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - a worker that died (BrokenProcessPool) fails its run
        return "failed", f"worker: {type(e).__name__}: {e}".splitlines()[0]
