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
from harness.files import append_csv, write_csv
from harness.histograms import COLUMNS
from harness.model import StatsModel
from harness.snapshots import Snapshots
from harness.stops import deferred_interrupt, raise_swallowed_stop

# Statistics are means over steps, compared across layers on log axes: 6 significant digits are
# plenty (float32's shortest form takes up to 9; 100 epochs of 8 layers save ~20 KB). Other files
# keep their full precision.
FLOAT_FORMATS = {"layers.csv": "%.6g"}


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
    """Writes `history.csv`, `layers.csv` and `histograms.csv` as epochs end, appending only the
    new rows.

    The first write replaces the files; every later one appends the epochs recorded since (a
    100k-epoch run would otherwise rewrite ever longer files). Each table is a list of recorded
    items and a function from a slice of them to rows (`tables`): a new per-epoch file is one
    more entry there, and is written, appended and held consistent with the others alike.

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
        self.written: dict[str, int] = {}  # file name -> items already in the file

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

    def tables(self) -> dict:
        """File name -> (the recorded items, a function from a list of items to a DataFrame)."""
        return {"history.csv": (self.history, self._history_rows),
                "layers.csv": (self.stats, self._layer_rows),
                "histograms.csv": (self.histograms, self._histogram_rows)}

    def history_frame(self) -> pd.DataFrame:
        return self._history_rows(self.history)

    def layers_frame(self) -> pd.DataFrame:
        return self._layer_rows(self.stats)

    def _history_rows(self, items) -> pd.DataFrame:
        return pd.DataFrame(items, columns=self.columns)

    def _layer_rows(self, items) -> pd.DataFrame:
        m = self.model
        rows = [(epoch, layer, stat, float(matrix[i, j]))
                for epoch, matrix in items
                for i, layer in enumerate(m.layer_names)
                for j, stat in enumerate(m.stat_names)
                if (epoch or stat != "update_ratio")  # no update at initialisation
                and (layer, stat) not in m.not_measured]
        frame = pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])
        return frame.astype({"value": np.float32})  # as measured (written: `FLOAT_FORMATS`)

    def histograms_frame(self) -> pd.DataFrame:
        return self._histogram_rows(self.histograms)

    def _histogram_rows(self, items) -> pd.DataFrame:
        m = self.model
        if not items:
            return pd.DataFrame(columns=COLUMNS)
        return pd.concat([m.histograms.frame(epoch, counts, m.layer_names)
                          for epoch, counts in items], ignore_index=True)

    def write(self):
        """Writes what was recorded since the last write (everything, the first time)."""
        with deferred_interrupt():  # the files always describe the same epochs
            for name, (items, rows) in self.tables().items():
                done = self.written.get(name)
                digits = FLOAT_FORMATS.get(name)
                if done is None:
                    write_csv(self.run_dir / name, rows(items), digits)
                elif len(items) > done:
                    append_csv(self.run_dir / name, rows(items[done:]), digits)
                self.written[name] = len(items)
        raise_swallowed_stop()  # the files are whole: a stop a finalizer swallowed stops here


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


class EpochOrders:
    """The order of the training examples epoch after epoch, drawn as needed from the run's seed.

    Drawn a chunk at a time (a 100k-epoch run never holds every epoch's permutation), from one
    generator in sequence: the numbers are those of drawing them all at once.

    Args:
        n: training examples.
        seed: the run's seed.
    """

    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the data's

    def next(self, epochs: int) -> np.ndarray:
        """The next `epochs` orders, (epochs, n) int32."""
        orders = np.empty((epochs, self.n), np.int32)
        for row in orders:  # one permutation (int64) at a time: the table is the only big array
            row[:] = self.rng.permutation(self.n)
        return orders


def epoch_orders(n: int, epochs: int, seed: int) -> np.ndarray:
    """The order of the training examples in every epoch, (epochs, n), from the run's seed."""
    return EpochOrders(n, seed).next(epochs)


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
    orders = EpochOrders(len(data.x_train), cfg.seed)
    if cfg.train.epochs == 0:
        return recorder, None
    if in_graph:
        from harness.loop import fit_in_graph

        where = fit_in_graph(model, data.x_train, y_train, data.x_val, y_val,
                             cfg.train.batch_size, orders, cfg.train.epochs, recorder, verbose,
                             logged,
                             reuse_key=graph_key(cfg, data.x_train, y_train, data.x_val, y_val))
        return recorder, where
    from harness.loop import bar_verbosity

    guard = StopOnNaN()
    model.fit(_batches(data.x_train, y_train, orders, cfg.train.epochs, cfg.train.batch_size),
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


def _batches(x, y, orders: EpochOrders, epochs: int, batch_size: int):
    """A tf.data pipeline yielding the batches of `orders`, epoch after epoch."""
    import tensorflow as tf

    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
    index = tf.data.Dataset.from_generator(
        lambda: (orders.next(1)[0] for _ in range(epochs)),
        output_signature=tf.TensorSpec((orders.n,), tf.int32)).flat_map(
        lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    return index.map(lambda i: (tf.gather(x, i), tf.gather(y, i))).prefetch(2)
