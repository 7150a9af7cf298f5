"""A `--jobs` worker process: set up once (`init_worker`), then trains runs (`train_point`).

Both run in the worker, not in the sweep's process (`harness.sweeps.parallel`).
"""

import os
import signal

from harness.files import raise_stopped


def init_worker(threads: int) -> None:
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


def train_point(base: str, overrides: dict, run_dir: str) -> tuple[str, str | None]:
    """Trains one run into `run_dir`; returns (status, error line or None)."""
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


def _die_with_parent() -> None:
    """Linux: SIGTERM this worker when the sweep's process dies, however it dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: a worker ends when its queue closes
        pass
