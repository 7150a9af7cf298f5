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

from harness.catalog.slopes import derivative

GOOD, WRONG = 1e-7, 1e-2  # relative error: agree below GOOD, wrong above WRONG
# z at which an activation is checked: offset so that no point sits on a kink at a round number
# (0, +-0.5, +-1, +-3, 6), where autodiff and central differences legitimately differ.
Z_CHECK = np.linspace(-5.0, 5.0, 201) + 0.0123
STEP64, STEP32 = 1e-5, 1e-2  # central-difference steps, near eps^(1/3) of each precision


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


class ModelCheck(NamedTuple):
    """A model's loss gradient by autodiff against central differences, a few weights.

    Attributes:
        max_error: the largest relative error over the weights compared.
        worst: the weight where it is, e.g. `hidden_2/kernel[3, 7]`.
        autodiff, numeric: the two derivatives there.
        dtype: the model's precision.
        checked: weights compared; `skipped`: weights left out as kinks (a unit switching
            on or off within the step).
    """

    max_error: float
    worst: str
    autodiff: float
    numeric: float
    dtype: str
    checked: int
    skipped: int

    @property
    def verdict(self) -> str:
        return verdict(self.max_error)


def check_model(model, x, y, step: float | None = None) -> ModelCheck:
    """Checks dL/dW of one weight per kernel, the one with the largest gradient, on a batch.

    The loss is the training loss (`model.compute_loss`, penalties included) of a training-mode
    pass; the model's non-trainable state (batch-norm averages, dropout seeds) is put back before
    every pass, so that each sees the same dropout masks and the differences are the weight's
    alone. The model's weights are left as they were.

    Args:
        model: a built Keras model, float64 for a meaningful check.
        x, y: a batch, as the loss expects the labels.
        step: the central-difference step; default 1e-5 in float64, 1e-3 in float32.
    """
    import tensorflow as tf

    dtype = model.dtype_policy.variable_dtype if hasattr(model, "dtype_policy") else "float32"
    h = step or (1e-5 if dtype == "float64" else 1e-3)
    eps = float(np.finfo(dtype).eps)
    fixed = [(v, v.numpy()) for v in model.non_trainable_variables]
    kernels = [v for v in model.trainable_variables if v.path.endswith("kernel")]
    x = tf.constant(np.asarray(x, dtype=dtype))

    def loss():
        for v, value in fixed:
            v.assign(value)
        return model.compute_loss(x=x, y=y, y_pred=model(x, training=True), training=True)

    with tf.GradientTape() as tape:
        base = loss()
    grads = [np.asarray(g, dtype=float) if g is not None else np.zeros(k.shape)
             for g, k in zip(tape.gradient(base, kernels), kernels)]
    floor = 100 * eps * max(1.0, abs(float(base))) / h  # rounding noise of the differences
    rows = []
    for kernel, grad in zip(kernels, grads):
        index = np.unravel_index(int(np.argmax(np.abs(grad))), grad.shape)
        saved = kernel.numpy()

        def at(delta, kernel=kernel, saved=saved, index=index):
            moved = saved.copy()
            moved[index] += delta
            kernel.assign(moved)
            return float(loss())

        numeric = (at(h) - at(-h)) / (2 * h)
        finer = (at(h / 2) - at(-h / 2)) / h
        kernel.assign(saved)
        smooth = abs(numeric - finer) <= max(1e-3 * max(abs(numeric), abs(finer)), floor)
        a = float(grad[index])
        error = abs(a - numeric) / max(abs(a), abs(numeric), floor)
        name = kernel.path.split("/", 1)[-1] if "/" in kernel.path else kernel.path
        rows.append((error if smooth else 0.0, f"{name}[{', '.join(map(str, index))}]", a,
                     numeric, smooth))
    for v, value in fixed:  # the state as found (a training-mode pass moves BN's averages)
        v.assign(value)
    worst = max(rows, key=lambda r: r[0])
    return ModelCheck(worst[0], worst[1], worst[2], worst[3], dtype,
                      sum(r[4] for r in rows), sum(not r[4] for r in rows))
