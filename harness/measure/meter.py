"""The meter: everything the model measures, behind one object the model owns.

Per-layer statistics (their math is `harness.measure.stats`), histograms
(`harness.measure.histograms`), their column layout, the epoch's totals and batch norm's two
columns. The training loop (`harness.training.loop`) and the recorder
(`harness.training.recorder.Recorder`) talk to it only through:

- a pass: `watched(taps)`, the tensors whose gradient the pass takes besides the weights'; then
  `step(taps, grads, watched_grads, unscale)` -> `Step`;
- a training step: `kernels()` before the optimizer's update, `update(step, before)` after it;
- initialisation: `initial(step)` -> `Measures` of one batch (and the histograms' axes);
- an epoch: `begin_epoch(histograms)`, `end_epoch(logged, taps_at)` -> `Measures` (tensors of
  `metered.DTYPES`; on a logged epoch the layer Jacobians too, once `measure_jacobians` declared
  them);
  `variables`, its whole state (a compiled loop handed to the next run copies it);
- the run folder: `entries(measures, logged)`, what an epoch adds to each of `FILES`, and
  `frame(file, items)`, those entries as the file's tidy rows.

How a layer type plugs in: `harness.measure.metered`.
"""
from collections.abc import Sequence

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from harness.catalog import activations, slopes
from harness.measure import jacobian
from harness.measure.histograms import COLUMNS, Histograms
from harness.measure.metered import (
    JACOBIAN_STATS,
    Measures,
    MeteredLayer,
    Taps,
    flat_kernel,
    rows,
    side_by_side,
)
from harness.measure.stats import LayerStatistics, Step, l2_norm

MAP_VALUES = 1 << 22  # values of one conv layer's maps a pass outside training holds (16 MB)
BN_STATS = ("bn_gamma_grad_norm", "bn_beta_grad_norm")
FILES = ("layers.csv", "histograms.csv", "timesteps.csv")  # the files the meter's measures fill


class EpochTotals(keras.metrics.Metric):
    """One epoch of layer statistics: their sum over steps, the units ever active, histograms.

    One update per step for all layers.

    Args:
        statistics: the meter's `LayerStatistics`.
        histogram_size: bins of the meter's `Histograms`.
        columns: statistics per layer: `statistics.names`, then batch norm's if any.
    """

    def __init__(self, statistics: LayerStatistics, histogram_size: int, columns: int,
                 name="epoch_totals"):
        super().__init__(name=name)
        self.statistics = statistics
        shape = (statistics.n, columns)
        self.total = self.add_variable(shape=shape, initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        units = int(statistics.unit_layer.shape[0])
        self.alive = self.add_variable(shape=(units,), initializer="zeros", name="alive")
        self.histogram = self.add_variable(shape=(histogram_size,), initializer="zeros",
                                           dtype="int64", name="histogram")

    def update_state(self, values, active, counts):
        self.total.assign_add(tf.cast(values, self.total.dtype))
        self.count.assign_add(1.0)
        self.alive.assign(tf.maximum(self.alive, active))
        self.histogram.assign_add(counts)

    def result(self):
        """The (layers, statistics) matrix of the epoch so far."""
        return self.statistics.epoch_result(self.total / tf.maximum(self.count, 1.0), self.alive)


class Meter:
    """Measures a model's layers: statistics every step, histograms on the logged epochs.

    Args:
        layers: the measured layers, the output layer last (`MeteredLayer`).
    """

    def __init__(self, layers: Sequence[MeteredLayer]):
        self.layers = list(layers)
        self.layer_names = [layer.name for layer in self.layers]
        units = [layer.units for layer in self.layers]
        entries = [activations.get(layer.activation) for layer in self.layers]
        # One row count for all layers (Dense), or reductions layer by layer (conv maps, pools).
        same_rows = len({layer.positions for layer in self.layers}) == 1
        self.statistics = LayerStatistics(
            units, [int(flat_kernel(layer.kernel).shape.num_elements()) for layer in self.layers],
            [e.flat for e in entries], self.layers[0].bias is not None,
            kernels=[flat_kernel(layer.kernel) for layer in self.layers], same_rows=same_rows)
        self.histograms = Histograms(units, [e.bounds for e in entries], same_rows,
                                     [layer.positions for layer in self.layers])
        self.has_norms = any(layer.norm is not None for layer in self.layers)
        self.columns = self.statistics.names + (list(BN_STATS) if self.has_norms else [])
        self.totals = EpochTotals(self.statistics, self.histograms.size, len(self.columns))
        # Layers sharing an elementwise activation and a row count get their slope in one
        # `slopes.in_graph` call; a user's function is called per layer (it may not be
        # elementwise), and so is a conv layer (its maps are large: putting them side by side and
        # splitting the result copied each twice, more than the slope itself costs).
        groups = {}
        for i, layer in enumerate(self.layers):
            name = layer.activation
            alone = ":" in name or layer.positions > 1
            groups.setdefault((name, i if alone else layer.positions), []).append(i)
        self.groups = [(name, idx) for (name, _), idx in groups.items()]  # (name, layers)
        self.time = None  # the epoch's sum of `Measures.time`, once `declare_states` made it
        self.time_rows: list[tuple[str, str]] = []  # (layer, metric) per row of `Measures.time`
        self.jacobian_layers = 0  # the first layers whose Jacobians `measure_jacobians` declared
        self.probes = 0  # the training examples they are taken at

    def declare_states(self, rows: list[tuple[str, str]], steps: int) -> None:
        """A recurrent model's states: (layer, metric) per row of `Measures.time`, T steps."""
        self.time_rows = list(rows)
        self.steps = steps
        self.time = tf.Variable(tf.zeros((len(rows), steps)), trainable=False, name="time_total")

    def measure_jacobians(self, layers: int, probes: int) -> None:
        """Takes the Jacobians of the first `layers` layers (a plain Dense stack's hidden layers)
        at the first `probes` training examples at the end of every logged epoch.

        Declared before the training graph is traced, once `harness.measure.propagation` found that
        they apply (where it took them at initialisation).
        """
        self.jacobian_layers, self.probes = layers, probes

    def jacobians(self, taps: Taps):
        """(`jacobian_layers`, 2): the declared layers' `jacobian.mean_and_max` at `taps`,
        the model's pass over the probe examples in inference mode; f'(u) as the statistics take
        it (u is z in a plain Dense stack)."""
        n = self.jacobian_layers
        return jacobian.mean_and_max([layer.kernel for layer in self.layers[:n]],
                                     self._slopes(taps.u)[:n])

    def examples_per_pass(self, most: int) -> int:
        """Examples a forward pass outside training (evaluation, the initial pass over the
        training set) takes at once: `most`, or fewer where that many would give a conv layer
        maps of more than `MAP_VALUES` values.

        A conv layer's maps hold positions x channels values per example (conv_sigmoid's first:
        12,544): MNIST's 10,000 test images in one pass held 0.5 GB per map and took a run
        from 0.8 to 3.4 GB. Dense and recurrent layers leave `most` as it is, and so their
        numbers.
        """
        largest = max((layer.units * layer.positions for layer in self.layers
                       if layer.positions > 1), default=0)
        return max(1, min(most, MAP_VALUES // largest)) if largest else most

    @property
    def not_measured(self) -> set[tuple[str, str]]:
        """(layer, column) pairs that do not exist (a layer without batch norm has no BN
        columns)."""
        if not self.has_norms:
            return set()
        return {(layer.name, s) for layer in self.layers if layer.norm is None for s in BN_STATS}

    @property
    def variables(self) -> list:
        """The meter's state: the epoch's totals, the initial kernels, the histogram axes."""
        h = self.histograms
        time = [self.time] if self.time is not None else []
        return [*self.totals.variables, *self.statistics.init_kernels, h.low, h.width, h.on,
                *time]

    # --- one pass -------------------------------------------------------------------------------

    def watched(self, taps: Taps) -> list:
        """The tensors whose gradient the pass takes besides the weights' (each layer's z, then
        each recurrent state of every step)."""
        return [t for tensors in (*taps.z, *self._states(taps)) for t in
                (tensors if isinstance(tensors, list) else [tensors])]

    @staticmethod
    def _states(taps: Taps) -> list:
        """Per row of `Measures.time`, a recurrent layer's states (h_t, then LSTM's c_t)."""
        rows = []
        for i, h in enumerate(taps.h):
            rows.append(h)
            if taps.c and taps.c[i] is not None:
                rows.append(taps.c[i])
        return rows

    def step(self, taps: Taps, grads: dict, watched_grads: list, unscale) -> Step:
        """The per-layer tensors one pass measured.

        Args:
            taps: what the layers computed.
            grads: id(variable) -> its gradient of the scaled loss.
            watched_grads: the gradients of the scaled loss for `watched(taps)`, in its order.
            unscale: 1 / the optimizer's loss scale.
        """
        kernels = [flat_kernel(tuple(grads[id(k)] for k in layer.kernel))
                   if isinstance(layer.kernel, tuple) else grads[id(layer.kernel)]
                   for layer in self.layers]
        biases = ([self._bias_grad(layer, grads[id(layer.bias)]) for layer in self.layers]
                  if self.layers[0].bias is not None else None)
        norm_grads = self._norm_grads(grads, unscale) if self.has_norms else None
        watched_grads = list(watched_grads)
        z_grads = []
        for z in taps.z:  # a recurrent layer's steps side by side, as its taps
            n = len(z) if isinstance(z, list) else 1
            z_grads.append(side_by_side(watched_grads[:n]) if isinstance(z, list)
                           else watched_grads[0])
            watched_grads = watched_grads[n:]
        # f'(u) of the maps as the layers computed them: TensorFlow then finds f(u) already
        # computed by the forward pass (a conv layer's reshaped maps would be new inputs to f)
        derivs = rows(self._slopes([side_by_side(t) for t in taps.u]))
        # a conv layer's positions as rows
        z_grads, u, a = (rows([side_by_side(t) for t in taps_])
                         for taps_ in (z_grads, taps.u, taps.a))
        time = None
        if self.time is not None:  # ||dL/dh_t|| per state row and step, of the unscaled loss
            time = tf.reshape(tf.stack([l2_norm(g) for g in watched_grads]),
                              (len(self.time_rows), self.steps)) * unscale
        return Step(kernels, biases, z_grads, u, a, derivs, unscale, norm_grads, time)

    @staticmethod
    def _bias_grad(layer, grad):
        """A bias gradient with one entry per unit, as the statistics sum it: a recurrent
        layer's (gates, or units at every step) is its norm in the first entry, zeros after."""
        if int(np.prod(grad.shape)) == layer.units:
            return grad
        norm = l2_norm(grad)[None]
        return tf.concat([norm, tf.zeros((layer.units - 1,))], axis=0)

    def kernels(self) -> list:
        """The kernels' values now, as tensors (read before an update to measure it)."""
        return [tf.convert_to_tensor(flat_kernel(layer.kernel)) for layer in self.layers]

    def _slopes(self, u):
        """Each layer's f'(u) at the activation's inputs u (`harness.catalog.slopes.in_graph`),
        a group of layers (`groups`) in one call.

        Args:
            u: per layer, the activation's input, (batch, ..., units).

        Returns:
            A list of f'(u), one per layer, each shaped as its `u`.
        """
        derivs = [None] * len(u)
        for name, idx in self.groups:
            fn = self.layers[idx[0]].fn
            for i, d in zip(idx, slopes.in_graph(name, fn, [u[i] for i in idx])):
                derivs[i] = d
        return derivs

    # Batch norm's own parameters: two statistics columns beside `LayerStatistics`' ones, on the
    # row of the layer each BN follows (0 on a row without one, which layers.csv leaves out).
    def _norm_grads(self, grads, unscale):
        rows = [tf.stack([l2_norm(grads[id(layer.norm.gamma)]),
                          l2_norm(grads[id(layer.norm.beta)])])
                if layer.norm is not None else tf.zeros((2,)) for layer in self.layers]
        return tf.stack(rows) * unscale

    def _matrix(self, step: Step, before, after=None):
        """(the (layers, columns) statistics of one step, the units active in it)."""
        stats, active = self.statistics(step, before, after)
        if step.norm_grads is not None:
            stats = tf.concat([stats, step.norm_grads], axis=1)
        return stats, active

    # --- training -------------------------------------------------------------------------------

    def update(self, step: Step, before: list) -> None:
        """Adds one training step to the epoch's totals (its histogram counts when logging).

        Args:
            step: the step's `Step`.
            before: `kernels()` as read before the optimizer's update.
        """
        stats, active = self._matrix(step, before, self.kernels())
        h = self.histograms
        counts = tf.cond(h.on, lambda: h(step), lambda: tf.zeros((h.size,), tf.int64))
        self.totals.update_state(stats, active, counts)
        if self.time is not None:
            self.time.assign_add(step.time)

    def initial(self, step: Step) -> Measures:
        """The statistics (`update_ratio` NaN) and histogram counts of one batch, with no update.

        The run records it as epoch 0 (the histograms' axes are fixed when the model is built).
        """
        stats, _ = self._matrix(step, self.kernels())
        return Measures(np.asarray(stats), np.asarray(self.histograms(step)),
                        np.asarray(step.time) if self.time is not None else np.zeros((0, 0)),
                        np.zeros((0, len(JACOBIAN_STATS)), np.float32))

    def begin_epoch(self, histograms) -> None:
        """Zeroes the epoch's totals; `histograms` (bool, or a bool tensor) says whether this
        epoch counts them."""
        self.totals.reset_state()
        self.histograms.on.assign(histograms)
        if self.time is not None:
            self.time.assign(tf.zeros_like(self.time))

    def end_epoch(self, logged=False, taps_at=None) -> Measures:
        """The epoch's `Measures` once its last step is done, as tensors.

        Args:
            logged: whether the epoch is logged (bool, or a bool tensor): the declared layer
                Jacobians are taken then, once per logged epoch, not per step.
            taps_at: n -> the model's `Taps` at the first n training examples in inference mode
                (`forward(x[:n]).taps`); called inside the branch a logged epoch takes, and
                only when `measure_jacobians` declared layers.
        """
        time = (self.time / tf.maximum(self.totals.count, 1.0) if self.time is not None
                else tf.zeros((0, 0)))
        shape = (self.jacobian_layers, len(JACOBIAN_STATS))
        if self.jacobian_layers and taps_at is not None:
            # a pass over a few probes, no training step: no random state is drawn or changed
            jac = tf.cond(tf.convert_to_tensor(logged),
                          lambda: self.jacobians(taps_at(self.probes)), lambda: tf.zeros(shape))
        else:
            jac = tf.zeros((0, shape[1]))
        return Measures(self.totals.result(), tf.identity(self.totals.histogram), time, jac)

    # --- the run folder -------------------------------------------------------------------------

    @property
    def files(self) -> tuple:
        """The `FILES` this model's measures fill (timesteps.csv only with recurrent layers)."""
        return tuple(f for f in FILES if f != "timesteps.csv" or self.time_rows)

    def entries(self, measures: Measures, logged: bool) -> dict:
        """What one epoch adds to each of `FILES`: its statistics always (`layers.csv`: with the
        layer Jacobians when the epoch is `logged`), its histogram counts when it is `logged`."""
        jac = measures.jacobian if logged else np.zeros((0, len(JACOBIAN_STATS)))
        out = {"layers.csv": (np.asarray(measures.stats), np.asarray(jac))}
        if logged:
            out["histograms.csv"] = np.asarray(measures.counts)
            if self.time_rows:
                out["timesteps.csv"] = np.asarray(measures.time)
        return out

    def frame(self, file: str, items: list) -> pd.DataFrame:
        """Tidy rows of one of `FILES` from its `(epoch, entry)` items."""
        rows = {"layers.csv": self._layer_rows, "histograms.csv": self._histogram_rows,
                "timesteps.csv": self._time_rows}
        return rows[file](items)

    def _layer_rows(self, items) -> pd.DataFrame:
        missing = self.not_measured
        rows = []
        for epoch, (matrix, jac) in items:
            rows += [(epoch, layer, stat, float(matrix[i, j]))
                     for i, layer in enumerate(self.layer_names)
                     for j, stat in enumerate(self.columns)
                     if (epoch or stat != "update_ratio")  # no update at initialisation
                     and (layer, stat) not in missing]
            # metric by metric, as epoch 0's rows from `harness.measure.propagation`; no row for a
            # value not taken (the weights of a diverged epoch)
            rows += [(epoch, layer, stat, float(jac[i, j]))
                     for j, stat in enumerate(JACOBIAN_STATS)
                     for i, layer in enumerate(self.layer_names[:len(jac)])
                     if np.isfinite(jac[i, j])]
        frame = pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])
        return frame.astype({"value": np.float32})  # as measured (written: 6 digits)

    def _histogram_rows(self, items) -> pd.DataFrame:
        if not items:
            return pd.DataFrame(columns=COLUMNS)
        return pd.concat([self.histograms.frame(epoch, counts, self.layer_names)
                          for epoch, counts in items], ignore_index=True)

    def _time_rows(self, items) -> pd.DataFrame:
        """timesteps.csv: epoch, layer, step (1 .. T), metric (h_grad_norm, c_grad_norm), value."""
        rows = [(epoch, layer, t + 1, metric, float(matrix[r, t]))
                for epoch, matrix in items
                for r, (layer, metric) in enumerate(self.time_rows)
                for t in range(matrix.shape[1])]
        frame = pd.DataFrame(rows, columns=["epoch", "layer", "step", "metric", "value"])
        return frame.astype({"value": np.float32})
