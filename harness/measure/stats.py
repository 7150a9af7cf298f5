"""The per-layer statistics of one training step, for all layers at once.

Every layer's units are laid side by side, (batch, all units), and each statistic is one segment
reduction over that matrix instead of a handful of ops per layer: a few dozen ops per step for any
depth, which keeps tracing and stepping cheap for deep, narrow networks (`bench/`). Kernel-shaped
values (gradient, weights, update) are reduced to seven sums per layer the same way, by one
segment sum over the flattened kernels; for large kernels (MNIST's 784 x 128) a segment sum over
100k+ values costs about a millisecond, so there each layer's sums are one reduction of its own.

A unit's values are the rows of its column: a Dense unit has one per example, a conv channel one per
example and map position ((batch x height x width, channels), `harness.measure.meter`). Layers whose
row counts differ (conv maps of different sizes, the Dense head after global pooling) cannot be laid
side by side; each per-unit reduction is then taken layer by layer and its results laid side by side
(`LayerStatistics.columns`).

Norms are taken of values scaled by a power of two that brings their largest |x| into [1, 2)
(`powers_of_two`): a square of 1e-20 is below float32's smallest normal number and TensorFlow
flushes it to 0, so `tf.norm(tf.fill([64], 2e-20))` is 0.0 (a recurrent gradient at step 1 of
2,000 recorded as 0). Scaling by a power of two only moves the exponent, so every value that did
not underflow is the same to the last bit; a norm is 0 only where every value is exactly 0.
"""

from typing import NamedTuple

import numpy as np
import tensorflow as tf

STATS = ("grad_norm", "bias_grad_norm", "preact_grad_norm", "act_mean", "act_std", "saturation",
         "dead_fraction", "dead_fraction_batch", "grad_rms", "preact_grad_rms", "act_deriv_mean",
         "weight_norm", "update_ratio", "grad_data_ratio", "distance_from_init")


class Step(NamedTuple):
    """What one forward and backward pass measured, per layer (the output layer last).

    z is a layer's linear output, u the activation's input (z, or BN(z) with batch norm before
    the activation) and a = f(u) the activation's output.

    Attributes:
        kernel_grads, bias_grads: dL/dW and dL/db of the scaled loss (bias_grads None without
            bias).
        z_grads: dL/dz of the scaled loss, (rows, units).
        u: the activation's input, (rows, units).
        a: the activation's output f(u), (rows, units).
        derivs: f'(u) elementwise (softmax: the Jacobian's diagonal), (rows, units).
        unscale: 1 / the optimizer's loss scale.
        norm_grads: (layers, 2), the norms of dL/dgamma and dL/dbeta of the batch norm that
            follows each layer (unscaled; 0 for a layer without one), or None without batch norm.
        time: (state rows, T) ||dL/dh_t|| per recurrent state and step (unscaled), or None.
    """

    kernel_grads: list
    bias_grads: list | None
    z_grads: list
    u: list
    a: list
    derivs: list
    unscale: tf.Tensor
    norm_grads: tf.Tensor | None = None
    time: tf.Tensor | None = None


def powers_of_two(largest):
    """(down, up): powers of two with `largest * down` in [1, 2) and `up = 1 / down`, elementwise.

    Multiplying by a power of two is exact in floating point (short of overflow), so a norm taken
    as `up * norm(x * down)` equals `norm(x)` to the last bit wherever no square of x underflowed,
    and is right where some did. Built from the float32 exponent bits, not `2 ** -floor(log2)`,
    which is not exact; 0, subnormal, infinite or NaN `largest` get factors that leave 0, inf and
    NaN as they are.

    Args:
        largest: float32 tensor of max |x| (>= 0), any shape.

    Returns:
        Two float32 tensors shaped as `largest`.
    """
    exponent = tf.bitwise.bitwise_and(
        tf.bitwise.right_shift(tf.bitcast(tf.cast(largest, tf.float32), tf.int32), 23), 0xFF)
    exponent = tf.clip_by_value(exponent, 1, 253)  # 2 ** (exponent - 127) stays a normal float
    down = tf.bitcast(tf.bitwise.left_shift(254 - exponent, 23), tf.float32)
    up = tf.bitcast(tf.bitwise.left_shift(exponent, 23), tf.float32)
    return down, up


def l2_norm(x) -> tf.Tensor:
    """`||x||` of every value of `x`, float32, without the underflow of squaring tiny values."""
    x = tf.cast(x, tf.float32)
    down, up = powers_of_two(tf.reduce_max(tf.abs(x)))
    return tf.norm(x * down) * up


def flatten(tensors) -> tf.Tensor:
    """The tensors' values one after the other, (total size,) float32."""
    return tf.concat([tf.reshape(tf.cast(t, tf.float32), [-1]) for t in tensors], axis=0)


class LayerStatistics:
    """Computes `STATS` for a stack of layers whose units are laid side by side.

    Args:
        units: units per layer.
        weights: weights per layer (the size of its kernel).
        flats: per layer, the activation's `(low, high)` flat region, or None.
        use_bias: whether the layers have biases (else `bias_grad_norm` is left out).
        kernels: the layers' kernels at initialisation, kept for `distance_from_init`.
        same_rows: whether every layer's tensors have the same rows (Dense: one per example);
            else each per-unit reduction is taken layer by layer.
    """

    PER_LAYER_ABOVE = 50_000  # kernel weights in all; above it, kernel sums are taken per layer

    def __init__(self, units, weights, flats, use_bias=True, kernels=(), same_rows=True):
        layers = np.arange(len(units))
        self.same_rows = same_rows
        self.n = len(units)
        self.names = [s for s in STATS if use_bias or s != "bias_grad_norm"]
        self.unit_layer = tf.constant(np.repeat(layers, units), tf.int32)  # (all units,)
        weights = np.asarray(weights)
        self.weight_layer = tf.constant(np.repeat(layers, weights), tf.int32)  # (all weights,)
        self.units = tf.constant(units, tf.float32)
        self.weights = tf.constant(weights, tf.float32)
        self.init_kernels = [tf.Variable(k, trainable=False, name="init_kernel") for k in kernels]
        self.per_layer = int(weights.sum()) > self.PER_LAYER_ABOVE
        self.flat = None
        if any(flats):  # per layer
            self.flat = (tf.constant([f[0] if f else -np.inf for f in flats], tf.float32),
                         tf.constant([f[1] if f else np.inf for f in flats], tf.float32))

    def __call__(self, step: Step, kernels, kernels_after=None):
        """Returns the (layers, statistics) matrix of one step and the units active in it.

        Args:
            step: the pass's tensors.
            kernels: the kernels as the step found them (tensors, one per layer).
            kernels_after: the kernels after the optimizer's update; None when there was no
                update (epoch 0): `update_ratio` is then NaN.

        Returns:
            (matrix (layers, statistics), active (all units,): 1.0 where a unit output anything
            but 0 for some example of the batch).
        """
        a = step.a
        mean = self._per_unit(self.columns(a, lambda x, _: tf.reduce_mean(
            tf.cast(x, tf.float32), axis=0)))
        variance = self.columns(a, lambda x, layer: tf.reduce_mean(tf.square(
            tf.cast(x, tf.float32) - tf.gather(mean, layer)), axis=0))
        active = tf.cast(self.columns(a, _any_nonzero), tf.float32)
        # sums of squares of gradients scaled per layer by a power of two (`powers_of_two`),
        # so that tiny gradients do not square to 0; `dz_up` and `g_up` undo it, exactly
        dz_down, dz_up = powers_of_two(tf.math.unsorted_segment_max(self.columns(
            step.z_grads, lambda x, _: tf.reduce_max(tf.abs(tf.cast(x, tf.float32) * step.unscale),
                                                     axis=0)), self.unit_layer, self.n))
        dz_sq = tf.math.unsorted_segment_sum(self.columns(step.z_grads, lambda x, layer: (
            tf.reduce_sum(tf.square(tf.cast(x, tf.float32) * step.unscale
                                    * tf.gather(dz_down, layer)), axis=0))),
            self.unit_layer, self.n)
        rows = tf.cast(tf.stack([tf.shape(t)[0] for t in a]), tf.float32)  # per layer
        k, g_up = self._kernel_sums(step.kernel_grads, kernels, kernels_after, step.unscale)
        g_std, w_std, d_std = (self._std(k[:, i], k[:, i + 1]) for i in (0, 2, 4))
        columns = {
            "grad_norm": tf.sqrt(k[:, 1]) * g_up,
            "grad_rms": tf.sqrt(k[:, 1] / self.weights) * g_up,
            "preact_grad_norm": tf.sqrt(dz_sq) * dz_up,  # dL/dz (the column keeps its first name)
            "preact_grad_rms": tf.sqrt(dz_sq / (rows * self.units)) * dz_up,
            "act_mean": mean,
            "act_std": tf.sqrt(self._per_unit(variance)),
            "saturation": self._saturation(a),
            "dead_fraction": self._per_unit(1.0 - active),
            "dead_fraction_batch": self._per_unit(1.0 - active),
            "act_deriv_mean": self._per_unit(self.columns(step.derivs, lambda x, _: tf.reduce_mean(
                tf.abs(tf.cast(x, tf.float32)), axis=0))),
            "weight_norm": tf.sqrt(k[:, 3]),
            "grad_data_ratio": g_std * g_up / w_std,
            "distance_from_init": tf.sqrt(k[:, 6]),
            "update_ratio": (tf.fill([self.n], np.nan) if kernels_after is None
                             else d_std / w_std),
        }
        if "bias_grad_norm" in self.names:
            bias = flatten(step.bias_grads) * step.unscale
            down, up = powers_of_two(tf.math.unsorted_segment_max(
                tf.abs(bias), self.unit_layer, self.n))
            columns["bias_grad_norm"] = tf.sqrt(tf.math.unsorted_segment_sum(
                tf.square(bias * tf.gather(down, self.unit_layer)), self.unit_layer, self.n)) * up
        matrix = tf.stack([tf.cast(columns[s], tf.float32) for s in self.names], axis=1)
        return matrix, active

    def columns(self, tensors, reduce):
        """A per-unit reduction over rows of every layer, side by side: (all units,).

        Args:
            tensors: one (rows, units) tensor per layer.
            reduce: `(x (rows, units), layer) -> (units,)`, where `layer` gives each column's
                layer index for `tf.gather` on a per-layer vector.
        """
        if self.same_rows:
            return reduce(tf.concat(tensors, axis=1), self.unit_layer)
        return tf.concat([reduce(t, i) for i, t in enumerate(tensors)], axis=0)

    def _kernel_sums(self, grads, kernels, after, unscale):
        """Per layer, (layers, 7): the sums of g, g^2, W, W^2, dW, dW^2 and (W - W0)^2, with g
        scaled per layer by a power of two (`powers_of_two`); and (layers,) the factor that
        scales g's sums back (g's by it, g^2's by its square)."""
        def sums(g, w, w_after, w0):
            d = w - w if w_after is None else w_after - w
            return [g, tf.square(g), w, tf.square(w), d, tf.square(d), tf.square(w - w0)]

        after = after or [None] * self.n
        if self.per_layer:
            grads = [tf.cast(g, tf.float32) * unscale for g in grads]
            down, up = powers_of_two(tf.stack([tf.reduce_max(tf.abs(g)) for g in grads]))
            return tf.stack([tf.reduce_sum(tf.stack(sums(
                g * down[i], tf.cast(w, tf.float32),
                None if wa is None else tf.cast(wa, tf.float32), w0)),
                axis=list(range(1, w.shape.rank + 1)))  # (7, *kernel shape) -> (7,)
                for i, (g, w, wa, w0) in enumerate(zip(grads, kernels, after,
                                                       self.init_kernels))]), up
        flat_after = None if after[0] is None else flatten(after)
        g = flatten(grads) * unscale
        down, up = powers_of_two(tf.math.unsorted_segment_max(tf.abs(g), self.weight_layer,
                                                              self.n))
        values = sums(g * tf.gather(down, self.weight_layer), flatten(kernels), flat_after,
                      flatten(self.init_kernels))
        return tf.math.unsorted_segment_sum(tf.stack(values, axis=1), self.weight_layer,
                                            self.n), up

    def _std(self, total, squares):
        """Standard deviations from per-layer sums and sums of squares."""
        mean = total / self.weights
        return tf.sqrt(tf.maximum(squares / self.weights - tf.square(mean), 0.0))

    def epoch_result(self, means, alive):
        """The epoch's matrix: the steps' `means`, with `dead_fraction` over the whole epoch.

        Args:
            means: (layers, statistics), the mean over the epoch's steps.
            alive: (all units,), 1.0 for units that output anything but 0 in some step.
        """
        column = self.names.index("dead_fraction")
        dead = self._per_unit(1.0 - alive)
        return tf.concat([means[:, :column], dead[:, None], means[:, column + 1:]], axis=1)

    def _per_unit(self, values):
        """Mean over each layer's units of a per-unit vector."""
        return tf.math.unsorted_segment_sum(values, self.unit_layer, self.n) / self.units

    def _saturation(self, a):
        if self.flat is None:
            return tf.zeros((self.n,))
        low, high = self.flat

        def share(x, layer):
            x = tf.cast(x, tf.float32)
            outside = (x < tf.gather(low, layer)) | (x > tf.gather(high, layer))
            return tf.reduce_mean(tf.cast(outside, tf.float32), axis=0)

        return self._per_unit(self.columns(a, share))


def _any_nonzero(x, _=None):
    """Per column of (rows, units), whether any value is not 0; a NaN counts, as for `x != 0`.

    Two float reductions, max != 0 or min != 0 (TensorFlow's max and min return NaN where a
    column holds one): a boolean copy of `x` reduced with `any` took longer than the rest of a
    conv layer's per-unit statistics together.
    """
    return (tf.reduce_max(x, axis=0) != 0) | (tf.reduce_min(x, axis=0) != 0)
