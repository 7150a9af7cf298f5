"""Loading TensorFlow and Keras, seeded and deterministic. Only commands that train call this."""

import gc
import os
import random
import sys
import threading
from contextlib import contextmanager

from harness.errors import HarnessError

# TensorFlow's start-up notes, printed by its C++ code while it loads. TF 2.21 prints the oneDNN
# one (through absl, before absl is initialised) even at TF_CPP_MIN_LOG_LEVEL=3.
STARTUP_NOISE = (b"All log messages before absl::InitializeLog()", b"oneDNN custom operations",
                 b"cpu_feature_guard", b"rebuild TensorFlow with the appropriate compiler flags")


def init(seed: int):
    """Imports Keras on TensorFlow, seeds Python's and NumPy's generators, enables op determinism.

    Every random op a run builds has its own seed from the config's (the data, the epoch orders,
    the initializers, the dropout masks), so a run's numbers follow from its seed alone. The
    global generators of TensorFlow and Keras (for unseeded ops in a user's own code) are seeded
    once per process, with 0: `tf.random.set_seed` and `keras.backend.clear_session` clear
    TensorFlow's cache of compiled functions, and a sweep's next run, reusing the previous run's
    trace (`harness.training.loop.reusable_loop`), would pay about half a second to compile it
    again.

    Returns:
        The `keras` module.
    """
    global _seeded
    keras = load()
    import numpy as np
    import tensorflow as tf

    if not _seeded:
        keras.utils.set_random_seed(0)
        tf.config.experimental.enable_op_determinism()
        # TensorFlow's and Keras' modules stay for the whole process: kept out of the collector's
        # full passes, which otherwise scan them again and again while runs trace graphs.
        gc.freeze()
        _seeded = True
    random.seed(seed)
    np.random.seed(seed)
    return keras


_seeded = False  # whether this process has seeded TensorFlow and Keras


def load():
    """Imports Keras on TensorFlow (quietly, the first time) and returns `keras`."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    # TensorFlow's C++ log lines (start-up notes, tf.data graph warnings) are noise to a student;
    # real failures still surface as Python exceptions. A level the user set is kept.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _startup_notes_hidden():
        import keras
        import tensorflow  # noqa: F401

    if keras.backend.backend() != "tensorflow":
        raise HarnessError(f"KERAS_BACKEND is {keras.backend.backend()!r}; the harness measures "
                           "gradients with TensorFlow: unset it or set KERAS_BACKEND=tensorflow")
    return keras


@contextmanager
def _startup_notes_hidden():
    """Drops TensorFlow's start-up INFO lines from stderr while it loads; every other line passes.

    Only when TensorFlow is not loaded yet and TF_CPP_MIN_LOG_LEVEL asks for INFO lines to be
    hidden (1 or more); `TF_CPP_MIN_LOG_LEVEL=0` shows everything. The C++ code writes to file
    descriptor 2 directly, so the filter sits on a pipe in its place; TF_ENABLE_ONEDNN_OPTS is left
    alone (it changes the numbers, not only the messages).
    """
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")
    if "tensorflow" in sys.modules or not level.isdigit() or int(level) < 1:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    read, write = os.pipe()
    os.dup2(write, 2)
    os.close(write)

    def forward():
        with os.fdopen(read, "rb") as pipe:
            for line in pipe:
                if not any(note in line for note in STARTUP_NOISE):
                    os.write(saved, line)

    pump = threading.Thread(target=forward, name="tf-startup-filter", daemon=True)
    pump.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)  # closes the pipe's last write end: the pump sees the end and stops
        pump.join(timeout=10)
        os.close(saved)


def versions() -> dict:
    import platform
    import sys

    import keras
    import numpy
    import tensorflow as tf

    from harness.version import __version__

    return {"harness": __version__, "python": sys.version.split()[0], "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": numpy.__version__, "platform": platform.platform()}
