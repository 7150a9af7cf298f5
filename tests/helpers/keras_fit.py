"""The reference driver: `harness.training.train.fit`'s training through Keras' own `model.fit`.

Kept only to check the in-graph loop (`harness.training.loop`) against (`test_loop.py`): the same
epoch-0 record, the same batches in the same order (`harness.training.orders.EpochOrders`), the same
`train_step`, and each epoch handed to the same `harness.training.recorder.Recorder` by Keras
callbacks.
"""

from pathlib import Path

import keras
import tensorflow as tf

from harness.training.orders import EpochOrders
from harness.training.recorder import start_recording
from harness.training.train import Fitted


class StopOnNaN(keras.callbacks.TerminateOnNaN):
    """Keras' TerminateOnNaN, remembering the epoch and step (both from 1) where it stopped."""

    def __init__(self):
        super().__init__()
        self.epoch = 0
        self.where: tuple[int, int] | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_batch_end(self, batch, logs=None):
        super().on_batch_end(batch, logs)
        if self.model.stop_training and self.where is None:
            self.where = (self.epoch, batch + 1)


class RecordEpochs(keras.callbacks.Callback):
    """Hands every epoch to a `Recorder`, as the in-graph loop does: the meter's epoch begins
    and ends with Keras' epoch, then the snapshots and the files."""

    def __init__(self, recorder, x):
        super().__init__()
        self.recorder = recorder
        self.x = x  # the training inputs: the layer Jacobians' probes are the first few

    def on_epoch_begin(self, epoch, logs=None):
        self.model.meter.begin_epoch(epoch + 1 in self.recorder.logged)

    def on_epoch_end(self, epoch, logs=None):
        m = self.model
        measures = m.meter.end_epoch(epoch + 1 in self.recorder.logged,
                                     lambda n: m.forward(self.x[:n]).taps)
        self.recorder.add_epoch(epoch + 1, logs or {}, measures)
        self.recorder.snapshot(epoch + 1)
        self.recorder.write()


def batches(x, y, orders: EpochOrders, epochs: int, batch_size: int):
    """A tf.data pipeline yielding the batches of `orders`, epoch after epoch."""
    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
    index = tf.data.Dataset.from_generator(
        lambda: (orders.next(1)[0] for _ in range(epochs)),
        output_signature=tf.TensorSpec((orders.n,), tf.int32)).flat_map(
        lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    return index.map(lambda i: (tf.gather(x, i), tf.gather(y, i))).prefetch(2)


def fit_with_keras(setup, run_dir: Path) -> Fitted:
    """`harness.training.train.fit(setup, run_dir, verbose=0)`, trained by `model.fit`."""
    cfg, data, model = setup.cfg, setup.data, setup.model
    recorder = start_recording(setup, run_dir)
    if cfg.train.epochs == 0:
        return Fitted(recorder, None)
    orders = EpochOrders(len(data.x_train), cfg.seed)
    guard = StopOnNaN()
    model.fit(batches(data.x_train, setup.y["train"], orders, cfg.train.epochs,
                      cfg.train.batch_size),
              steps_per_epoch=-(-len(data.x_train) // cfg.train.batch_size),
              epochs=cfg.train.epochs, validation_data=(data.x_val, setup.y["val"]),
              validation_batch_size=len(data.x_val), shuffle=False,  # the orders are shuffled
              callbacks=[RecordEpochs(recorder, data.x_train), guard], verbose=0)
    return Fitted(recorder, guard.where)
