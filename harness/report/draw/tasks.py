"""A page's figures drawn side by side: independent tasks in processes forked from this one.

Drawing is Python work on matplotlib's artists under the GIL (threads measured no faster than
one), so figures are drawn in processes. They are forked, not spawned: a fork starts in a few
milliseconds with matplotlib, the report's modules, the run's tables and the fonts already loaded,
and the figure functions (often lambdas) need not be pickled. Only the results come back: short
strings and numbers.

    results = forked_map(lambda i: draw(entries[i]), len(entries), jobs=default_jobs(12))
"""

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_TASK: Callable[[int], object] | None = None  # a worker's task, installed as it starts


def default_jobs(tasks: int) -> int:
    """How many processes draw `tasks` figures: one per core this process may use, at most one
    per task; 1 (draw here) where fork is not the safe default (macOS, Windows) or inside a
    `multiprocessing` worker, whose parent already spreads the work over the cores."""
    if sys.platform != "linux" or multiprocessing.parent_process() is not None:
        return 1
    return max(1, min(tasks, len(os.sched_getaffinity(0))))


def forked_map(task: Callable[[int], T], count: int, jobs: int) -> list[T]:
    """`[task(0), ..., task(count - 1)]`, computed by up to `jobs` forked processes.

    Each process takes the next index when it is free, so a slow figure does not hold up the
    others. With `jobs` 1 (or one task), everything runs here, in order, as a loop would.

    Args:
        task: index -> a picklable result. It runs in a child that is a copy of this process at
            the call; what it writes to disk is all that stays of its side effects.
        count: the number of tasks.
        jobs: processes to use at most.

    Returns:
        The results in index order. The first task that raised (in index order) raises here, with
        its exception's type and message (its traceback as the `__cause__`), after every task ran.
    """
    if jobs <= 1 or count <= 1:
        return [task(i) for i in range(count)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(jobs, count), mp_context=context, initializer=_install,
                             initargs=(task,)) as pool:
        futures = [pool.submit(_run, i) for i in range(count)]
        return [future.result() for future in futures]


def _install(task) -> None:
    # Under fork the initializer's arguments are inherited, never pickled: lambdas are fine.
    global _TASK
    _TASK = task


def _run(index: int):
    return _TASK(index)
