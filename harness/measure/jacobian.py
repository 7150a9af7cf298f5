"""Layer Jacobians: how much each layer stretches or shrinks a small change of its input.

For a Dense layer a_l = f(z_l), z_l = a_{l-1} W_l (Keras' kernel W_l is (fan_in, units)), the
input-output Jacobian at one example is J_l = diag(f'(z_l)) W_l^T, (units, fan_in). Its singular
values are the factors by which it scales changes of its input along their directions; backprop
multiplies the gradient by J_l^T, so the same values scale the gradient on its way down. Their mean
square is the mean-field chi_l (`harness.theory.meanfield`). The end-to-end Jacobian J_N ... J_1,
from the input to the last hidden layer, is dynamically isometric when its singular values all sit
near 1.

`spectra` takes them in NumPy (at initialisation, with the end-to-end product:
`harness.measure.propagation`); `mean_and_max` takes each layer's mean and largest in TensorFlow,
inside the training graph at the later logged epochs (`harness.measure.meter`). Both by one route:
the eigenvalues of the smaller Gram matrix, in float64.

Reference:
    Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
    networks", s4.2.2: mean singular value of the layer Jacobians about 0.8 with their normalised
    initialisation, 0.5 with U[-1/sqrt(n), 1/sqrt(n)], for tanh networks;
    Pennington et al. 2017, "Resurrecting the sigmoid in deep learning through dynamical isometry".
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
import tensorflow as tf


class Spectra(NamedTuple):
    """Singular values of the layer Jacobians at a few probe examples.

    Attributes:
        layers: one row per layer: `layer`, `jacobian_sv_mean` (the mean singular value over the
            probes), `jacobian_sv_max` (the largest).
        end_to_end: (probes, min(units_N, n_features)): the singular values of J_N ... J_1 at each
            probe, descending.
    """

    layers: pd.DataFrame
    end_to_end: np.ndarray


def spectra(kernels, slopes, names=None) -> Spectra:
    """The singular values of every layer's Jacobian and of their product.

    Args:
        kernels: one (fan_in, units) array (or tensor) per layer, input side first.
        slopes: one (probes, units) array per layer: f'(z_l) at the probe examples
            (`harness.catalog.slopes.of_layers`, or the slopes a model measured).
        names: the layers' names; default `hidden_1`, `hidden_2`, ...

    Returns:
        `Spectra`.

    Example:
        >>> w = np.eye(3)
        >>> spectra([w], [np.full((1, 3), 0.5)]).layers.jacobian_sv_mean.tolist()
        [0.5]
    """
    names = names or [f"hidden_{i + 1}" for i in range(len(kernels))]
    rows, product = [], None
    for name, kernel, slope in zip(names, kernels, slopes):
        w = np.asarray(kernel, dtype=float)
        d = np.asarray(slope, dtype=float)
        jac = d[:, :, None] * w.T[None]  # (probes, units, fan_in)
        sv = singular_values(jac)
        rows.append({"layer": name, "jacobian_sv_mean": float(sv.mean()),
                     "jacobian_sv_max": float(sv.max())})
        product = jac if product is None else jac @ product
    end = singular_values(product) if product is not None else np.zeros((0, 0))
    return Spectra(pd.DataFrame(rows, columns=["layer", "jacobian_sv_mean", "jacobian_sv_max"]),
                   end)


def singular_values(matrices: np.ndarray) -> np.ndarray:
    """Singular values of a stack of matrices (..., m, n), descending, (..., min(m, n)).

    From the eigenvalues of the smaller Gram matrix (J J^T or J^T J): about 6x faster than an SVD
    for 1000 x 1000, and as exact for the mean and the largest; values below ~1e-8 of the largest
    come out as rounding noise.
    """
    m = np.asarray(matrices, dtype=float)
    t = np.swapaxes(m, -1, -2)
    gram = m @ t if m.shape[-2] <= m.shape[-1] else t @ m
    return np.sqrt(np.maximum(np.linalg.eigvalsh(gram), 0.0))[..., ::-1]


def mean_and_max(kernels, slopes) -> tf.Tensor:
    """Every layer's `jacobian_sv_mean` and `jacobian_sv_max`, as `spectra` takes them, in
    TensorFlow: the training graph takes them at a logged epoch without leaving it.

    The Gram matrix on each layer's smaller side (J J^T = d d^T * W^T W, or J^T J =
    W diag(d^2) W^T, with d = f'(z) at one probe) is zero-padded to the largest one, so that one
    eigensolver call takes all layers and probes (each op costs tracing time); padding adds
    zero eigenvalues only, and a layer keeps its own top min(units, fan_in).

    Args:
        kernels: one (fan_in, units) kernel per layer.
        slopes: one (probes, units) tensor per layer, f'(z) at the probe examples.

    Returns:
        (layers, 2) float32: the mean singular value over the probes, the largest; NaN for a
        layer whose kernel or slopes are not finite (a diverged run), where the eigensolver
        would fail.
    """
    sides = [min(int(k.shape[0]), int(k.shape[1])) for k in kernels]
    size = max(sides)
    grams = []
    for kernel, slope, side in zip(kernels, slopes, sides):
        w = tf.cast(tf.convert_to_tensor(kernel), tf.float64)
        d = tf.cast(slope, tf.float64)  # (probes, units)
        if w.shape[1] <= w.shape[0]:  # (probes, units, units)
            gram = d[:, :, None] * tf.matmul(w, w, transpose_a=True)[None] * d[:, None, :]
        else:  # (probes, fan_in, fan_in)
            gram = tf.einsum("iu,pu,ju->pij", w, d * d, w)
        grams.append(tf.pad(gram, [[0, 0], [0, size - side], [0, size - side]]))
    gram = tf.stack(grams)  # (layers, probes, size, size)
    finite = tf.reduce_all(tf.math.is_finite(gram), axis=[1, 2, 3])
    gram = tf.where(finite[:, None, None, None], gram, tf.zeros_like(gram))
    sv = tf.sqrt(tf.maximum(tf.linalg.eigvalsh(gram), 0.0))  # ascending
    own = tf.range(size)[None, :] >= size - tf.constant(sides)[:, None]  # (layers, size)
    count = tf.cast(tf.shape(gram)[1] * tf.constant(sides), tf.float64)
    mean = tf.reduce_sum(sv * tf.cast(own, tf.float64)[:, None, :], axis=[1, 2]) / count
    value = tf.stack([mean, tf.reduce_max(sv, axis=[1, 2])], axis=1)
    return tf.cast(tf.where(finite[:, None], value, tf.constant(np.nan, tf.float64)), tf.float32)
