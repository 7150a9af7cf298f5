"""An activation's slope f'(z): the one home of how harness takes it.

The slope a model trains with is the one autodiff gives (including a user's
`tf.custom_gradient`); `derivative` takes it on NumPy points, for the gradient check, the
explorer and the theory.
"""

import numpy as np

from harness.catalog import activations

_ready = False


def derivative(name: str, z: np.ndarray, dtype: str = "float64") -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) for the Keras function of `name`, the derivative by autodiff.

    Args:
        name: an activation name, alias or `package.module:function`.
        z: the points, any shape.
        dtype: the precision to compute in (float64, or float32 for a function that cannot).

    Example:
        >>> derivative("sigmoid", np.array([0.0]))
        (array([0.5]), array([0.25]))
    """
    global _ready
    if not _ready:  # TensorFlow with the harness' settings, once
        from harness.base import backend

        backend.init(0)
        _ready = True
    import tensorflow as tf

    fn = activations.keras_function(name)
    z = tf.constant(np.asarray(z, dtype=dtype))
    with tf.GradientTape() as tape:
        tape.watch(z)
        value = fn(z)
    grad = tape.gradient(value, z)
    grad = np.zeros(z.shape) if grad is None else np.asarray(grad, dtype=float)  # no path: 0
    return np.asarray(value, dtype=float), grad
