"""One run, top to bottom: config -> setup (data, model) -> run folder -> fit, test, measure.

Everything that can be wrong with the input (config, data files) is checked before the run folder
is created, so bad input leaves nothing behind. The folder's life is `harness.lifecycle`'s:
`summary.json` is written last, and its `status` says whether the run finished (`completed`),
blew up (`diverged`), was stopped (`interrupted`) or crashed (`failed`).
"""

import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from harness import activations, backend, heads, losses, verdict
from harness.config import Config, KeyProblem
from harness.configfile import blame, command_line, load_config
from harness.data import Dataset, load_dataset
from harness.errors import DataError
from harness.expect import check_run, parse_run
from harness.files import check_ours, write_csv
from harness.frames import hidden_mean, last_epoch, time_ratio, vanishing_ratio
from harness.lifecycle import open_run
from harness.memory import check_fits
from harness.rundir import RESULTS, Run, load_run, new_run_dir
from harness.stops import sticky_stops
from harness.yamlfile import display_path


@dataclass
class Setup:
    """What a run trains with, built before anything is written.

    Attributes:
        cfg: the validated config.
        data: the dataset's arrays.
        y: labels as the loss expects them, by split: `train`, `val`, `test`.
        model: the compiled `StatsModel`.
        columns: the columns of `history.csv`.
    """

    cfg: Config
    data: Dataset
    y: dict
    model: object
    columns: list[str]


def setup(config: str | os.PathLike | Mapping,
          overrides: Sequence[str] | Mapping | None = None) -> Setup:
    """Config -> seeded TensorFlow -> data -> compiled model. Raises on bad input."""
    cfg, sources = load_config(config, overrides)
    # Before TensorFlow loads: a missing file fails fast.
    data = load_dataset(cfg.data, cfg.seed, cfg.model.type)
    where = "<mapping>" if isinstance(config, Mapping) else display_path(Path(config))
    try:
        cfg.check_task(data.task)  # a csv file's target decides its task only now
        head = heads.HEADS.get(cfg.model.head)
        check_fits(cfg, data.input_shape, head.units(data.n_classes), len(data.x_train),
                   len(data.x_val))
    except KeyProblem as e:
        raise blame(e, sources, where) from None
    backend.init(cfg.seed)
    loss = losses.LOSSES.get(cfg.train.loss)
    y = {split: loss.prepare(getattr(data, f"y_{split}"), data.n_classes)
         for split in ("train", "val", "test")}

    from harness.conv import build_conv_model
    from harness.model import build_model
    from harness.train import compile_model

    if cfg.model.type == "recurrent":
        from harness.recurrent import build_recurrent

        model = build_recurrent(cfg.model, data.input_shape, data.n_classes, cfg.seed,
                                cfg.train.clipnorm)
    else:
        build = build_conv_model if cfg.model.type == "conv" else build_model
        model = build(cfg.model, data.input_shape, data.n_classes, cfg.seed, cfg.train.clipnorm)
    steps = -(-len(data.x_train) // cfg.train.batch_size)
    s = Setup(cfg, data, y, model, compile_model(model, cfg, loss.labels, steps))
    try:
        _check_initial_loss(s, where)
    except KeyProblem as e:
        raise blame(e, sources, where) from None
    return s


def _check_initial_loss(s: Setup, where: str) -> None:
    """A loss that is NaN or infinite before any step is the initialisation's doing, not the
    learning rate's: say so before a run folder is made."""
    probe = slice(0, s.cfg.train.batch_size)  # the batch `harness.train.fit` records epoch 0 on
    x, y = s.data.x_train[probe], s.y["train"][probe]
    if not all(np.isfinite(getattr(s.data, f"x_{split}")).all()  # then the data is the cause
               for split in ("train", "val", "test")):
        raise DataError(f"{where}: data: the model's inputs hold NaN or infinite values after "
                        "scaling (values near float32's limit, 3.4e38, overflow); check the data "
                        "and rescale its largest columns")
    loss = float(s.model.compute_loss(x=x, y=y, y_pred=s.model(x)))  # forward only: no gradients
    if not math.isfinite(loss):
        cause = activations.non_finite_cause(s.cfg.model.activation, loss)
        if cause:  # an activation that is not finite, or the user's own: name it
            raise KeyProblem("model.activation", cause)
        raise KeyProblem("model.initializer", f"the loss is already {loss} at initialisation, "
                         "before any training step, so the initial weights are the cause (not "
                         "train.learning_rate); use smaller initial weights, e.g. "
                         "model: {initializer: glorot_uniform}")


def run(config: str | os.PathLike | Mapping, overrides: Sequence[str] | Mapping | None = None,
        out: str | os.PathLike | None = None, verbose: int = 1, report: bool = True,
        force: bool = False, locked: bool = False) -> Run:
    """Trains one config and writes its run folder.

    Args:
        config: a YAML file, or a mapping of config keys.
        overrides: `["model.depth=8"]` (as `--set` takes them) or `{"model.depth": 8}`.
        out: the run folder; default `results/<name>/<activation>-d<depth>-s<seed>-<time>`.
            An earlier run's folder is cleared first; a folder holding anything else is refused.
        verbose: Keras' verbosity (0 silent, 1 progress bar, 2 one line per epoch).
        report: also write the plots and `report.html` (about 0.7 s; sweeps leave it to
            `harness report`).
        force: write into `out` even when it holds files that are not a run's (they stay, and
            files of the same name are replaced).
        locked: the caller holds `out`'s lock for this run (a sweep's parent process, while a
            worker process trains into it).

    Returns:
        The `Run`, read back from its folder.

    Raises:
        ConfigError, DataError: bad input, before anything is written.
        HarnessError: `out` cannot take a run (a file, read-only, full, someone else's files,
            another process writing it).
    """
    if out is not None:
        check_out(out, force)
    s = setup(config, overrides)
    for warning in s.cfg.warnings():
        print(f"warning: {warning}", file=sys.stderr)
    run_dir = _new_dir(s.cfg) if out is None else Path(out)
    meta = {**backend.versions(), "seed": s.cfg.seed, "argv": sys.argv,
            "command": command_line(config, overrides, out, run_dir / "config.yaml"),
            "config_file": None if isinstance(config, Mapping) else str(config),
            "data": s.data.fingerprint}  # what it read: a resumed sweep retrains on a change
    with open_run(run_dir, meta, s.cfg.model_dump(mode="json"), _first_summary(s.cfg, s.data),
                  _report if report else None, locked) as summary:
        train_and_measure(s, run_dir, summary, verbose)
    return load_run(run_dir)


def _first_summary(cfg: Config, data: Dataset) -> dict:
    """`summary.json` before training: the data's facts, and the `failed` status the run
    replaces when it ends."""
    summary = {"status": "failed", "task": data.task, "epochs_run": 0,
               "examples": {"train": len(data.x_train), "val": len(data.x_val),
                            "test": len(data.x_test)},
               **verdict.chance(data.task, cfg.train.loss, data.y_train, data.y_test,
                                data.n_classes)}
    if data.class_names:
        summary["class_names"] = list(data.class_names)
    if data.input_names:  # a csv file's columns: the axes of its boundary picture
        summary["input_names"] = list(data.input_names)
    return summary


def train_and_measure(s: Setup, run_dir: Path, summary: dict, verbose: int = 1) -> None:
    """Trains, records every epoch, tests, and fills in `summary` as it goes, `status` last.

    Args:
        s: what `setup` built.
        run_dir: the run folder, opened by `harness.lifecycle.open_run`.
        summary: `summary.json` so far; every result goes in it, so that a run that stops
            half-way still says what it measured.
        verbose: as for `run`.
    """
    from harness.train import fit

    with sticky_stops():  # a stop that lands in a finalizer still stops training
        recorder, diverged = fit(s, run_dir, verbose)
    summary["epochs_run"] = len(recorder.history)
    if diverged:
        status = "diverged"
        summary.update(diverged_epoch=diverged[0], diverged_step=diverged[1])
    else:
        _test(s, recorder, run_dir, summary)
        status = "completed"
    layers = recorder.layers_frame()
    summary.update(vanishing_ratio_init=vanishing_ratio(layers, 0),
                   vanishing_ratio_final=vanishing_ratio(layers, summary["epochs_run"]))
    if "timesteps.csv" in recorder.items:  # recurrent: the gradient over time, first / last step
        steps = recorder.meter.frame("timesteps.csv", recorder.items["timesteps.csv"])
        summary.update(time_ratio_init=time_ratio(steps, 0), time_ratio_final=time_ratio(steps))
    if s.cfg.expect:
        results = check_run(parse_run(s.cfg.expect), _measured(
            dict(summary, status=status), layers))
        summary.update(expect=results, expect_met=all(r["met"] for r in results))
    summary["status"] = status  # only now: a file that failed to write is a failed run


def _test(s: Setup, recorder, run_dir: Path, summary: dict) -> None:
    """The trained model on the test and training sets, its last snapshots, and the points."""
    from harness.train import evaluate

    data, model = s.data, s.model
    test = evaluate(model, data.x_test, s.y["test"])
    summary.update({f"test_{k}": v for k, v in test.items()})
    summary["learned"] = verdict.learned(dict(summary, status="completed"))
    # The final model on its own training examples (inference mode: no dropout, moving
    # batch-norm statistics): train_accuracy - test_accuracy is the overfitting.
    fitted = evaluate(model, data.x_train, s.y["train"])
    summary.update({f"train_{k}": v for k, v in fitted.items()})
    recorder.snapshots.finish(model, summary["epochs_run"])
    recorder.snapshots.write(run_dir)
    if data.n_inputs <= 2:  # toys and 2-D csv files: the boundary over their plane
        _write_points(data, run_dir)


def _report(run_dir: Path, summary: dict) -> None:
    """Draws the finished run's report; a failing report is a warning (the run's data is sound,
    `harness report` rebuilds it), and only a stop passes."""
    from harness.report import build_report

    run = load_run(run_dir)
    run.summary = summary
    try:
        build_report(run)
    except Exception as e:
        print(f"warning: report not written ({type(e).__name__}: {e}); rebuild it with "
              f"`python -m harness report {run_dir}`", file=sys.stderr)


def check_out(out: str | os.PathLike, force: bool = False) -> Path:
    """Checks that `--out` can take a run before anything is trained.

    Raises:
        HarnessError: `out` is empty, a file, read-only, on a full disk, or a non-empty folder
            that is not a run folder (unless `force`).
    """
    return check_ours(out, "run", "--out", force, example="results/try1")  # files.KINDS


def _measured(summary: dict, layers: pd.DataFrame) -> dict:
    """What an `expect:` can name: `summary.json` and the per-run columns of a sweep's runs.csv."""
    last = last_epoch(layers)
    return {**summary, "saturation_final": hidden_mean(layers, "saturation", last),
            "dead_fraction_final": hidden_mean(layers, "dead_fraction", last)}


def _new_dir(cfg) -> Path:
    """A new readable run folder under results/<name>/."""
    activation = "+".join(dict.fromkeys(cfg.model.activations())) or "none"
    return new_run_dir(RESULTS / cfg.name,
                       f"{activation.replace(':', '.')}-d{cfg.model.depth}-s{cfg.seed}")


def _write_points(data, run_dir: Path) -> None:
    """The train and test points in the data's original inputs (`points.csv`)."""
    names = [f"x{i + 1}" for i in range(data.n_inputs)]
    points = [pd.DataFrame(x, columns=names).assign(split=split, y=np.asarray(y).reshape(len(y)))
              for split, x, y in (("train", data.original("train"), data.y_train),
                                  ("test", data.original("test"), data.y_test))]
    write_csv(run_dir / "points.csv", pd.concat(points)[["split", *names, "y"]])
