"""One run, top to bottom: config -> setup (data, model; `harness.training.setup`) -> run folder ->
fit, test, measure.

Everything that can be wrong with the input (config, data files) is checked before the run folder
is created, so bad input leaves nothing behind. The folder's life is `harness.training.lifecycle`'s:
`summary.json` is written last, and its `status` says whether the run finished (`completed`),
blew up (`diverged`), was stopped (`interrupted`) or crashed (`failed`).
"""

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from harness.base import backend
from harness.base.files import write_csv
from harness.base.owned import check_ours
from harness.base.stops import sticky_stops
from harness.config.file import command_line
from harness.rundir.folders import RESULTS, new_run_dir
from harness.rundir.run import Run, load_run
from harness.training.lifecycle import open_run
from harness.training.setup import Setup, setup
from harness.training.steering import Steering
from harness.training.summary import Summary


def run(config: str | os.PathLike | Mapping, overrides: Sequence[str] | Mapping | None = None,
        out: str | os.PathLike | None = None, verbose: int = 1, report: bool = True,
        force: bool = False, locked: bool = False, preflight: bool = False,
        live: bool = False) -> Run:
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
        preflight: run `harness.training.preflight`'s checks once `config.yaml` is written,
            print them and write `preflight.json`, `lr_range.csv` and `lr_range.png` into the run
            folder; training follows whatever they say (the model is put back as it was), and
            `summary.json`'s `preflight_passed` records whether all passed.
        live: steer the run from its `control.json` from the start, one epoch per compiled
            call (`harness.training.steering`; a `control.json` in the folder does the same),
            and write `live.json` for the live page (`harness watch`).

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
            "data": s.data.fingerprint,  # what it read: a resumed sweep retrains on a change
            "steering": []}  # what control.json asked and when (`harness.training.steering`)
    with open_run(run_dir, meta, s.cfg.model_dump(mode="json"), Summary(s.cfg, s.data),
                  _report if report else None, locked) as summary:
        if preflight:
            from harness.training.preflight import format_checks, run_checks

            checks = run_checks(s, config, overrides, run_dir)
            print(format_checks(checks), file=sys.stderr)
            summary.preflight(checks.passed)
        steering = Steering(run_dir, live, meta["steering"])  # after open_run cleared it
        train_and_measure(s, run_dir, summary, verbose, steering)
    return load_run(run_dir)


def train_and_measure(s: Setup, run_dir: Path, summary: Summary, verbose: int = 1,
                      steering: Steering | None = None) -> None:
    """Trains, records every epoch, tests, and fills in `summary` as it goes, `status` last.

    Args:
        s: what `setup` built.
        run_dir: the run folder, opened by `harness.training.lifecycle.open_run`.
        summary: `summary.json` so far; every result goes in it, so that a run that stops
            half-way still says what it measured.
        verbose: as for `run`.
        steering: reads `control.json` between epochs; None for none.
    """
    from harness.training.train import fit

    if steering and steering.active and s.data.n_inputs <= 2:
        _write_points(s.data, run_dir)  # now, for the live page's boundary
    with sticky_stops():  # a stop that lands in a finalizer still stops training
        recorder, diverged = fit(s, run_dir, verbose, steering)
    summary.trained(len(recorder.history), recorder.summary_at_init)
    if diverged:
        status = "diverged"
        summary.diverged(*diverged)
    else:
        _test(s, recorder, run_dir, summary)
        status = "completed"
    layers = recorder.layers_frame()
    summary.ratios(layers, recorder.timesteps_frame())
    if s.cfg.expect:
        summary.expected(s.cfg.expect, status, layers)
    summary.end(status)  # only now: a file that failed to write is a failed run


def _test(s: Setup, recorder, run_dir: Path, summary: Summary) -> None:
    """The trained model on the test and training sets, its last snapshots, and the points."""
    from harness.training.train import evaluate

    data, model = s.data, s.model
    summary.tested(evaluate(model, data.x_test, s.y["test"]))
    summary.refitted(evaluate(model, data.x_train, s.y["train"]))
    recorder.snapshots.finish(model, len(recorder.history))
    recorder.snapshots.write(run_dir)
    if data.n_inputs <= 2:  # toys and 2-D csv files: the boundary over their plane
        _write_points(data, run_dir)


def _report(run_dir: Path, summary: dict) -> None:
    """Draws the finished run's report; a failing report is a warning (the run's data is sound,
    `harness report` rebuilds it), and only a stop passes."""
    from harness.report.html import build_report

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
    return check_ours(out, "run", "--out", force, example="results/try1")


def _new_dir(cfg) -> Path:
    """A new readable run folder under results/<name>/ (`run_label`)."""
    return new_run_dir(RESULTS / cfg.name, run_label(cfg))


def run_label(cfg) -> str:
    """The readable start of a run folder's name: `relu-d8-s0`, a recurrent run's with its cell
    first (`lstm-tanh-d2-s0`: a SimpleRNN and an LSTM differ there)."""
    activation = "+".join(dict.fromkeys(cfg.model.activations())) or "none"
    cell = f"{cfg.model.cell}-" if cfg.model.cell else ""  # only recurrent models have one
    return f"{cell}{activation.replace(':', '.')}-d{cfg.model.depth}-s{cfg.seed}"


def _write_points(data, run_dir: Path) -> None:
    """The train and test points in the data's original inputs (`points.csv`)."""
    names = [f"x{i + 1}" for i in range(data.n_inputs)]
    points = [pd.DataFrame(x, columns=names).assign(split=split, y=np.asarray(y).reshape(len(y)))
              for split, x, y in (("train", data.original("train"), data.y_train),
                                  ("test", data.original("test"), data.y_test))]
    write_csv(run_dir / "points.csv", pd.concat(points)[["split", *names, "y"]])
