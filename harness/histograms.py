"""Histograms of every layer's activations, pre-activations and gradients, binned in the graph.

Four quantities per layer, on bins fixed for the whole run so that epochs and runs compare (the
quantities keep the names `histograms.csv` has always written):
- `activation` a = f(u) and `preactivation` u (the activation's input), on a linear axis: the
  activation's range where it is bounded (sigmoid [0, 1], tanh [-1, 1]), else a range set from the
  probe batch at initialisation (`set_ranges`);
- `preact_grad` dL/dz and `kernel_grad` dL/dW, on a log10|g| axis from 1e-12 to 1e2, so that a
  starved layer's 1e-8 and a healthy layer's 1e-1 sit on one picture.
Values beyond the axis count in its end bins (so exact zeros, log10|0| = -inf, count in the first
bin of the log axis) and the counts of a step sum to the number of values. `histograms.csv` leaves
out the bins that counted nothing but a histogram's two ends (`Histograms.frame`).

Like `harness.stats`, a per-unit quantity is binned for all layers at once: a bin index per value,
offset by its layer, and one `bincount`; kernel gradients, of a different shape per layer, get one
`bincount` per layer. Layers whose row counts differ (conv maps, `harness.stats`) get their bin
positions layer by layer, counted in the same one `bincount`. A few elementwise ops per value,
and only on the epochs the schedule logs.
"""

import math

import numpy as np
import pandas as pd
import tensorflow as tf

QUANTITIES = ("activation", "preactivation", "preact_grad", "kernel_grad")
LINEAR_BINS = 50
LOG_LOW, LOG_HIGH, LOG_BINS = -12.0, 2.0, 56  # quarter-decade bins on log10|g|
COLUMNS = ["epoch", "layer", "quantity", "scale", "bin_left", "bin_right", "count"]


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5 x 10^k at or above `x` (1 for 0 or a non-finite `x`)."""
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x * (1 - 1e-9))


class Histograms:
    """Counts values into each layer's bins, one step at a time.

    Args:
        units: units per layer.
        bounds: per layer, the activation's output range `(low, high)`, or None when unbounded.
        same_rows: whether every layer's tensors have the same rows (as `LayerStatistics`).
    """

    def __init__(self, units, bounds, same_rows=True):
        layers = np.arange(len(units))
        self.units, self.same_rows = list(units), same_rows
        self.n = len(units)
        self.bounds = list(bounds)
        self.unit_layer = tf.constant(np.repeat(layers, units), tf.int32)
        # (activation, preactivation) x layers: the left edge and the width of the linear bins
        self.low = tf.Variable(tf.zeros((2, self.n)), trainable=False, name="histogram_low")
        self.width = tf.Variable(tf.fill((2, self.n), 1.0 / LINEAR_BINS), trainable=False,
                                 name="histogram_width")
        # Read by the training step: only the epochs the schedule logs pay for the histograms.
        self.on = tf.Variable(False, trainable=False, name="histograms_on")
        self.size = self.n * (2 * LINEAR_BINS + 2 * LOG_BINS)
        self._axes = np.zeros((2, self.n)), np.full((2, self.n), 1.0 / LINEAR_BINS)  # as written
        self._bins = None  # (layer names, bins table, ends): see `bins`

    def set_ranges(self, a, u) -> None:
        """Fixes the linear axes from a batch at initialisation (lists of (batch, units)).

        A bounded activation's outputs use its range; anything else [0, R] when no value is
        negative, else [-R, R], with R twice the largest |value| rounded up to 1, 2 or 5 x 10^k
        (room for the values to grow while training).
        """
        low, width = np.zeros((2, self.n)), np.zeros((2, self.n))
        for q, tensors in enumerate((a, u)):
            for i, t in enumerate(tensors):
                values = np.asarray(t, np.float64)
                if q == 0 and self.bounds[i]:
                    lo, hi = self.bounds[i]
                else:
                    finite = values[np.isfinite(values)]
                    hi = nice_ceiling(2 * np.abs(finite).max()) if finite.size else 1.0
                    lo = 0.0 if finite.size and finite.min() >= 0 else -hi
                low[q, i], width[q, i] = lo, (hi - lo) / LINEAR_BINS
        self._axes = low, width
        self._bins = None
        self.low.assign(low.astype(np.float32))
        self.width.assign(width.astype(np.float32))

    def __call__(self, step):
        """The bin counts of one step, (size,) int64, quantity by quantity, layer by layer.

        Args:
            step: a `harness.stats.Step`.
        """
        return self._counts(step.a, step.u, step.z_grads, step.kernel_grads, step.unscale)

    def _counts(self, a, u, z_grads, kernel_grads, unscale):
        def count(tensors, scale, shift, first, bins, transform=lambda x: x):
            """Counts values at bin positions `transform(x) * scale + shift`, each unit's axis
            starting at `first` (per-unit vectors, (all units,))."""
            size = self.n * bins
            if self.same_rows:  # (batch, all units)
                x = transform(tf.cast(tf.concat(tensors, axis=1), tf.float32))
                return self._count(x * scale + shift, first, bins, size)
            # Layer by layer, each onto its own axis, then one count over all (0 .. size - 1).
            parts = [tf.reshape(tf.clip_by_value(transform(tf.cast(t, tf.float32)) * c + h, f,
                                                 f + (bins - 1)), [-1])
                     for t, c, h, f in zip(tensors, *(tf.split(v, self.units)
                                                       for v in (scale, shift, first)))]
            return self._count(tf.concat(parts, axis=0), 0.0, size, size)

        first = tf.cast(self.unit_layer, tf.float32) * LINEAR_BINS  # each unit's layer's bin 0
        counts = []
        for q, values in enumerate((a, u)):
            scale = tf.gather(1.0 / self.width[q], self.unit_layer)
            shift = first - tf.gather(self.low[q] / self.width[q], self.unit_layer)
            counts.append(count(values, scale, shift, first, LINEAR_BINS))
        # log10|g| in bin widths from the axis' left end: ln|g| / (ln 10 * width) - low / width
        scale = 1.0 / (math.log(10.0) * (LOG_HIGH - LOG_LOW) / LOG_BINS)
        shift = -LOG_LOW * LOG_BINS / (LOG_HIGH - LOG_LOW)
        first = tf.cast(self.unit_layer, tf.float32) * LOG_BINS
        if self.same_rows:
            log = tf.math.log(tf.abs(tf.cast(tf.concat(z_grads, axis=1), tf.float32) * unscale))
            counts.append(self._count(log * scale + shift + first, first, LOG_BINS,
                                      self.n * LOG_BINS))
        else:
            counts.append(count(z_grads, tf.fill(tf.shape(first), scale), first + shift, first,
                                LOG_BINS, lambda x: tf.math.log(tf.abs(x * unscale))))
        # Kernels differ in shape: one small count per layer, no per-weight layer index.
        for g in kernel_grads:
            log = tf.math.log(tf.abs(tf.reshape(tf.cast(g, tf.float32), [-1]) * unscale))
            counts.append(self._count(log * scale + shift, 0.0, LOG_BINS, LOG_BINS))
        return tf.concat(counts, axis=0)

    @staticmethod
    def _count(position, first, bins, size):
        """Counts `position` (in bins; layer k's axis from `first` = k * bins) into `size` bins.

        Beyond the axis counts in its end bins; NaN (a diverged step) in one of them.
        """
        index = tf.cast(tf.clip_by_value(position, first, first + (bins - 1)), tf.int32)
        index = tf.clip_by_value(tf.reshape(index, [-1]), 0, size - 1)  # a cast NaN: negative
        # The op itself: `tf.math.bincount`'s argument checks are a dozen more ops to trace.
        return tf.raw_ops.DenseBincount(input=index, size=size, weights=tf.zeros((0,), tf.int64),
                                        binary_output=False)

    def edges(self) -> list[tuple[str, str, np.ndarray]]:
        """Per quantity and layer (that order): (quantity, scale, bin edges)."""
        low, width = self._axes
        out = []
        for q, quantity in enumerate(QUANTITIES):
            for i in range(self.n):
                if q < 2:
                    edges = low[q, i] + width[q, i] * np.arange(LINEAR_BINS + 1)
                    out.append((quantity, "linear", np.array([float(f"{e:.10g}")
                                                              for e in edges])))
                else:
                    out.append((quantity, "log10_abs", np.linspace(LOG_LOW, LOG_HIGH,
                                                                   LOG_BINS + 1)))
        return out

    def bins(self, layer_names) -> tuple[pd.DataFrame, np.ndarray]:
        """Every bin of one epoch's counts, in their order, built once per run (and axes).

        Returns:
            `(table, ends)`: the `layer, quantity, scale, bin_left, bin_right` rows, and a mask of
            each histogram's first and last bin.
        """
        key = tuple(layer_names)
        if self._bins is None or self._bins[0] != key:
            edges = self.edges()
            sizes = np.array([len(e) - 1 for _, _, e in edges])
            table = pd.DataFrame({
                "layer": np.repeat([key[k % self.n] for k in range(len(edges))], sizes),
                "quantity": np.repeat([quantity for quantity, _, _ in edges], sizes),
                "scale": np.repeat([scale for _, scale, _ in edges], sizes),
                "bin_left": np.concatenate([e[:-1] for _, _, e in edges]),
                "bin_right": np.concatenate([e[1:] for _, _, e in edges])})
            ends = np.zeros(len(table), bool)
            ends[np.cumsum(sizes) - sizes] = ends[np.cumsum(sizes) - 1] = True
            self._bins = key, table, ends
        return self._bins[1:]

    def frame(self, epoch: int, counts, layer_names) -> pd.DataFrame:
        """One epoch's counts as tidy `histograms.csv` rows.

        Bins that counted nothing are left out (~30% of a 100-epoch ReLU run's: a layer's
        values sit in part of its axis), except each histogram's first and last, which keep the
        axis; `harness.frames.full_bins` puts them back.
        """
        table, ends = self.bins(layer_names)
        counts = np.asarray(counts, np.int64)
        keep = (counts > 0) | ends
        return table[keep].assign(epoch=epoch, count=counts[keep])[COLUMNS].reset_index(drop=True)
