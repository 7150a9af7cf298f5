"""TensorBoard event files from run folders: `harness tensorboard RUN_OR_SWEEP_DIR [--logdir DIR]`.

Written with `tf.summary` (the `tensorboard` package provides its summary ops: the `tensorboard`
extra), one event folder per run, `<logdir>/<run folder name>/`:

- `history/<column>`: every column of `history.csv` (loss, val_loss, accuracy, ...), step = epoch;
- `<layer>/<metric>`: every per-layer statistic of `layers.csv` (`hidden_1/grad_norm`, ...),
  step = epoch (0 = at initialisation);
- `<layer>/<quantity>` (`_log10_abs` for log-scale bins): the histograms of `histograms.csv` when
  the run recorded them, as TensorBoard histograms of the recorded bins;
- `summary/<metric>`: the test metrics and vanishing ratios of `summary.json`;
- the resolved config, flattened to dotted keys, as hparams, so the HParams dashboard compares the
  runs of a sweep (its metrics are the `summary/` scalars).

Event files are rebuilt from the run folder each time (the old ones the harness wrote are replaced;
other files in the logdir stay), so the command can be re-run after a sweep is resumed.
"""

import math
import os
import tempfile
from pathlib import Path

import pandas as pd

from harness.base import backend
from harness.base.files import note_written, remove_temporary
from harness.base.frames import full_bins
from harness.base.labels import flatten_config
from harness.base.owned import check_ours, mark_ours, remove_ours
from harness.errors import HarnessError
from harness.rundir.run import Run, load_run

SUMMARY_METRICS = ("test_loss", "test_accuracy", "test_mae", "test_rmse", "vanishing_ratio_init",
                   "vanishing_ratio_final")
INSTALL = ("TensorBoard is not installed; install the extra with "
           "`pip install -e \".[tensorboard]\"` (or `pip install 'tensorboard>=2.21,<2.22'`)")


def run_folders(path: str | os.PathLike) -> list[Path]:
    """The run folders at `path`: itself if it holds `config.yaml`, else its sub-folders that do."""
    path = Path(path)
    if (path / "config.yaml").is_file():
        return [path]
    if not path.is_dir():
        raise HarnessError(f"{path}: no such folder; pass a run folder or a sweep folder")
    runs = sorted(p.parent for p in path.glob("*/config.yaml"))
    if not runs:
        raise HarnessError(f"{path}: no run folders in it (none holds config.yaml); pass a run "
                           "folder or a sweep folder written by `python -m harness sweep`")
    return runs


def write_events(path: str | os.PathLike, logdir: str | os.PathLike | None = None,
                 force: bool = False):
    """Writes TensorBoard event files for a run folder or every run of a sweep folder.

    Args:
        path: a run folder, or a folder of run folders (a sweep).
        logdir: where the event folders go; default `<path>/tensorboard`.
        force: write into `logdir` even when it is not a TensorBoard folder of ours
            (`harness.base.owned.check_ours`).

    Returns:
        (logdir, the event folders written, one per run).

    Raises:
        HarnessError: no run folder at `path`, or TensorBoard missing.
    """
    runs = run_folders(path)
    logdir = check_ours(Path(path) / "tensorboard" if logdir is None else logdir, "tensorboard",
                        "--logdir", force)
    _require_tensorboard()
    backend.load()  # TensorFlow loaded quietly, as for a run: no start-up log lines
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp

    mark_ours(logdir, "tensorboard")
    loaded = [load_run(run_dir, every_table=True) for run_dir in runs]  # damaged: not written
    hparams = {}
    for run in loaded:
        for key, value in _hparams(run.config).items():
            hparams.setdefault(key, set()).add(value)
    # The HParams dashboard's columns (every key) and the metrics it can sort by, at the root.
    _replace(logdir, lambda w: hp.hparams_config(
        hparams=[hp.HParam(k) for k in sorted(hparams)],
        metrics=[hp.Metric(f"summary/{m}", display_name=m) for m in SUMMARY_METRICS]), tf,
        root=True)
    written = []
    for run in loaded:
        written.append(_replace(logdir / run.dir.name, lambda w, run=run: _run_events(run, hp), tf))
    return logdir, written


def _run_events(run: Run, hp) -> None:
    """Writes one run's summaries into the default writer."""
    import tensorflow as tf

    hp.hparams(_hparams(run.config), trial_id=run.dir.name)
    for row in run.history.to_dict("records"):
        for column, value in row.items():
            if column != "epoch" and _finite(value):
                tf.summary.scalar(f"history/{column}", value, step=int(row["epoch"]))
    for (layer, metric), rows in (run.layers.groupby(["layer", "metric"], sort=False)
                                  if not run.layers.empty else []):
        for epoch, value in zip(rows["epoch"], rows["value"]):
            if _finite(value):
                tf.summary.scalar(f"{layer}/{metric}", value, step=int(epoch))
    step = int(run.summary.get("epochs_run") or 0)
    for metric in SUMMARY_METRICS:
        if _finite(run.summary.get(metric)):
            tf.summary.scalar(f"summary/{metric}", run.summary[metric], step=step)
    histograms = run.table("histograms.csv")
    if not histograms.empty:
        _histograms(full_bins(histograms))  # with the bins the file leaves out


def _histograms(frame: pd.DataFrame) -> None:
    """`histograms.csv` bins as TensorBoard histograms: a (bins, 3) tensor [left, right, count]."""
    import tensorflow as tf
    from tensorboard.plugins.histogram import metadata

    keys = ["epoch", "layer", "quantity", "scale"]
    for (epoch, layer, quantity, scale), bins in frame.groupby(keys, sort=False):
        tag = f"{layer}/{quantity}" + ("" if scale == "linear" else f"_{scale}")
        buckets = bins.sort_values("bin_left")[["bin_left", "bin_right", "count"]]
        tf.summary.write(tag, tf.constant(buckets.to_numpy(dtype="float64")), step=int(epoch),
                         metadata=metadata.create_summary_metadata(
                             tag, f"{quantity} of {layer} ({scale} bins)"))


def _replace(folder: Path, write, tf, root: bool = False) -> Path:
    """Writes event files into a fresh temp folder, then puts them in `folder` in place of the
    event files written there before.

    Only files `folder`'s marker records are removed (`harness.base.owned.remove_ours`): a file
    of the user's in a run's event folder stays. `root`: `folder` is the logdir itself, whose
    other files (the runs' folders) stay as they are.
    """
    tmp = Path(tempfile.mkdtemp(dir=folder.parent if not root else folder,
                                prefix=f".{folder.name}."))
    try:
        writer = tf.summary.create_file_writer(str(tmp))
        with writer.as_default():
            write(writer)
        writer.close()
        mark_ours(folder, "tensorboard")
        remove_ours(folder, [p.name for p in folder.glob("events.out.tfevents.*")],
                    "earlier TensorBoard events")
        for new in sorted(tmp.iterdir()):
            note_written(folder / new.name)
            os.replace(new, folder / new.name)
    finally:
        remove_temporary(tmp)
    return folder


def _hparams(config: dict) -> dict:
    """The config as hparams: dotted keys; values TensorBoard takes (bool, number, string)."""
    out = {}
    for key, value in flatten_config(config).items():
        if value is None:
            continue
        out[key] = value if isinstance(value, (bool, int, float, str)) else str(value)
    return out


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _require_tensorboard() -> None:
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        raise HarnessError(INSTALL) from None
