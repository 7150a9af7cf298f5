"""A `--jobs` worker process: set up once (`init_worker`), then trains runs (`train_point`).

Both run in the worker, not in the sweep's process (`harness.sweeps.parallel`).

How a worker stops: SIGTERM while it trains marks the run `interrupted` (as `harness run` does) and
the worker goes back to wait for the next run, or the pool's end; SIGTERM at any other time (while
it starts up or waits) ends it at once and quietly, as it has nothing to save. Its parent sends
SIGTERM to stop a sweep. A worker whose parent died (even by SIGKILL, the OOM killer's way) stops
its run the same way and exits: on Linux the kernel sends the SIGTERM (`PR_SET_PDEATHSIG`), and a
watcher thread notices a new parent within a second everywhere else, so no orphan keeps training
into a folder that a resumed sweep may claim. SIGINT is ignored: a terminal's Ctrl-C reaches the
parent, which stops the workers itself.
"""

import os
import signal
import threading
import time

from harness.base.stops import raise_stopped

GRACE = 30  # seconds an orphaned worker gives its run to stop before it leaves without it
_state = {"parent": None, "training": False, "stopping": False}


def init_worker(threads: int, parent: int) -> None:
    """Runs first in each worker: own process group, stop signals, parent watch, TensorFlow threads.

    Args:
        threads: TensorFlow's intra- and inter-op threads (the worker's share of the cores).
        parent: the sweep's process id.
    """
    import logging

    signal.signal(signal.SIGTERM, _on_stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent blocked SIGINT while it started this process (`parallel.Processes.submit`), so
    # that a Ctrl-C during start-up raised no KeyboardInterrupt here; ignored now, it is dropped.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    os.setpgrp()  # a terminal's Ctrl-C goes to the parent only; it stops the workers itself
    _state["parent"] = parent
    told = _die_with_parent()
    if told and _orphaned():  # the parent died before the kernel was told to signal its death
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=_watch_parent, args=(not told,), daemon=True).start()
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    # Must come before TensorFlow runs its first op; the pools cannot be resized afterwards.
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # every run retraces: no warnings


def train_point(base: str, overrides: dict, run_dir: str,
                live: bool = False) -> tuple[str, str | None]:
    """Trains one run into `run_dir` (steerable when `live`); returns (status, error line or
    None)."""
    from harness.training.runner import run

    try:
        _state["training"] = True
        # The parent holds the folder's lock while this worker trains into it.
        return run(base, overrides=overrides, out=run_dir, verbose=0, report=False,
                   locked=True, live=live).status, None
    except KeyboardInterrupt:
        return "interrupted", None
    except Exception as e:  # noqa: BLE001 - one broken run must not stop the sweep
        return "failed", f"{type(e).__name__}: {e}".splitlines()[0]
    finally:
        _state.update(training=False, stopping=False)
        if _orphaned():  # the run is marked; nobody is left to take its outcome
            os._exit(128 + signal.SIGTERM)


def _on_stop(signum, frame):
    """SIGTERM: a run in training is interrupted (and marks itself so); otherwise leave now."""
    if not _state["training"]:
        os._exit(128 + signum)  # starting up or waiting: nothing to save, no traceback to print
    if _state["stopping"]:
        # Stopping already. Linux sends the parent-death signal again as each thread of the
        # dying parent exits: a second stop must not cut the run's interrupted summary short.
        return
    _state["stopping"] = True
    raise_stopped(signum, frame)


def _orphaned() -> bool:
    return _state["parent"] is not None and os.getppid() != _state["parent"]


def _die_with_parent() -> bool:
    """Linux: SIGTERM this worker when the sweep's process dies, however it dies. Returns
    whether the kernel will."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        return libc.prctl(1, signal.SIGTERM) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: `_watch_parent` stops the worker
        return False


def _watch_parent(signal_it: bool) -> None:
    """Waits until this worker's parent is gone (it was adopted by another process); then
    SIGTERMs the worker where the kernel does not (`signal_it`), so its run stops as on the
    parent's own stop, and ends the worker anyway if that run has not stopped `GRACE` seconds
    later."""
    while not _orphaned():
        time.sleep(1)
    if signal_it:
        os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE)
    os._exit(128 + signal.SIGTERM)
