"""The per-layer statistics of one training step, for all layers at once.

Every layer's units are laid side by side, (batch, all units), and each statistic is one segment
reduction over that matrix instead of a handful of ops per layer: a few dozen ops per step for any
depth, which keeps tracing and stepping cheap for deep, narrow networks (`bench/`).
"""

import numpy as np
import tensorflow as tf

STATS = ("grad_norm", "bias_grad_norm", "preact_grad_norm", "act_mean", "act_std", "saturation",
         "dead_fraction")


class LayerStatistics:
    """Computes `STATS` for a stack of Dense layers.

    Args:
        units: units per layer.
        fan_in: inputs per layer (kernel rows).
        flats: per layer, the activation's `(low, high)` flat region, or None.
        use_bias: whether the layers have biases (else `bias_grad_norm` is left out).
    """

    def __init__(self, units, fan_in, flats, use_bias=True):
        layers = np.arange(len(units))
        self.n = len(units)
        self.names = [s for s in STATS if use_bias or s != "bias_grad_norm"]
        self.unit_layer = tf.constant(np.repeat(layers, units), tf.int32)  # (all units,)
        self.weight_layer = tf.constant(np.repeat(layers, np.multiply(units, fan_in)), tf.int32)
        self.units = tf.constant(units, tf.float32)
        self.flat = None
        if any(flats):
            low = np.repeat([f[0] if f else -np.inf for f in flats], units)
            high = np.repeat([f[1] if f else np.inf for f in flats], units)
            self.flat = tf.constant(low, tf.float32), tf.constant(high, tf.float32)

    def __call__(self, kernel_grads, bias_grads, preact_grads, outputs, unscale=1.0):
        """Returns the (layers, statistics) matrix of one step.

        Args:
            kernel_grads, bias_grads: dL/dW and dL/db per layer (bias_grads ignored without bias).
            preact_grads: dL/dz per layer, (batch, units).
            outputs: each layer's activation output, (batch, units).
            unscale: 1 / the optimizer's loss scale.
        """
        a = tf.cast(tf.concat(outputs, axis=1), tf.float32)  # (batch, all units)
        mean = self._per_unit(tf.reduce_mean(a, axis=0))
        centred = a - tf.gather(mean, self.unit_layer)
        columns = {
            "grad_norm": self._norm(kernel_grads, self.weight_layer) * unscale,
            "preact_grad_norm": tf.sqrt(tf.math.unsorted_segment_sum(
                tf.reduce_sum(tf.square(tf.concat(preact_grads, axis=1)), axis=0),
                self.unit_layer, self.n)) * unscale,
            "act_mean": mean,
            "act_std": tf.sqrt(self._per_unit(tf.reduce_mean(tf.square(centred), axis=0))),
            "saturation": self._saturation(a),
            "dead_fraction": self._per_unit(tf.cast(tf.reduce_all(a == 0, axis=0), tf.float32)),
        }
        if "bias_grad_norm" in self.names:
            columns["bias_grad_norm"] = self._norm(bias_grads, self.unit_layer) * unscale
        return tf.stack([tf.cast(columns[s], tf.float32) for s in self.names], axis=1)

    def _per_unit(self, values):
        """Mean over each layer's units of a per-unit vector."""
        return tf.math.unsorted_segment_sum(values, self.unit_layer, self.n) / self.units

    def _norm(self, tensors, segments):
        flat = tf.concat([tf.reshape(tf.cast(t, tf.float32), [-1]) for t in tensors], axis=0)
        return tf.sqrt(tf.math.unsorted_segment_sum(tf.square(flat), segments, self.n))

    def _saturation(self, a):
        if self.flat is None:
            return tf.zeros((self.n,))
        low, high = self.flat
        return self._per_unit(tf.reduce_mean(tf.cast((a < low) | (a > high), tf.float32), axis=0))
