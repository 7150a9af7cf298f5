"""Histograms of every layer's activations, pre-activations and gradients, binned in the graph.

Four quantities per layer, on bins fixed for the whole run so that epochs and runs compare (the
quantities keep the names `histograms.csv` has always written):
- `activation` a = f(u) on a linear axis over the activation's range where it is bounded
  (sigmoid [0, 1], tanh [-1, 1]);
- `preactivation` u (the activation's input), and the activation where it is unbounded (ReLU), on
  a symmetric log axis (`scale` `symlog`): t = sign(x) (1 + log10(|x| / 1e-4)) beyond 1e-4, linear
  within, eighth-decade bins from -1e3 to 1e3. It is fixed for the run, yet holds what every
  epoch holds: a linear axis fixed from the values at initialisation (relu_deep's last layer:
  [0, 0.05]) put most of epoch 30's values (spread ~2.5) into its end bin;
- `preact_grad` dL/dz and `kernel_grad` dL/dW, on a log10|g| axis from 1e-12 to 1e2, so that a
  starved layer's 1e-8 and a healthy layer's 1e-1 sit on one picture.
Values beyond the axis count in its end bins (so exact zeros, log10|0| = -inf, count in the first
bin of the log axis) and the counts of a step sum to the number of values counted: every value,
except a conv layer's maps of more than `SAMPLED_POSITIONS` positions, of which a fixed sample of
positions is counted in every channel (`sampled_positions`; `histograms.csv` then has a
`counted_fraction` column, the share of the quantity's values counted). `histograms.csv` leaves
out the bins that counted nothing but a histogram's two ends (`Histograms.frame`).

Like `harness.measure.stats`, a per-unit quantity is binned for all layers at once: a bin index per
value, offset by its layer, and one `bincount`; kernel gradients, of a different shape per layer,
get one `bincount` per layer. Layers whose row counts differ (conv maps, `harness.measure.stats`)
get their bin positions layer by layer, counted in the same one `bincount`. A few elementwise ops
per value, and only on the epochs the schedule logs.
"""

import math

import numpy as np
import pandas as pd
import tensorflow as tf

from harness.base.frames import SYM_THRESHOLD, symexp

QUANTITIES = ("activation", "preactivation", "preact_grad", "kernel_grad")
LINEAR_BINS = 50
LOG_LOW, LOG_HIGH, LOG_BINS = -12.0, 2.0, 56  # quarter-decade bins on log10|g|
SYM_DECADES, SYM_PER_DECADE = 7, 8  # symlog: linear below SYM_THRESHOLD (1e-4), up to 1e3
SYM_HALF = (SYM_DECADES + 1) * SYM_PER_DECADE  # bins on each side of 0 (the linear part: 1 unit)
SYM_BINS = 2 * SYM_HALF
COLUMNS = ["epoch", "layer", "quantity", "scale", "bin_left", "bin_right", "count"]
# A conv layer's activation, pre-activation and dL/dz histograms count this many of its positions
# per example and channel: all of them cost ~1.3 plain epochs per epoch (conv_sigmoid: ~18M values
# a step; issue 25). Layers with fewer positions, Dense and recurrent layers count every value.
SAMPLED_POSITIONS = 32
SAMPLED_COLUMN = "counted_fraction"  # written only when a layer is sampled (conv runs)


def sampled_positions(positions: int) -> np.ndarray | None:
    """The positions (row-major, of `positions` per example) a layer's histograms count, or None
    for all: `SAMPLED_POSITIONS` of them, fixed by the map's size (seeded), sorted, so every
    step, epoch and run of one architecture counts the same ones."""
    if positions <= SAMPLED_POSITIONS:
        return None
    rng = np.random.default_rng(positions)
    return np.sort(rng.choice(positions, SAMPLED_POSITIONS, replace=False)).astype(np.int32)


def symlog_edges() -> np.ndarray:
    """The `symlog` axis' bin edges in the values' own units, (SYM_BINS + 1,)."""
    t = (np.arange(SYM_BINS + 1) - SYM_HALF) / SYM_PER_DECADE
    return np.array([float(f"{e:.10g}") for e in symexp(t)])


class Histograms:
    """Counts values into each layer's bins, one step at a time.

    Args:
        units: units per layer.
        bounds: per layer, the activation's output range `(low, high)`, or None when unbounded.
        same_rows: whether every layer's tensors have the same rows (as `LayerStatistics`).
        positions: per layer, values per example and unit (`MeteredLayer.positions`; a conv
            layer's rows are its positions), or None for 1 each.
    """

    def __init__(self, units, bounds, same_rows=True, positions=None):
        layers = np.arange(len(units))
        self.units, self.same_rows = list(units), same_rows
        self.positions = list(positions) if positions is not None else [1] * len(units)
        self.samples = [sampled_positions(p) for p in self.positions]
        self.n = len(units)
        self.bounds = list(bounds)
        self.unit_layer = tf.constant(np.repeat(layers, units), tf.int32)
        # (activation, preactivation) x layers: linear (a bounded activation's output) or symlog
        self.linear = np.array([[b is not None for b in self.bounds], [False] * self.n])
        low = np.array([[b[0] if b else 0.0 for b in self.bounds], [0.0] * self.n])
        width = np.array([[(b[1] - b[0]) / LINEAR_BINS if b else 1.0 for b in self.bounds],
                          [1.0] * self.n])
        self.sizes = np.where(self.linear, LINEAR_BINS, SYM_BINS)  # (2, layers) bins
        # the left edge and the width of the linear bins (a variable: the meter's state)
        self.low = tf.Variable(low.astype(np.float32), trainable=False, name="histogram_low")
        self.width = tf.Variable(width.astype(np.float32), trainable=False,
                                 name="histogram_width")
        # Read by the training step: only the epochs the schedule logs pay for the histograms.
        self.on = tf.Variable(False, trainable=False, name="histograms_on")
        self.size = int(self.sizes.sum()) + 2 * self.n * LOG_BINS
        self._axes = low, width  # as written
        self._bins = None  # (layer names, bins table, ends): see `bins`

    def __call__(self, step):
        """The bin counts of one step, (size,) int64, quantity by quantity, layer by layer.

        Args:
            step: a `harness.measure.stats.Step`.
        """
        return self._counts(step.a, step.u, step.z_grads, step.kernel_grads, step.unscale)

    def _counts(self, a, u, z_grads, kernel_grads, unscale):
        def count(tensors, place, first, bins, size):
            """Counts values at bin positions `place(x, cols, layer)`: x a layer's (rows, units)
            values (or every layer's side by side: `layer` None), `cols` their slice of the
            per-unit vectors; each unit's axis starts at `first` and has `bins` bins (per-unit
            vectors, (all units,))."""
            tensors = [self._sampled(t, layer) for layer, t in enumerate(tensors)]
            if self.same_rows:  # (batch, all units)
                x = tf.cast(tf.concat(tensors, axis=1), tf.float32)
                return self._count(place(x, slice(None), None), first, bins, size)
            # Layer by layer (a conv layer's rows are its positions), each onto its own axis
            # within 0 .. size - 1, and the layers' counts added: the counts of one count over
            # all, without a copy of every value into one tensor (a conv step bins millions).
            parts, start = [], 0
            for layer, (t, n) in enumerate(zip(tensors, self.units)):
                cols, start = slice(start, start + n), start + n
                at = place(tf.cast(t, tf.float32), cols, layer)
                parts.append(self._count(at, first[cols], bins[cols], size))
            return tf.add_n(parts)

        counts = []
        for q, values in enumerate((a, u)):
            sizes = self.sizes[q]
            first = tf.gather(tf.constant(np.cumsum(sizes) - sizes, tf.float32), self.unit_layer)
            bins = tf.gather(tf.constant(sizes, tf.float32), self.unit_layer)
            linear = scale = shift = None
            if self.linear[q].any():
                linear = tf.gather(tf.constant(self.linear[q]), self.unit_layer)
                scale = tf.gather(1.0 / self.width[q], self.unit_layer)
                shift = -tf.gather(self.low[q] / self.width[q], self.unit_layer)

            def place(x, cols, layer, linear=linear, scale=scale, shift=shift, first=first,
                      q=q):
                if layer is not None and linear is not None:  # one layer: one axis, known
                    position = (x * scale[cols] + shift[cols] if self.linear[q][layer]
                                else _symlog_bin(x))
                else:
                    position = _symlog_bin(x)
                    if linear is not None:
                        position = tf.where(linear[cols], x * scale[cols] + shift[cols],
                                            position)
                return position + first[cols]

            counts.append(count(values, place, first, bins, int(sizes.sum())))
        # log10|g| in bin widths from the axis' left end: ln|g| / (ln 10 * width) - low / width
        log_scale = 1.0 / (math.log(10.0) * (LOG_HIGH - LOG_LOW) / LOG_BINS)
        log_shift = -LOG_LOW * LOG_BINS / (LOG_HIGH - LOG_LOW)
        first = tf.cast(self.unit_layer, tf.float32) * LOG_BINS
        counts.append(count(
            z_grads, lambda x, cols, _: (tf.math.log(tf.abs(x * unscale)) * log_scale
                                         + log_shift + first[cols]),
            first, tf.fill(tf.shape(first), float(LOG_BINS)), self.n * LOG_BINS))
        # Kernels differ in shape: one small count per layer, no per-weight layer index.
        for g in kernel_grads:
            log = tf.math.log(tf.abs(tf.reshape(tf.cast(g, tf.float32), [-1]) * unscale))
            counts.append(self._count(log * log_scale + log_shift, 0.0, LOG_BINS, LOG_BINS))
        return tf.concat(counts, axis=0)

    def _sampled(self, t, layer):
        """A layer's (rows, units) values at its counted positions only (`sampled_positions`)."""
        if self.samples[layer] is None:
            return t
        maps = tf.reshape(t, [-1, self.positions[layer], t.shape[-1]])  # (batch, positions, units)
        return tf.reshape(tf.gather(maps, self.samples[layer], axis=1), [-1, t.shape[-1]])

    def fractions(self) -> list[float]:
        """Per layer, the share of its activation, pre-activation and dL/dz values counted."""
        return [1.0 if idx is None else len(idx) / p
                for idx, p in zip(self.samples, self.positions)]

    @staticmethod
    def _count(position, first, bins, size):
        """Counts `position` (in bins; layer k's axis from `first` = k * bins) into `size` bins.

        Beyond the axis counts in its end bins; NaN (a diverged step) in one of them.
        """
        index = tf.cast(tf.clip_by_value(position, first, first + (bins - 1.0)), tf.int32)
        # A cast NaN is negative; every other index is within the axis already (clipped above).
        index = tf.maximum(tf.reshape(index, [-1]), 0)
        # The op itself: `tf.math.bincount`'s argument checks are a dozen more ops to trace.
        return tf.raw_ops.DenseBincount(input=index, size=size, weights=tf.zeros((0,), tf.int64),
                                        binary_output=False)

    def edges(self) -> list[tuple[str, str, np.ndarray]]:
        """Per quantity and layer (that order): (quantity, scale, bin edges)."""
        low, width = self._axes
        out = []
        for q, quantity in enumerate(QUANTITIES):
            for i in range(self.n):
                if q < 2 and self.linear[q, i]:
                    edges = low[q, i] + width[q, i] * np.arange(LINEAR_BINS + 1)
                    out.append((quantity, "linear", np.array([float(f"{e:.10g}")
                                                              for e in edges])))
                elif q < 2:
                    out.append((quantity, "symlog", symlog_edges()))
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
            if any(idx is not None for idx in self.samples):  # dL/dW: every weight counted
                share = [1.0 if quantity == "kernel_grad" else self.fractions()[k % self.n]
                         for k, (quantity, _, _) in enumerate(edges)]
                table[SAMPLED_COLUMN] = np.repeat([float(f"{f:.6g}") for f in share], sizes)
            ends = np.zeros(len(table), bool)
            ends[np.cumsum(sizes) - sizes] = ends[np.cumsum(sizes) - 1] = True
            self._bins = key, table, ends
        return self._bins[1:]

    def frame(self, epoch: int, counts, layer_names) -> pd.DataFrame:
        """One epoch's counts as tidy `histograms.csv` rows.

        Bins that counted nothing are left out (~30% of a 100-epoch ReLU run's: a layer's
        values sit in part of its axis), except each histogram's first and last, which keep the
        axis; `harness.base.frames.full_bins` puts them back.
        """
        table, ends = self.bins(layer_names)
        counts = np.asarray(counts, np.int64)
        keep = (counts > 0) | ends
        columns = COLUMNS + [SAMPLED_COLUMN] * (SAMPLED_COLUMN in table.columns)
        return table[keep].assign(epoch=epoch, count=counts[keep])[columns].reset_index(drop=True)


def _symlog_bin(x):
    """`symlog(x)` in bins from the axis' left end (-SYM_HALF / SYM_PER_DECADE), in the graph."""
    size = tf.abs(x)
    far = 1.0 + tf.math.log(tf.maximum(size, SYM_THRESHOLD) / SYM_THRESHOLD) / math.log(10.0)
    t = tf.where(size >= SYM_THRESHOLD, tf.sign(x) * far, x / SYM_THRESHOLD)
    return t * SYM_PER_DECADE + SYM_HALF
