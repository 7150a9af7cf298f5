"""The fast driver: many epochs per compiled TensorFlow call, statistics collected in the graph.

On toy data almost all of `model.fit`'s time is per-step and per-epoch Python overhead (iterators,
callbacks, a validation pass through `evaluate`), not arithmetic. Here one `tf.function` runs a
chunk of epochs: each step is the model's own `train_step` (same gradients, same statistics), each
epoch ends with a validation pass over the whole validation set, and the per-epoch logs come back
as tensors. The batches follow the same per-epoch orders as Keras' `model.fit` given them
(`tests/helpers/keras_fit.py`), and both train the same model (`tests/training/test_loop.py`).
"""

import math
import sys
from functools import partial
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

from harness.measure.metered import DTYPES, Measures
from harness.models.base import StatsModel
from harness.training.live_view import write_live_view

STEPS_PER_CALL = 500  # bounds the time between progress-bar updates, run-folder writes and the
# moments a stop request (Ctrl-C, SIGTERM) is seen: a longer epoch is split into several calls
ORDERS_PER_CALL = 1 << 24  # bounds a call's table of epoch orders (int32: 64 MB), for a batch
# of a million examples that would otherwise take 500 epochs of a million at once


class Chunk(NamedTuple):
    """The epochs one `EpochLoop.run` trained, one row per epoch.

    Attributes:
        train: the training logs, (epochs, `EpochLoop.names`).
        val: the validation logs, (epochs, `EpochLoop.val_names`).
        measures: the meter's `Measures`, each field with the epochs first.
        snapshots: the logged epochs' snapshots one below the other (`Snapshots.compute`'s rows
            each; no rows without snapshots).
        diverged: (epoch, step), counted from 1 within this chunk, of the first non-finite loss,
            or None.
    """

    train: np.ndarray
    val: np.ndarray
    measures: Measures
    snapshots: np.ndarray
    diverged: tuple[int, int] | None


class EpochLoop:
    """Trains `model` on in-memory tensors, a chunk of epochs (or part of one) per compiled call.

    Args:
        model: a compiled `StatsModel`.
        x, y: training inputs and labels (as the loss expects them).
        x_val, y_val: validation inputs and labels.
        batch_size: examples per step (the last step of an epoch takes the remainder).
        snapshots: the run's `harness.measure.snapshots.Snapshots`, taken inside the graph at the
        end of
            each logged epoch (so that a logged epoch does not end a chunk); None for none.
    """

    def __init__(self, model: StatsModel, x, y, x_val, y_val, batch_size: int, snapshots=None):
        self.model = model
        self.snapshots = snapshots if snapshots is not None and snapshots.taken else None
        grid = self.snapshots.inputs if self.snapshots else np.zeros((0, 1), np.float32)
        self.data = [tf.convert_to_tensor(a) for a in (x, y, x_val, y_val, grid)]
        self.snap_width = self.snapshots.width(model) if self.snapshots else 1
        self.batch_size = batch_size
        self.steps = math.ceil(len(x) / batch_size)
        # Build what Keras builds lazily (optimizer slots, compiled metrics): a tf.function may
        # not create variables inside its loops.
        model.optimizer.build(model.trainable_variables)
        model.compute_metrics(x[:1], y[:1], model(x[:1]))
        model.reset_metrics()
        self.names = list(model.get_metrics_result())
        self.val_names = [k for k in self.names if k not in model.train_only]
        n = len(x)
        specs = [tf.TensorSpec(a.shape, a.dtype) for a in self.data]
        self._run = tf.function(self._epochs, autograph=False, input_signature=[
            tf.TensorSpec((None, n), tf.int32), tf.TensorSpec((None,), tf.bool), *specs])
        step = tf.TensorSpec((), tf.int32)
        self._part = tf.function(self._steps, autograph=False, input_signature=[
            tf.TensorSpec((n,), tf.int32), step, step, *specs[:2]])
        self._close = tf.function(self._end_epoch, autograph=False, input_signature=[
            tf.TensorSpec((len(self.names),), tf.float32), tf.TensorSpec((), tf.bool),
            specs[0], *specs[2:]])

    def run(self, orders: np.ndarray, histograms=None) -> Chunk:
        """Trains one epoch per row of `orders` (each a permutation of the training examples).

        Args:
            orders: (epochs, examples).
            histograms: (epochs,) bools, the epochs whose histograms are counted; default none.
        """
        flags = np.zeros(len(orders), bool) if histograms is None else np.asarray(histograms)
        if self.steps > STEPS_PER_CALL and len(orders) == 1:
            return self._run_in_parts(orders[0], bool(flags[0]))
        train, val, *measures, snaps, where = (np.asarray(a) for a in self._run(
            tf.constant(orders, tf.int32), tf.constant(flags, tf.bool), *self.data))
        where = tuple(int(v) for v in where)
        return Chunk(train, val, Measures(*measures), snaps, where if where[0] else None)

    def _run_in_parts(self, order: np.ndarray, histograms: bool) -> Chunk:
        """One long epoch, `STEPS_PER_CALL` steps per compiled call; between calls Python sees
        signals, so Ctrl-C stops within seconds (the unfinished epoch is not recorded)."""
        x, y, x_val, y_val, grid = self.data
        order = tf.constant(order, tf.int32)
        self._begin_epoch(tf.constant(histograms))
        where, start = None, 0
        while start < self.steps:
            stop = min(start + STEPS_PER_CALL, self.steps)
            train, done, ok = self._part(order, tf.constant(start), tf.constant(stop), x, y)
            if not bool(ok):
                where = (1, int(done))
                break
            start = stop
        val, measures, snap = self._close(train, tf.constant(histograms), x, x_val, y_val, grid)
        return Chunk(np.asarray(train)[None], np.asarray(val)[None],
                     Measures(*(np.asarray(m)[None] for m in measures)), np.asarray(snap), where)

    # The epoch-level bookkeeping, shared by both ways of running an epoch: what is reset when an
    # epoch begins and read when it ends.
    def _begin_epoch(self, histograms):
        self.model.reset_metrics()
        self.model.meter.begin_epoch(histograms)

    def _end_epoch(self, train, logged, x, x_val, y_val, grid):
        """(validation logs, the meter's `Measures` of the epoch, its snapshot (no rows unless
        `logged`)), once its last step is done."""
        m = self.model
        measures = m.meter.end_epoch(logged, lambda n: m.forward(x[:n]).taps)
        snap = tf.cond(logged, lambda: self._snapshot(grid),
                       lambda: tf.zeros((0, self.snap_width)))
        with tf.control_dependencies([*measures, train, snap]):
            m.reset_metrics()
        return self._vector(m.test_step((x_val, y_val)), self.val_names), measures, snap

    def _snapshot(self, grid):
        if self.snapshots is None:
            return tf.zeros((0, 1))
        return tf.cast(self.snapshots.compute(self.model, grid, self.snapshots.image), tf.float32)

    def _steps(self, order, start, stop, x, y, ok=None):
        """Steps `start` .. `stop` - 1 of the epoch whose order is `order`, while the loss is
        finite. Returns (the epoch's running train logs, the step reached, finite so far)."""
        m, b = self.model, self.batch_size

        def step(s, ok, logs):
            batch = order[s * b:(s + 1) * b]
            out = self._vector(m.train_step((tf.gather(x, batch), tf.gather(y, batch))))
            return s + 1, tf.reduce_all(tf.math.is_finite(out[:1])), out

        s, ok, train = tf.while_loop(
            lambda s, ok, _: (s < stop) & ok, step,
            (start, tf.constant(True) if ok is None else ok, tf.zeros((len(self.names),))))
        return train, s, ok

    def _epochs(self, orders, histograms, x, y, x_val, y_val, grid):
        # Explicit while loops and autograph off: converting Keras' own code costs seconds of
        # tracing per model, more than a whole toy run takes to execute.
        epochs = tf.shape(orders)[0]

        def one_epoch(e, ok, where, snaps, *arrays):
            self._begin_epoch(histograms[e])
            train, s, ok = self._steps(orders[e], tf.constant(0), self.steps, x, y, ok)
            val, measures, snap = self._end_epoch(train, histograms[e], x, x_val, y_val, grid)
            where = tf.where(ok, where, tf.stack([e + 1, s]))
            return (e + 1, ok, where, tf.concat([snaps, snap], axis=0),
                    *(a.write(e, v) for a, v in zip(arrays, (train, val, *measures))))

        # Per epoch: train logs, validation logs, and each field of the meter's `Measures`.
        arrays = [tf.TensorArray(dtype, size=epochs)
                  for dtype in (tf.float32, tf.float32, *DTYPES)]
        start = (tf.constant(0), tf.constant(True), tf.zeros((2,), tf.int32),
                 tf.zeros((0, self.snap_width)), *arrays)  # snapshots: one below another
        done, _, where, snaps, *arrays = tf.while_loop(
            lambda e, ok, *_: (e < epochs) & ok, one_epoch, start,
            shape_invariants=(*(v.shape for v in start[:3]),
                              tf.TensorShape([None, self.snap_width]),
                              *(tf.TensorShape(None) for _ in arrays)))
        return (*(a.stack()[:done] for a in arrays), snaps, where)

    def _vector(self, logs, names=None):
        return tf.stack([tf.cast(logs[k], tf.float32) for k in names or self.names])  # loss first

    def copy_state(self, source: "EpochLoop") -> bool:
        """Sets every variable of this loop's model (weights, optimizer, metrics) to `source`'s,
        and takes its data; False, changing nothing, if the two do not match one to one."""
        mine, theirs = _state(self.model), _state(source.model)
        if len(mine) != len(theirs) or any(
                a.shape != b.shape or a.dtype != b.dtype for a, b in zip(mine, theirs)) or any(
                a.shape != b.shape or a.dtype != b.dtype for a, b in zip(self.data, source.data)):
            return False
        for a, b in zip(mine, theirs):
            a.assign(b)
        self.data = source.data
        return True


def _state(model) -> list:
    """Everything a training run changes, as variables: weights, optimizer, metrics, meter."""
    # `variables`, not `weights`: dropout's seed state too. The meter is no Keras layer: its
    # state (initial kernels, histogram axes, the epoch's totals) is its own list.
    return [*model.variables, *model.optimizer.variables, *model.metrics_variables,
            *model.meter.variables]


_last: dict = {}  # "key", "loop": the last loop this process compiled (see `reusable_loop`)


def reusable_loop(loop: EpochLoop, key) -> EpochLoop:
    """The loop to train with: `loop`, or the previous run's if it has the same `key`.

    Tracing the epoch function costs about a second a run, most of a toy run's time. Runs that
    differ only in their seed (a sweep's seeds of one grid cell) build the same graph, so the
    previous run's compiled loop is given this run's initial state (its freshly built weights,
    zeroed optimizer slots and metrics, copied variable by variable) and data. The graph and the
    starting values being the same, the numbers are byte-identical to a fresh trace
    (`tests/training/test_loop.py`).

    Args:
        loop: this run's loop, built but not traced.
        key: what the graph depends on (the config without its seed, the data's shapes), or None
            to never reuse.
    """
    previous = _last.get("loop") if key is not None and _last.get("key") == key else None
    if previous is not None and previous.copy_state(loop):
        return previous
    _last.update(key=key, loop=loop)
    return loop


def bar_verbosity(verbose: int) -> int:
    """Keras' progress verbosity for this output: a redrawn bar (1) only on a terminal or in a
    notebook; otherwise one plain line at the end (2), without escape codes or carriage returns
    (Keras' own check also counts every POSIX system as a terminal)."""
    interactive = sys.stdout.isatty() or "ipykernel" in sys.modules
    return verbose if interactive or verbose != 1 else 2


def fit_in_graph(model, x, y, x_val, y_val, batch_size, orders, epochs, recorder, verbose=1,
                 logged=(), reuse_key=None, steering=None):
    """Trains for `epochs` epochs, recording each epoch with `recorder.add_epoch`.

    Args:
        orders: a `harness.training.orders.EpochOrders`, drawn a chunk of epochs at a time.
        logged: the epochs (from 1) whose histograms and snapshots (`recorder.snapshots`) are
            recorded, inside the compiled call.
        reuse_key: see `reusable_loop`; None compiles a loop of its own.
        steering: a `harness.training.steering.Steering`, asked between chunks of epochs (one
            epoch each while it is on); None for none.

    Returns:
        (epoch, step) of the first non-finite loss, or None.
    """
    fresh = EpochLoop(model, x, y, x_val, y_val, batch_size, recorder.snapshots)
    loop = reusable_loop(fresh, reuse_key)
    try:
        return _train(loop, orders, epochs, recorder, verbose, logged, steering)
    finally:
        if loop is not fresh:  # a reused loop trained the previous model's variables
            fresh.copy_state(loop)  # this run's model carries on: evaluation, the last snapshots


def epochs_per_call(steps: int, examples: int) -> int:
    """Epochs one compiled call trains: `STEPS_PER_CALL` steps, or one epoch (split further when
    longer), and no more epoch orders than `ORDERS_PER_CALL`."""
    return max(1, min(STEPS_PER_CALL // steps, ORDERS_PER_CALL // max(examples, 1)))


def _train(loop: EpochLoop, orders, epochs, recorder, verbose, logged,
           steering=None) -> tuple | None:
    """`fit_in_graph`'s chunks of epochs, each recorded and written as it ends, under one
    progress bar; between chunks, `steering` may pause, stop or change the learning rate."""
    per_call = epochs_per_call(loop.steps, int(loop.data[0].shape[0]))
    shown = [*loop.names, *(f"val_{k}" for k in loop.val_names), "learning_rate"]
    bar = keras.utils.Progbar(epochs, unit_name="epoch", verbose=bar_verbosity(verbose),
                              stateful_metrics=shown) if verbose else None  # show, not average
    optimizer, start = loop.model.optimizer, 0
    while start < epochs:
        end = min(start + (steering.epochs_per_call(per_call) if steering else per_call), epochs)
        rate = {}
        if steering:
            steering.before_epoch(start + 1, optimizer, on_pause=partial(
                write_live_view, loop.model, recorder.snapshots, recorder.run_dir, start, True))
            rate = steering.logs(optimizer)
        flags = np.isin(np.arange(start + 1, end + 1), list(logged))
        chunk = loop.run(orders.next(end - start), flags)
        train, where, snaps = chunk.train, chunk.diverged, chunk.snapshots
        taken = np.split(snaps, flags[:len(train)].sum()) if len(snaps) else None
        for i in range(len(train)):
            logs = dict(zip(loop.names, train[i]))
            logs.update({f"val_{k}": v for k, v in zip(loop.val_names, chunk.val[i])}, **rate)
            recorder.add_epoch(start + i + 1, logs, Measures(*(m[i] for m in chunk.measures)))
            if taken and flags[i] and not (where and i == len(train) - 1):  # not a failed epoch
                recorder.snapshots.add(start + i + 1, taken[int(flags[:i].sum())])
        done = start + len(train)
        recorder.write()
        if steering and steering.active:
            steering.after_epoch()
            write_live_view(loop.model, recorder.snapshots, recorder.run_dir, done,
                            force=done == epochs or steering.state != "running")
        if bar:
            bar.update(done, list(logs.items()), finalize=bool(where) or done == epochs)
        if where:
            return start + where[0], where[1]
        start = end
    return None
