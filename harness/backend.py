"""Loading TensorFlow and Keras, seeded and deterministic. Only commands that train call this."""

import os

from harness.errors import HarnessError


def init(seed: int):
    """Imports Keras on TensorFlow, seeds Python, NumPy and TensorFlow, enables op determinism.

    Returns:
        The `keras` module.
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    # TensorFlow's C++ log lines (start-up notes, tf.data graph warnings) are noise to a student;
    # real failures still surface as Python exceptions.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise HarnessError(f"KERAS_BACKEND is {keras.backend.backend()!r}; the harness measures "
                           "gradients with TensorFlow: unset it or set KERAS_BACKEND=tensorflow")
    # Reset Keras' global state between runs. `free_memory=True` would add a full gc.collect(),
    # about 0.4 s per run in a sweep; Python's own collector reclaims the old graphs anyway
    # (peak memory of the 54-run study: bench/RESULTS.md).
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return keras


def versions() -> dict:
    import platform
    import sys

    import keras
    import numpy
    import tensorflow as tf

    from harness import __version__

    return {"harness": __version__, "python": sys.version.split()[0], "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": numpy.__version__, "platform": platform.platform()}
