"""Running a sweep: every run of an experiment, resumable, failures kept apart; then its tables.

A run whose folder already holds a `completed` summary and the same resolved config is skipped
(`claims.is_complete`), so running the same command again finishes an interrupted sweep and
retries the failed runs only. A run that fails (an exception, or a diverged loss) is recorded and
the sweep goes on. The runs are trained by one loop (`schedule.train_points`) with an executor:
in this process one after another (`sequential`, the default), `--jobs N` worker processes
(`parallel`), or Ray (`ray_executor`).
"""

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from harness.base.files import write_csv
from harness.base.owned import check_ours, mark_ours
from harness.config.expect import format_results
from harness.errors import HarnessError
from harness.rundir.folders import RESULTS
from harness.rundir.run import load_run
from harness.sweeps.claims import BUSY, check_inputs, is_complete
from harness.sweeps.experiment import Experiment, load_experiment
from harness.sweeps.jobs import parse_jobs
from harness.sweeps.parallel import Processes
from harness.sweeps.run_reports import RunReports
from harness.sweeps.schedule import say, train_points
from harness.sweeps.sequential import InProcess
from harness.sweeps.tables import check_cells, run_row, runs_frame, summary_frame


@dataclass
class SweepResult:
    """What a sweep did.

    Attributes:
        dir: the sweep folder (run folders, `runs.csv`, `summary.csv`, `report.html`).
        runs: `runs.csv` as a DataFrame.
        summary: `summary.csv` as a DataFrame.
        trained: runs trained by this call (the others were already complete).
        report: the sweep's `report.html`.
        expectations: the `expect:` results, one per (cell, expectation) (`check_cells`).
    """

    experiment: Experiment
    dir: Path
    runs: pd.DataFrame
    summary: pd.DataFrame
    trained: int
    report: Path | None
    expectations: list = field(default_factory=list)

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] != "completed"]

    def _repr_html_(self) -> str:
        """Jupyter shows a sweep as its summary over seeds and figures."""
        from harness.report.notebook import sweep_html

        return sweep_html(self)


def run_sweep(experiment: str | os.PathLike, out: str | os.PathLike | None = None,
              overrides: Sequence[str] | Mapping | None = None, log=sys.stderr,
              run_reports: bool = False, jobs: int | str = 1, executor: str = "local",
              address: str | None = None, max_runs: int | None = None,
              force: bool = False, live: bool = False) -> SweepResult:
    """Trains the runs of an experiment file that are not complete yet; writes tables and report.

    Args:
        experiment: the experiment YAML file (`harness.sweeps.experiment`).
        out: the sweep folder; default `results/<experiment file stem>/`.
        overrides: `--set` overrides for every run (strings `"k=v"` or a mapping).
        log: where the progress lines go (None: silent).
        run_reports: also build each run's own `report.html` (about 0.7 s of matplotlib per
            run, as long as training a toy run, and competing with training for the CPU). Off,
            the study's report links each run folder; `harness report RUN_DIR` builds one run's
            report when it is wanted.
        jobs: runs trained at a time in worker processes (`harness.sweeps.parallel`); `"auto"`:
            one per core. 1 trains them here, one after the other.
        executor: `"local"`, or `"ray"` to train every run as a Ray task
            (`harness.sweeps.ray_executor`); `jobs` is then ignored.
        address: the Ray cluster to join (`ray start --head` prints it); None starts a local one.
        max_runs: refuse an experiment of more runs (None: `harness.sweeps.experiment.MAX_RUNS`).
        force: write into `out` even when it is not a sweep's folder
        (`harness.base.owned.check_ours`).
        live: train every run steerable and one epoch per call (`harness.training.runner.run`'s
            `live`), so the live page shows each run's epochs as they end (in this process
            and `--jobs` workers; Ray's runs only when their page writes a `control.json`).

    Returns:
        A `SweepResult`.

    Raises:
        ConfigError: a bad experiment file, before anything is trained or written.
        DataError: a data file a run reads is missing now, before anything is touched.
    """
    from harness.sweeps.report import write_report

    exp = load_experiment(experiment, overrides, max_runs=max_runs)
    check_inputs(exp)  # missing data is an error now, not a resume that clears finished runs
    trainer = make_executor(executor, jobs, address)
    trainer.live = live
    out = check_ours(RESULTS / exp.name if out is None else out, "sweep", "--out", force)
    todo = {p.folder for p in exp.points if not is_complete(out / p.folder, p)}
    say(log, f"sweep {exp.path}: {len(exp.points)} runs ({exp.cells} cells x {len(exp.seeds)} "
             f"seeds), {len(exp.points) - len(todo)} already complete -> {out}/")
    mark_ours(out, "sweep")
    errors = {}
    reports = RunReports(background=run_reports and len(todo) > 1, enabled=run_reports)
    try:
        times = train_points(exp, out, todo, errors, reports, log, trainer)
    except KeyboardInterrupt:
        reports.kill()
        _tables(exp, out, errors)  # what is done so far; the rerun picks up from here
        raise
    for folder, error in reports.close().items():
        errors.setdefault(folder, error)  # a run's own failure says more than its report's
    runs, summary, loaded, results = _tables(exp, out, errors)
    report = write_report(out, exp, runs, summary, loaded)
    failed = int((runs["status"] != "completed").sum())
    if results:
        say(log, format_results(results))
    say(log, f"trained {len(times)}, skipped {len(exp.points) - len(todo)}, failed {failed}; "
             f"report: {report}")
    return SweepResult(exp, out, runs, summary, len(times), report, results)


def sweep(experiment, out=None, overrides=None, run_reports=False, jobs=1, executor="local",
          address=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs an experiment file (see `run_sweep`) and returns (runs, summary) DataFrames.

    Example:
        >>> runs, summary = sweep("experiments/vanishing_gradients.yaml")
        >>> summary.pivot(index="model.depth", columns="model.activation",
        ...               values="vanishing_ratio_init_mean")
    """
    result = run_sweep(experiment, out=out, overrides=overrides, run_reports=run_reports,
                       jobs=jobs, executor=executor, address=address)
    return result.runs, result.summary


def make_executor(executor: str, jobs, address):
    """The `schedule.Executor` that `--executor`, `--jobs` and `--address` ask for.

    Raises:
        HarnessError: an unknown executor, a bad `--jobs`, `--address` without Ray, or Ray not
            installed.
    """
    if executor == "ray":
        from harness.sweeps.ray_executor import OnRay

        return OnRay(address=address)
    if executor != "local":
        raise HarnessError(f"--executor {executor}: unknown executor; use `local` or `ray`")
    if address is not None:
        raise HarnessError("--address: only with --executor ray")
    jobs = parse_jobs(jobs)
    return InProcess() if jobs == 1 else Processes(jobs)


def _tables(exp: Experiment, out: Path, errors: dict):
    """Reads every run folder back and writes `runs.csv` and `summary.csv`.

    A folder only counts with what belongs to the experiment as it is now: a damaged folder, or a
    completed summary from another config (a run not reached this time), is not `completed`.
    """
    rows, loaded = [], {}
    for point in exp.points:
        run_dir = out / point.folder
        run, error = _read_back(run_dir, point)
        if run is not None:
            loaded[point.folder] = run
        note = errors.get(point.folder)
        if note == BUSY and run is not None and run.status != "incomplete":
            note = None  # the other sweep's run has ended: its folder says how
        rows.append(run_row(point, run, note or error, run_dir))
    runs = runs_frame(rows)
    summary = summary_frame(runs, list(exp.grid))
    results = check_cells(exp, runs, summary)
    write_csv(out / "runs.csv", runs)
    write_csv(out / "summary.csv", summary)
    return runs, summary, loaded, results


def _read_back(run_dir: Path, point) -> tuple[object, str | None]:
    """(the run in `run_dir` as this point's row should show it, or None; a note why not)."""
    if not (run_dir / "config.yaml").is_file():
        return None, None
    try:
        run = load_run(run_dir)
    except HarnessError as e:
        return None, str(e)
    try:
        complete = run.status != "completed" or is_complete(run_dir, point, run)
        why = "its summary.json is from another config; rerun the sweep to train it"
    except HarnessError as e:  # its data went missing during the sweep
        complete, why = False, str(e)
    if not complete:
        run.summary = {"status": "incomplete"}
        return run, why
    return run, None
