"""The run's record: `history.csv` and the meter's files (`layers.csv`, `histograms.csv`,
`timesteps.csv`), epoch 0 first, then appended as chunks of epochs end.

Every write leaves whole files describing the same epochs, so a run that stops early keeps what it
did (`harness.rundir.run.check_whole` reads them back against `summary.json`).
"""

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from harness.base.files import append_csv, write_csv
from harness.base.stops import deferred_interrupt, raise_swallowed_stop
from harness.measure.metered import Measures
from harness.measure.propagation import PROBES, measure_initial
from harness.measure.snapshots import Snapshots

# Statistics are means over steps, compared across layers on log axes: 6 significant digits are
# plenty (float32's shortest form takes up to 9; 100 epochs of 8 layers save ~20 KB). Other files
# keep their full precision.
FLOAT_FORMATS = {"layers.csv": "%.6g", "timesteps.csv": "%.6g"}


class Recorder:
    """Writes `history.csv` and the meter's files (`layers.csv`, `histograms.csv`) as epochs
    end, appending only the new rows.

    The first write replaces the files; every later one appends the epochs recorded since (a
    100k-epoch run would otherwise rewrite ever longer files). Each file is a list of recorded
    items and a function from a slice of them to rows (`files`): the meter names its files and
    makes their rows, so a new per-epoch file of the meter's is written, appended and held
    consistent with the others alike.

    Args:
        run_dir: the run folder.
        model: the network (its `meter`, and the weights the snapshots read).
        columns: the columns of `history.csv`.
        initial: the meter's `Measures` at initialisation (`StatsModel.probe`), epoch 0.
        logged: the epochs whose histograms and snapshots are recorded (0 among them).
        snapshots: a `harness.measure.snapshots.Snapshots` to take at the logged epochs, or None.
    """

    def __init__(self, run_dir: Path, model, columns: list[str], initial: Measures,
                 logged=(0,), snapshots=None):
        self.run_dir = Path(run_dir)
        self.model = model
        self.meter = model.meter
        self.columns = columns
        self.logged = set(logged)
        self.snapshots = snapshots
        self.history: list[dict] = []
        self.items: dict[str, list] = {name: [] for name in model.meter.files}  # -> (epoch, entry)
        self.written: dict[str, int] = {}  # file name -> items already in the file
        self.extra: dict[str, pd.DataFrame] = {}  # file -> tidy rows of epoch 0 beside the meter's
        self.summary_at_init: dict = {}  # `summary.json` keys found at initialisation
        self._add_measures(0, initial)

    def add_epoch(self, epoch: int, logs: dict, measures: Measures) -> None:
        """Records epoch `epoch` (from 1): Keras' logs and the meter's `Measures`."""
        self.history.append({"epoch": epoch, **{k: float(v) for k, v in logs.items()}})
        self._add_measures(epoch, measures)

    def _add_measures(self, epoch: int, measures: Measures) -> None:
        for name, entry in self.meter.entries(measures, epoch in self.logged).items():
            self.items[name].append((epoch, entry))

    def snapshot(self, epoch: int) -> None:
        """Takes the snapshots of a logged epoch; the model must hold that epoch's weights."""
        if self.snapshots is not None and epoch in self.logged:
            self.snapshots.take(self.model, epoch)

    def files(self) -> dict:
        """File name -> (the recorded items, a function from a list of items to a DataFrame)."""
        return {"history.csv": (self.history, self._history_rows),
                **{name: (self.items[name], partial(self._meter_rows, name))
                   for name in self.meter.files}}

    def _meter_rows(self, name, items) -> pd.DataFrame:
        frame = self.meter.frame(name, items)
        extra = self.extra.get(name)
        if extra is None or not any(epoch == 0 for epoch, _ in items):
            return frame
        return pd.concat([frame, extra], ignore_index=True).sort_values(
            ["epoch"], kind="stable", ignore_index=True)

    def history_frame(self) -> pd.DataFrame:
        return self._history_rows(self.history)

    def layers_frame(self) -> pd.DataFrame:
        return self._meter_rows("layers.csv", self.items["layers.csv"])

    def histograms_frame(self) -> pd.DataFrame:
        return self.meter.frame("histograms.csv", self.items["histograms.csv"])

    def timesteps_frame(self) -> pd.DataFrame | None:
        """`timesteps.csv`'s rows (the gradient over time); None for a model without steps."""
        if "timesteps.csv" not in self.items:
            return None
        return self.meter.frame("timesteps.csv", self.items["timesteps.csv"])

    def _history_rows(self, items) -> pd.DataFrame:
        return pd.DataFrame(items, columns=self.columns)

    def write(self):
        """Writes what was recorded since the last write (everything, the first time)."""
        with deferred_interrupt():  # the files always describe the same epochs
            for name, (items, rows) in self.files().items():
                done = self.written.get(name)
                digits = FLOAT_FORMATS.get(name)
                if done is None:
                    write_csv(self.run_dir / name, rows(items), digits)
                elif len(items) > done:
                    append_csv(self.run_dir / name, rows(items[done:]), digits)
                self.written[name] = len(items)
        raise_swallowed_stop()  # the files are whole: a stop a finalizer swallowed stops here


def start_recording(setup, run_dir: Path, columns: list[str] | None = None) -> Recorder:
    """Epoch 0: the meter's measures of the first batch at initialisation, and the snapshots,
    written to the run folder before any step.

    Args:
        setup: a `harness.training.setup.Setup` (config, data, labels, compiled model).
        run_dir: where `history.csv` and the meter's files go.
        columns: `history.csv`'s columns; default `setup.columns`.
    """
    cfg, data, model = setup.cfg, setup.data, setup.model
    probe = slice(0, cfg.train.batch_size)  # the first batch, fixed, for the epoch-0 statistics
    initial = model.probe(data.x_train[probe], setup.y["train"][probe])
    # The training set forward once: z's size, the predictions, and the units dead for every
    # example (as epochs >= 1 count them over all they saw, not over one batch).
    found = measure_initial(model, cfg, data)
    stats = np.array(initial.stats)
    stats[:, model.meter.columns.index("dead_fraction")] = found.dead
    initial = initial._replace(stats=stats)
    # the later logged epochs' Jacobians, where epoch 0's were taken, inside the training graph
    model.meter.measure_jacobians(found.jacobian_layers, PROBES)
    logged = cfg.log.histogram_epochs(cfg.train.epochs)
    recorder = Recorder(run_dir, model, columns or setup.columns, initial, logged,
                        Snapshots(data))
    recorder.extra["layers.csv"] = found.rows
    recorder.summary_at_init.update(found.summary)
    recorder.snapshot(0)
    recorder.write()
    return recorder
