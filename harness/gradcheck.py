"""Derivatives by autodiff against central differences: an activation's, and a whole model's.

The derivative a model trains with is the one autodiff gives (including a user's
`tf.custom_gradient`); central differences in float64 are the independent reference. The relative
error |a - n| / max(|a|, |n|) reads as in CS231n's gradient check: below 1e-7 the two agree, above
1e-2 the derivative is wrong. Points where the function is not smooth (a kink or a jump, where the
two one-sided slopes differ) say nothing about the derivative and are left out: they are found as
the points where central differences at h and at h/2 disagree.

Reference:
    CS231n, "Gradient checks" (https://cs231n.github.io/neural-networks-3/#gradcheck).
"""

from typing import NamedTuple

import numpy as np

from harness import activations

GOOD, WRONG = 1e-7, 1e-2  # relative error: agree below GOOD, wrong above WRONG
# z at which an activation is checked: offset so that no point sits on a kink at a round number
# (0, +-0.5, +-1, +-3, 6), where autodiff and central differences legitimately differ.
Z_CHECK = np.linspace(-5.0, 5.0, 201) + 0.0123
STEP64, STEP32 = 1e-5, 1e-2  # central-difference steps, near eps^(1/3) of each precision
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
        from harness import backend

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


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| / max(|a|, |b|) elementwise; 0 where both are 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.divide(np.abs(a - b), scale, out=np.zeros_like(scale), where=scale > 0)


def verdict(error: float) -> str:
    """`good`, `uneasy` (kinks, float32) or `wrong`, by CS231n's thresholds."""
    if not error <= WRONG:  # NaN is wrong too
        return "wrong"
    return "good" if error < GOOD else "uneasy"


class ActivationCheck(NamedTuple):
    """An activation's autodiff derivative against central differences.

    Attributes:
        name: the activation.
        max_error: the largest relative error over the smooth points.
        worst_z: where it is.
        autodiff, numeric: the two derivatives there.
        dtype: the precision of the check (float64 unless the function cannot run in it).
        checked: points compared; `skipped`: points left out as kinks.
    """

    name: str
    max_error: float
    worst_z: float
    autodiff: float
    numeric: float
    dtype: str
    checked: int
    skipped: int

    @property
    def verdict(self) -> str:
        return verdict(self.max_error)


def check_activation(name: str, z: np.ndarray = Z_CHECK) -> ActivationCheck:
    """Compares the activation's derivative as the model takes it (autodiff) with central
    differences, in float64 (float32 with a wider step if the function cannot run in float64).
    """
    z = np.asarray(z, dtype=float)
    try:
        dtype, h = "float64", STEP64
        _, auto = derivative(name, z, dtype)
    except Exception:  # noqa: BLE001 - e.g. a user's function with float32 constants inside
        dtype, h = "float32", STEP32
        _, auto = derivative(name, z, dtype)

    def f(points):
        return derivative(name, points, dtype)[0]

    numeric = (f(z + h) - f(z - h)) / (2 * h)
    finer = (f(z + h / 2) - f(z - h / 2)) / h
    smooth = relative_error(numeric, finer) < (1e-3 if dtype == "float64" else 1e-1)
    error = np.where(smooth, relative_error(auto, numeric), 0.0)
    worst = int(np.argmax(error))
    return ActivationCheck(name, float(error[worst]), float(z[worst]), float(auto[worst]),
                           float(numeric[worst]), dtype, int(smooth.sum()),
                           int((~smooth).sum()))
