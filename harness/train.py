"""Training: compile, fit, and record every epoch's history and layer statistics to the run folder.

The two Keras callbacks here write `history.csv`, `layers.csv` and `histograms.csv` after every
epoch (so a run that stops early keeps what it did) and stop the run at the first non-finite loss,
remembering where.
"""

from pathlib import Path

import keras
import numpy as np
import pandas as pd

from harness import heads, losses, optimizers, schedules
from harness.files import deferred_interrupt, write_csv
from harness.histograms import COLUMNS
from harness.model import StatsModel
from harness.snapshots import Snapshots


def compile_model(model: StatsModel, cfg, labels: str, steps_per_epoch: int = 1) -> list[str]:
    """Compiles with the config's optimizer and loss, and the task's metrics.

    Args:
        model: the network.
        cfg: the whole config.
        labels: the label format of the loss (`harness.losses.Loss.labels`).
        steps_per_epoch: optimizer steps per epoch, for a learning-rate schedule.

    Returns:
        The columns of `history.csv`.
    """
    head = cfg.model.head
    if heads.HEADS.get(head).activation == "linear":
        metrics = [keras.metrics.MeanAbsoluteError(name="mae"),
                   keras.metrics.RootMeanSquaredError(name="rmse")]
    elif head == "sigmoid":
        metrics = [keras.metrics.BinaryAccuracy(name="accuracy")]
    elif labels == "onehot":
        metrics = [keras.metrics.CategoricalAccuracy(name="accuracy")]
    else:
        metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
    clip = {"global_clipnorm": cfg.train.clipnorm} if cfg.train.clipnorm else {}
    model.compile(optimizer=optimizers.OPTIMIZERS.get(cfg.train.optimizer).build(
                      schedules.learning_rate(cfg.train, steps_per_epoch), **clip),
                  loss=losses.keras_loss(cfg.train.loss), metrics=metrics)
    names = ["loss", *(m.name for m in metrics)]
    return ["epoch", *(c for name in names for c in (name, f"val_{name}")), *model.train_only]


class Recorder(keras.callbacks.Callback):
    """Writes `history.csv`, `layers.csv` and `histograms.csv` after every epoch.

    Args:
        run_dir: the run folder.
        init_stats: the (layers, statistics) matrix at initialisation, recorded as epoch 0.
        columns: the columns of `history.csv`.
        init_histogram: the histogram counts at initialisation (`StatsModel.probe`).
        logged: the epochs whose histograms and snapshots are recorded (0 among them).
        snapshots: a `harness.snapshots.Snapshots` to take at the logged epochs, or None.
    """

    def __init__(self, run_dir: Path, init_stats: np.ndarray, columns: list[str],
                 init_histogram=None, logged=(0,), snapshots=None):
        super().__init__()
        self.run_dir = Path(run_dir)
        self.columns = columns
        self.logged = set(logged)
        self.snapshots = snapshots
        self.history: list[dict] = []
        self.stats: list[tuple[int, np.ndarray]] = [(0, init_stats)]
        self.histograms = [] if init_histogram is None else [(0, np.asarray(init_histogram))]

    def on_epoch_begin(self, epoch, logs=None):
        self.model.layer_stats.reset_state()
        self.model.histograms.on.assign(epoch + 1 in self.logged)

    def on_epoch_end(self, epoch, logs=None):
        stats = self.model.layer_stats
        self.add_epoch(epoch + 1, logs or {}, stats.result(), stats.histogram)
        self.snapshot(epoch + 1)
        self.write()

    def add_epoch(self, epoch: int, logs: dict, stats, histogram=None) -> None:
        """Records epoch `epoch` (from 1): Keras' logs, the (layers, statistics) means and, when
        the epoch is logged, its histogram counts."""
        self.history.append({"epoch": epoch, **{k: float(v) for k, v in logs.items()}})
        self.stats.append((epoch, np.asarray(stats)))
        if epoch in self.logged and histogram is not None:
            self.histograms.append((epoch, np.asarray(histogram)))

    def snapshot(self, epoch: int) -> None:
        """Takes the snapshots of a logged epoch; the model must hold that epoch's weights."""
        if self.snapshots is not None and epoch in self.logged:
            self.snapshots.take(self.model, epoch)

    def history_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.history, columns=self.columns)

    def layers_frame(self) -> pd.DataFrame:
        m = self.model
        rows = [(epoch, layer, stat, float(matrix[i, j]))
                for epoch, matrix in self.stats
                for i, layer in enumerate(m.layer_names)
                for j, stat in enumerate(m.stat_names)
                if (epoch or stat != "update_ratio")  # no update at initialisation
                and (layer, stat) not in m.not_measured]
        frame = pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])
        # float32, as measured: written in its shortest form (9 digits, not float64's 17)
        return frame.astype({"value": np.float32})

    def histograms_frame(self) -> pd.DataFrame:
        m = self.model
        if not self.histograms:
            return pd.DataFrame(columns=COLUMNS)
        return pd.concat([m.histograms.frame(epoch, counts, m.layer_names)
                          for epoch, counts in self.histograms], ignore_index=True)

    def write(self):
        with deferred_interrupt():  # the files always describe the same epochs
            write_csv(self.run_dir / "history.csv", self.history_frame())
            write_csv(self.run_dir / "layers.csv", self.layers_frame())
            write_csv(self.run_dir / "histograms.csv", self.histograms_frame())


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


def evaluate(model: StatsModel, x, y, batch_size: int = 16384) -> dict[str, float]:
    """Test loss and metrics, like `model.evaluate`, run eagerly batch by batch.

    For the small models here an eager pass costs milliseconds, while tracing Keras' test
    function costs a few hundred (`bench/`).
    """
    model.reset_metrics()
    for start in range(0, len(x), batch_size):
        logs = model.test_step((x[start:start + batch_size], y[start:start + batch_size]))
    return {k: float(v) for k, v in logs.items()}


def epoch_orders(n: int, epochs: int, seed: int) -> np.ndarray:
    """The order of the training examples in every epoch, (epochs, n), from the run's seed."""
    rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the data's
    return np.stack([rng.permutation(n) for _ in range(epochs)]).astype(np.int32) if epochs else (
        np.zeros((0, n), np.int32))


def fit(setup, run_dir: Path, verbose=1, in_graph: bool = True):
    """Trains for `cfg.train.epochs`, recording every epoch to the run folder as it goes.

    Args:
        setup: a `harness.runner.Setup` (config, data, labels, compiled model).
        run_dir: where `history.csv`, `layers.csv` and `histograms.csv` go.
        verbose: 0 silent, 1 a progress bar, 2 (Keras path) a line per epoch.
        in_graph: run chunks of epochs inside one compiled call (`harness.loop`); False uses
            Keras' `model.fit` with callbacks. Both see the same batches in the same order.

    Returns:
        (Recorder, where): what was recorded, and the (epoch, step) of the first non-finite loss
        (None if there was none).
    """
    cfg, data, model = setup.cfg, setup.data, setup.model
    y_train, y_val = setup.y["train"], setup.y["val"]
    probe = slice(0, cfg.train.batch_size)  # the first batch, fixed, for the epoch-0 statistics
    init, init_histogram = model.probe(data.x_train[probe], y_train[probe])
    logged = cfg.log.histogram_epochs(cfg.train.epochs)
    recorder = Recorder(run_dir, init, setup.columns, init_histogram, logged,
                        Snapshots(data))
    recorder.set_model(model)
    recorder.snapshot(0)
    recorder.write()
    orders = epoch_orders(len(data.x_train), cfg.train.epochs, cfg.seed)
    if cfg.train.epochs == 0:
        return recorder, None
    if in_graph:
        from harness.loop import fit_in_graph

        where = fit_in_graph(model, data.x_train, y_train, data.x_val, y_val,
                             cfg.train.batch_size, orders, recorder, verbose, logged,
                             reuse_key=graph_key(cfg, data.x_train, y_train, data.x_val, y_val))
        return recorder, where
    from harness.loop import bar_verbosity

    guard = StopOnNaN()
    model.fit(_batches(data.x_train, y_train, orders, cfg.train.batch_size),
              steps_per_epoch=-(-len(data.x_train) // cfg.train.batch_size),
              epochs=cfg.train.epochs, validation_data=(data.x_val, y_val),
              validation_batch_size=len(data.x_val), shuffle=False,  # the orders are shuffled
              callbacks=[recorder, guard], verbose=bar_verbosity(verbose))
    return recorder, guard.where


def graph_key(cfg, *arrays) -> str:
    """What the compiled training graph depends on: the config without seed and name, and the
    arrays' shapes and types. Runs with equal keys (seeds of one sweep cell) share a trace."""
    import json

    config = {k: v for k, v in cfg.model_dump(mode="json").items() if k not in ("seed", "name")}
    shapes = [(a.shape, str(a.dtype)) for a in arrays]
    return json.dumps([config, shapes], sort_keys=True, default=str)


def _batches(x, y, orders, batch_size):
    """A tf.data pipeline yielding the batches of `orders`, epoch after epoch."""
    import tensorflow as tf

    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
    index = tf.data.Dataset.from_tensor_slices(orders).flat_map(
        lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    return index.map(lambda i: (tf.gather(x, i), tf.gather(y, i))).prefetch(2)
