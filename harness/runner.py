"""One run, top to bottom: config -> data -> model -> fit -> run folder.

Everything that can be wrong with the input (config, data files) is checked before the run folder
is created, so bad input leaves nothing behind. `summary.json` is written last: its `status` says
whether the run finished (`completed`), blew up (`diverged`), was stopped (`interrupted`) or
crashed (`failed`).
"""

import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from harness import backend, losses, verdict
from harness.config import Config, KeyProblem
from harness.configfile import command_line, load_config
from harness.data import Dataset, load_dataset
from harness.errors import ConfigError
from harness.expect import check_run, parse_run
from harness.files import write_csv, write_json, write_yaml
from harness.report.frames import hidden_mean, last_epoch, vanishing_ratio
from harness.rundir import RESULTS, Run, load_run, new_run_dir


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
    cfg, _ = load_config(config, overrides)
    data = load_dataset(cfg.data, cfg.seed)  # before TensorFlow loads: a missing file fails fast
    try:
        cfg.check_task(data.task)  # a csv file's target decides its task only now
    except KeyProblem as e:
        where = "<mapping>" if isinstance(config, Mapping) else str(config)
        raise ConfigError(f"{where}: {e.key}: {e}") from None
    backend.init(cfg.seed)  # also frees the previous run's graphs and variables
    loss = losses.LOSSES.get(cfg.train.loss)
    y = {split: loss.prepare(getattr(data, f"y_{split}"), data.n_classes)
         for split in ("train", "val", "test")}

    from harness.model import build_model
    from harness.train import compile_model

    model = build_model(cfg.model, data.n_features, data.n_classes, cfg.seed, cfg.train.clipnorm)
    steps = -(-len(data.x_train) // cfg.train.batch_size)
    return Setup(cfg, data, y, model, compile_model(model, cfg, loss.labels, steps))


def run(config: str | os.PathLike | Mapping, overrides: Sequence[str] | Mapping | None = None,
        out: str | os.PathLike | None = None, verbose: int = 1, report: bool = True) -> Run:
    """Trains one config and writes its run folder.

    Args:
        config: a YAML file, or a mapping of config keys.
        overrides: `["model.depth=8"]` (as `--set` takes them) or `{"model.depth": 8}`.
        out: the run folder; default `results/<name>/<activation>-d<depth>-s<seed>-<time>`.
        verbose: Keras' verbosity (0 silent, 1 progress bar, 2 one line per epoch).
        report: also write the plots and `report.html` (about 2 s; sweeps leave it to
            `harness report`).

    Returns:
        The `Run`, read back from its folder.

    Raises:
        ConfigError, DataError: bad input, before anything is written.
    """
    s = setup(config, overrides)
    cfg, data, model = s.cfg, s.data, s.model
    for warning in cfg.warnings():
        print(f"warning: {warning}", file=sys.stderr)
    from harness.train import evaluate, fit

    run_dir = _prepare(out, cfg)
    started = time.time()
    write_yaml(run_dir / "config.yaml", cfg.model_dump(mode="json"))
    meta = {**backend.versions(), "seed": cfg.seed, "argv": sys.argv,
            "command": command_line(config, overrides, out, run_dir / "config.yaml"),
            "config_file": None if isinstance(config, Mapping) else str(config),
            "started": datetime.now().isoformat(timespec="seconds")}
    write_json(run_dir / "meta.json", meta)

    summary = {"status": "failed", "task": data.task, "epochs_run": 0,
               "examples": {"train": len(data.x_train), "val": len(data.x_val),
                            "test": len(data.x_test)},
               **verdict.chance(data.task, cfg.train.loss, data.y_train, data.y_test,
                                data.n_classes)}
    if data.class_names:
        summary["class_names"] = list(data.class_names)
    try:
        recorder, diverged = fit(s, run_dir, verbose)
        summary["epochs_run"] = len(recorder.history)
        if diverged:
            summary.update(status="diverged", diverged_epoch=diverged[0],
                           diverged_step=diverged[1])
        else:
            test = evaluate(model, data.x_test, s.y["test"])
            summary.update({f"test_{k}": v for k, v in test.items()}, status="completed")
            summary["learned"] = verdict.learned(summary)
            # The final model on its own training examples (inference mode: no dropout, moving
            # batch-norm statistics), so that train_accuracy - test_accuracy is the overfitting.
            fitted = evaluate(model, data.x_train, s.y["train"])
            summary.update({f"train_{k}": v for k, v in fitted.items()})
            recorder.snapshots.finish(model, summary["epochs_run"])
            recorder.snapshots.write(run_dir)
            if data.n_inputs <= 2:  # toys and 2-D csv files: the boundary over their plane
                _write_points(data, run_dir)
        layers = recorder.layers_frame()
        summary.update(vanishing_ratio_init=vanishing_ratio(layers, 0),
                       vanishing_ratio_final=vanishing_ratio(layers, summary["epochs_run"]))
        if cfg.expect:
            results = check_run(parse_run(cfg.expect), _measured(summary, layers))
            summary.update(expect=results, expect_met=all(r["met"] for r in results))
    except KeyboardInterrupt:
        _finish(run_dir, meta, dict(summary, status="interrupted"), started, report=False)
        raise
    except Exception as e:
        _finish(run_dir, meta, dict(summary, error=f"{type(e).__name__}: {e}"), started, False)
        raise
    _finish(run_dir, meta, summary, started, report)
    return load_run(run_dir)


def _finish(run_dir: Path, meta: dict, summary: dict, started: float, report: bool) -> None:
    """Closes the run folder: meta.json's end time, the report, and summary.json last."""
    summary["wall_time_s"] = round(time.time() - started, 3)
    write_json(run_dir / "meta.json", {**meta, "wall_time_s": summary["wall_time_s"],
                                       "finished": datetime.now().isoformat(timespec="seconds")})
    if report:
        from harness.report import build_report

        run = load_run(run_dir)
        run.summary = summary
        try:
            build_report(run)
        except Exception as e:  # the run's data is sound; a report can be rebuilt later
            print(f"warning: report not written ({type(e).__name__}: {e}); rebuild it with "
                  f"`python -m harness report {run_dir}`", file=sys.stderr)
    write_json(run_dir / "summary.json", summary)


def _prepare(out, cfg) -> Path:
    """The run folder: `out`, or a new readable one under results/<name>/."""
    if out is None:
        activation = "+".join(dict.fromkeys(cfg.model.activations())) or "none"
        return new_run_dir(RESULTS / cfg.name,
                           f"{activation.replace(':', '.')}-d{cfg.model.depth}-s{cfg.seed}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").unlink(missing_ok=True)  # a rerun is unfinished until it finishes
    return out


def _measured(summary: dict, layers: pd.DataFrame) -> dict:
    """What an `expect:` can name: `summary.json` and the per-run columns of a sweep's runs.csv."""
    last = last_epoch(layers)
    return {**summary, "saturation_final": hidden_mean(layers, "saturation", last),
            "dead_fraction_final": hidden_mean(layers, "dead_fraction", last)}


def _write_points(data, run_dir: Path) -> None:
    """The train and test points in the data's original inputs (`points.csv`)."""
    names = [f"x{i + 1}" for i in range(data.n_inputs)]
    points = [pd.DataFrame(x, columns=names).assign(split=split, y=np.asarray(y).reshape(len(y)))
              for split, x, y in (("train", data.original("train"), data.y_train),
                                  ("test", data.original("test"), data.y_test))]
    write_csv(run_dir / "points.csv", pd.concat(points)[["split", *names, "y"]])
