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

STEPS_PER_CALL = 500  # bounds the time between progress-bar updates and run-folder writes


class EpochLoop:
    """Trains `model` on in-memory tensors, a chunk of epochs per compiled call.

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
        self._run = tf.function(self._epochs, autograph=False, input_signature=[
            tf.TensorSpec((None, n), tf.int32), *(tf.TensorSpec(a.shape, a.dtype)
                                                   for a in self.data)])

    def run(self, orders: np.ndarray):
        """Trains one epoch per row of `orders` (each a permutation of the training examples).

        Returns:
            (train logs (epochs, metrics), validation logs (epochs, metrics),
             layer statistics (epochs, layers, statistics), where: (epoch, step) counted from 1
             within this chunk of the first non-finite loss, or None).
        """
        train, val, stats, where = self._run(tf.constant(orders, tf.int32), *self.data)
        where = tuple(int(v) for v in np.asarray(where))
        return np.asarray(train), np.asarray(val), np.asarray(stats), (where if where[0] else None)

    def _epochs(self, orders, x, y, x_val, y_val):
        # Explicit while loops and autograph off: converting Keras' own code costs seconds of
        # tracing per model, more than a whole toy run takes to execute.
        m, b, width = self.model, self.batch_size, len(self.names)
        epochs = tf.shape(orders)[0]

        def one_epoch(e, ok, where, train_a, val_a, stats_a):
            m.reset_metrics()
            m.layer_stats.reset_state()

            def step(s, ok, logs):
                batch = orders[e, s * b:(s + 1) * b]
                out = self._vector(m.train_step((tf.gather(x, batch), tf.gather(y, batch))))
                return s + 1, tf.reduce_all(tf.math.is_finite(out[:1])), out

            s, ok, train = tf.while_loop(lambda s, ok, _: (s < self.steps) & ok, step,
                                         (tf.constant(0), ok, tf.zeros((width,))))
            stats = m.layer_stats.result()
            with tf.control_dependencies([stats, train]):
                m.reset_metrics()
            val = self._vector(m.test_step((x_val, y_val)))
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
    """Everything a training run changes, as variables: weights, optimizer, metrics, statistics."""
    return [*model.weights, *model.optimizer.variables, *model.metrics_variables,
            *model.layer_stats.variables]


_last: dict = {}  # "key", "loop": the last loop this process compiled (see `reusable_loop`)


def reusable_loop(loop: EpochLoop, key) -> EpochLoop:
    """The loop to train with: `loop`, or the previous run's if it has the same `key`.

    Tracing the epoch function costs about a second a run, most of a toy run's time. Runs that
    differ only in their seed (a sweep's seeds of one grid cell) build the same graph, so the
    previous run's compiled loop is given this run's initial state (its freshly built weights,
    zeroed optimizer slots and metrics, copied variable by variable) and data. The graph and the
    starting values being the same, the numbers are byte-identical to a fresh trace
    (`tests/test_loop.py`).

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


def fit_in_graph(model, x, y, x_val, y_val, batch_size, orders, recorder, verbose=1,
                 reuse_key=None):
    """Trains for `len(orders)` epochs, recording each epoch with `recorder.add_epoch`.

    Args:
        reuse_key: see `reusable_loop`; None compiles a loop of its own.

    Returns:
        (epoch, step) of the first non-finite loss, or None.
    """
    fresh = EpochLoop(model, x, y, x_val, y_val, batch_size)
    loop = reusable_loop(fresh, reuse_key)
    try:
        return _train(loop, orders, recorder, verbose)
    finally:
        if loop is not fresh:  # the run's own model carries on: evaluation, surface
            fresh.copy_state(loop)


def _train(loop: EpochLoop, orders, recorder, verbose) -> tuple | None:
    chunk = max(1, STEPS_PER_CALL // loop.steps)
    shown = [*loop.names, *(f"val_{k}" for k in loop.names)]
    bar = keras.utils.Progbar(len(orders), unit_name="epoch",
                              stateful_metrics=shown) if verbose else None  # show, not average
    for start in range(0, len(orders), chunk):
        train, val, stats, where = loop.run(orders[start:start + chunk])
        for i in range(len(train)):
            logs = dict(zip(loop.names, train[i]))
            logs.update({f"val_{k}": v for k, v in zip(loop.names, val[i])})
            recorder.add_epoch(start + i + 1, logs, stats[i])
        recorder.write()
        done = start + len(train)
        if bar:
            bar.update(done, list(logs.items()), finalize=bool(where) or done == len(orders))
        if where:
            return start + where[0], where[1]
    return None
