"""The fast driver: many epochs per compiled TensorFlow call, statistics collected in the graph.

On toy data almost all of `model.fit`'s time is per-step and per-epoch Python overhead (iterators,
callbacks, a validation pass through `evaluate`), not arithmetic. Here one `tf.function` runs a
chunk of epochs: each step is the model's own `train_step` (same gradients, same statistics), each
epoch ends with a validation pass over the whole validation set, and the per-epoch logs come back
as tensors. The batches follow the same per-epoch orders as the Keras path, so both train the same
model (`tests/test_loop.py`).
"""

import math

import keras
import numpy as np
import tensorflow as tf

from harness.model import StatsModel

STEPS_PER_CALL = 500  # bounds the time between progress-bar updates, run-folder writes and the
# moments a stop request (Ctrl-C, SIGTERM) is seen: a longer epoch is split into several calls


class EpochLoop:
    """Trains `model` on in-memory tensors, a chunk of epochs (or part of one) per compiled call.

    Args:
        model: a compiled `StatsModel`.
        x, y: training inputs and labels (as the loss expects them).
        x_val, y_val: validation inputs and labels.
        batch_size: examples per step (the last step of an epoch takes the remainder).
    """

    def __init__(self, model: StatsModel, x, y, x_val, y_val, batch_size: int):
        self.model = model
        self.data = [tf.convert_to_tensor(a) for a in (x, y, x_val, y_val)]
        self.batch_size = batch_size
        self.steps = math.ceil(len(x) / batch_size)
        # Build what Keras builds lazily (optimizer slots, compiled metrics): a tf.function may
        # not create variables inside its loops.
        model.optimizer.build(model.trainable_variables)
        model.compute_metrics(x[:1], y[:1], model(x[:1]))
        model.reset_metrics()
        self.names = list(model.get_metrics_result())
        n = len(x)
        specs = [tf.TensorSpec(a.shape, a.dtype) for a in self.data]
        self._run = tf.function(self._epochs, autograph=False, input_signature=[
            tf.TensorSpec((None, n), tf.int32), *specs])
        step = tf.TensorSpec((), tf.int32)
        self._part = tf.function(self._steps, autograph=False, input_signature=[
            tf.TensorSpec((n,), tf.int32), step, step, *specs[:2]])
        self._close = tf.function(self._end_epoch, autograph=False, input_signature=[
            tf.TensorSpec((len(self.names),), tf.float32), *specs[2:]])

    def run(self, orders: np.ndarray):
        """Trains one epoch per row of `orders` (each a permutation of the training examples).

        Returns:
            (train logs (epochs, metrics), validation logs (epochs, metrics),
             layer statistics (epochs, layers, statistics), where: (epoch, step) counted from 1
             within this chunk of the first non-finite loss, or None).
        """
        if self.steps > STEPS_PER_CALL and len(orders) == 1:
            return self._run_in_parts(orders[0])
        train, val, stats, where = self._run(tf.constant(orders, tf.int32), *self.data)
        where = tuple(int(v) for v in np.asarray(where))
        return np.asarray(train), np.asarray(val), np.asarray(stats), (where if where[0] else None)

    def _run_in_parts(self, order: np.ndarray):
        """One long epoch, `STEPS_PER_CALL` steps per compiled call; between calls Python sees
        signals, so Ctrl-C stops within seconds (the unfinished epoch is not recorded)."""
        x, y, x_val, y_val = self.data
        order = tf.constant(order, tf.int32)
        self._begin_epoch()
        where, start = None, 0
        while start < self.steps:
            stop = min(start + STEPS_PER_CALL, self.steps)
            train, done, ok = self._part(order, tf.constant(start), tf.constant(stop), x, y)
            if not bool(ok):
                where = (1, int(done))
                break
            start = stop
        val, stats = self._close(train, x_val, y_val)
        return (np.asarray(train)[None], np.asarray(val)[None], np.asarray(stats)[None], where)

    # The epoch-level bookkeeping, shared by both ways of running an epoch: what is reset when an
    # epoch begins and read when it ends.
    def _begin_epoch(self):
        self.model.reset_metrics()
        self.model.layer_stats.reset_state()

    def _end_epoch(self, train, x_val, y_val):
        """(validation logs, the epoch's layer statistics), once its last step is done."""
        m = self.model
        stats = m.layer_stats.result()
        with tf.control_dependencies([stats, train]):
            m.reset_metrics()
        return self._vector(m.test_step((x_val, y_val))), stats

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

    def _epochs(self, orders, x, y, x_val, y_val):
        # Explicit while loops and autograph off: converting Keras' own code costs seconds of
        # tracing per model, more than a whole toy run takes to execute.
        epochs = tf.shape(orders)[0]

        def one_epoch(e, ok, where, train_a, val_a, stats_a):
            self._begin_epoch()
            train, s, ok = self._steps(orders[e], tf.constant(0), self.steps, x, y, ok)
            val, stats = self._end_epoch(train, x_val, y_val)
            where = tf.where(ok, where, tf.stack([e + 1, s]))
            return (e + 1, ok, where, train_a.write(e, train), val_a.write(e, val),
                    stats_a.write(e, stats))

        arrays = [tf.TensorArray(tf.float32, size=epochs) for _ in range(3)]
        done, _, where, *arrays = tf.while_loop(
            lambda e, ok, *_: (e < epochs) & ok, one_epoch,
            (tf.constant(0), tf.constant(True), tf.zeros((2,), tf.int32), *arrays))
        return (*(a.stack()[:done] for a in arrays), where)

    def _vector(self, logs):
        return tf.stack([tf.cast(logs[k], tf.float32) for k in self.names])  # "loss" first


def fit_in_graph(model, x, y, x_val, y_val, batch_size, orders, epochs, recorder, verbose=1):
    """Trains for `epochs` epochs, recording each epoch with `recorder.add_epoch`.

    Args:
        orders: a `harness.train.EpochOrders`, drawn a chunk of epochs at a time.

    Returns:
        (epoch, step) of the first non-finite loss, or None.
    """
    loop = EpochLoop(model, x, y, x_val, y_val, batch_size)
    chunk = max(1, STEPS_PER_CALL // loop.steps)
    shown = [*loop.names, *(f"val_{k}" for k in loop.names)]
    bar = keras.utils.Progbar(epochs, unit_name="epoch",
                              stateful_metrics=shown) if verbose else None  # show, not average
    for start in range(0, epochs, chunk):
        train, val, stats, where = loop.run(orders.next(min(chunk, epochs - start)))
        for i in range(len(train)):
            logs = dict(zip(loop.names, train[i]))
            logs.update({f"val_{k}": v for k, v in zip(loop.names, val[i])})
            recorder.add_epoch(start + i + 1, logs, stats[i])
        recorder.write()
        done = start + len(train)
        if bar:
            bar.update(done, list(logs.items()), finalize=bool(where) or done == epochs)
        if where:
            return start + where[0], where[1]
    return None
