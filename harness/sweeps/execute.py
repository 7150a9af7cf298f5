"""Running a sweep: every run of an experiment in one process, resumable, failures kept apart.

TensorFlow loads once; `harness.runner.run` clears the Keras session after each run. A run whose
folder already holds a `completed` summary and the same resolved config is skipped, so running the
same command again finishes an interrupted sweep and retries the failed runs only. A run that fails
(an exception, or a diverged loss) is recorded and the sweep goes on.
"""

import logging
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from harness.data import DATASETS
from harness.errors import HarnessError
from harness.expect import format_results
from harness.files import check_ours, mark_ours, write_csv
from harness.rundir import (
    RESULTS,
    check_tables,
    clear_run_files,
    is_finished,
    load_run,
    lock_folder,
    same_data,
)
from harness.stops import raise_swallowed_stop, sticky_stops
from harness.sweeps.experiment import Experiment, load_experiment
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
              force: bool = False) -> SweepResult:
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
        force: write into `out` even when it is not a sweep's folder (`harness.files.check_ours`).

    Returns:
        A `SweepResult`.

    Raises:
        ConfigError: a bad experiment file, before anything is trained or written.
    """
    from harness.runner import run
    from harness.sweeps.report import write_report

    exp = load_experiment(experiment, overrides, max_runs=max_runs)
    pool = _executor(executor, jobs, address)  # None: train here, one run after the other
    out = check_ours(RESULTS / exp.name if out is None else out, "sweep", "--out", force)
    todo = {p.folder for p in exp.points if not _done(out / p.folder, p)}
    _say(log, f"sweep {exp.path}: {len(exp.points)} runs ({exp.cells} cells x {len(exp.seeds)} "
              f"seeds), {len(exp.points) - len(todo)} already complete -> {out}/")
    mark_ours(out, "sweep")
    errors, times = {}, []
    reports = _Reports(background=run_reports and len(todo) > 1, enabled=run_reports)
    try:
        if pool is not None:  # the reports missing from earlier runs first, as below
            for folder in sorted({p.folder for p in exp.points} - todo):
                if not (out / folder / "report.html").is_file():
                    reports.submit(out / folder)
            times = pool(exp, out, todo, errors, reports, log)
        with quiet_retracing(), sticky_stops():
            for i, point in enumerate(exp.points if pool is None else [], 1):
                # Freeing the previous run's TensorFlow functions runs many finalizers: a stop
                # that landed in one was dropped by Python (see `sticky_stops`).
                raise_swallowed_stop()
                head = f"[{i}/{len(exp.points)}] {point.group}, seed={point.seed}"
                run_dir = out / point.folder
                if point.folder not in todo:
                    if not (run_dir / "report.html").is_file():
                        reports.submit(run_dir)
                    _say(log, f"{head}  complete already, skipped")
                    continue
                with _claim(run_dir) as mine:
                    busy = _start_attempt(run_dir, point, mine, errors)
                    if busy:
                        _say(log, f"{head}  skipped: {busy}")
                        continue
                    started = time.time()
                    try:
                        status = run(exp.base, overrides=point.overrides, out=run_dir, verbose=0,
                                     report=False).status
                    except Exception as e:  # noqa: BLE001 - one broken run must not stop the sweep
                        errors[point.folder] = f"{type(e).__name__}: {e}".splitlines()[0]
                        status = "failed"
                if (run_dir / "config.yaml").is_file():
                    reports.submit(run_dir)
                times.append(time.time() - started)
                eta = (len(todo) - len(times)) * sum(times) / len(times)
                _say(log, _done_line(head, times[-1], eta, status, errors.get(point.folder)))
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
        _say(log, format_results(results))
    _say(log, f"trained {len(times)}, skipped {len(exp.points) - len(todo)}, failed {failed}; "
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


def _executor(executor: str, jobs, address):
    """The function that trains a sweep's runs elsewhere (worker processes, Ray), or None."""
    from functools import partial

    from harness.sweeps.parallel import parse_jobs

    if executor == "ray":
        from harness.sweeps.ray_executor import require_ray, train_points

        require_ray()
        return partial(train_points, address=address)
    if executor != "local":
        raise HarnessError(f"--executor {executor}: unknown executor; use `local` or `ray`")
    if address is not None:
        raise HarnessError("--address: only with --executor ray")
    jobs = parse_jobs(jobs)
    if jobs == 1:
        return None
    from harness.sweeps.parallel import train_points

    return partial(train_points, jobs=jobs)


@contextmanager
def _claim(run_dir: Path):
    """Locks `run_dir` for this process while its run trains; yields False if another process
    (a second sweep, or a `harness run --out` into it) holds it (`harness.rundir.lock_folder`)."""
    with lock_folder(run_dir) as mine:
        yield mine


def _done(run_dir: Path, point, run=None) -> bool:
    """Completed, whole, and with the config this experiment asks for now (a changed file, or a
    damaged folder, reruns it). `run`: the folder's `Run`, when it was read already."""
    if not is_finished(run_dir):
        return False
    try:
        saved = (run or load_run(run_dir)).config
        check_tables(run_dir)  # a damaged histograms.csv would stop the sweep's report
    except HarnessError:  # damaged: not finished, rerun it
        return False
    return saved == point.config.model_dump(mode="json") and same_data(
        run_dir, generated=DATASETS.get(point.config.data.name).toy)


def _start_attempt(run_dir: Path, point, mine: bool, errors: dict) -> str | None:
    """Whether a claimed run is trained now: why not (another process holds its folder, noted in
    `errors`; or it completed meanwhile), or None after clearing an earlier attempt's files: if
    the new attempt fails before it writes its run folder (data, model), the old summary and
    tables must not speak for it. Shared by every executor."""
    if not mine:
        errors[point.folder] = ("another sweep is training it (same folder); rerun this sweep "
                                "when it is done to collect it")
        return "another sweep is training it"
    if _done(run_dir, point):
        return "completed meanwhile"
    clear_run_files(run_dir)
    return None


def _done_line(head: str, seconds: float, eta: float, status: str, error: str | None) -> str:
    """The progress line of a run that ended: its time, the sweep's ETA, and how it ended."""
    note = "" if status == "completed" else f"  {status.upper()}" + (f": {error}" if error else "")
    return f"{head}  {seconds:.1f} s  eta {_duration(eta)}{note}"


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
        rows.append(run_row(point, run, errors.get(point.folder) or error, run_dir))
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
    if run.status == "completed" and not _done(run_dir, point, run):
        run.summary = {"status": "incomplete"}
        return run, "its summary.json is from another config; rerun the sweep to train it"
    return run, None


class _Reports:
    """Builds each run's `report.html` while the next run trains.

    The reports (about 0.7 s of matplotlib each) go to a helper process, `report_worker`, started
    with `python -m` so that it never re-imports the caller's script; a sweep of 54 runs takes
    about a third less time on 2 cores. Whatever the helper did not build is built here at the end.
    """

    def __init__(self, background: bool, enabled: bool = True):
        self.sent, self.answers, self.proc, self.enabled = [], [], None, enabled
        if background:
            package_root = str(Path(__file__).resolve().parents[2])
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
            try:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "harness.sweeps.report_worker"], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
            except OSError:
                return
            # Read answers as they come, so that a full pipe never blocks the helper.
            self.reader = threading.Thread(target=lambda: self.answers.extend(self.proc.stdout),
                                           daemon=True)
            self.reader.start()

    def submit(self, run_dir: Path) -> None:
        if not self.enabled:
            return
        self.sent.append(run_dir)
        if self.proc is not None:
            try:
                self.proc.stdin.write(f"{run_dir}\n")
                self.proc.stdin.flush()
            except OSError:  # the helper died; close() builds what is left
                pass

    def close(self) -> dict:
        """Waits for the helper; returns `folder name -> error` for reports that failed."""
        done, errors = set(), {}
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.wait()
            self.reader.join()
            for answer in self.answers:
                status, folder, *message = answer.rstrip("\n").split("\t", 2)
                done.add(folder)
                if status == "error":
                    errors[Path(folder).name] = f"report: {message[0] if message else '?'}"
        for run_dir in self.sent:
            if str(run_dir) not in done:
                _report(run_dir, errors)
        return errors

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


def _report(run_dir: Path, errors: dict) -> None:
    """Builds one run's `report.html` here; a report that fails is noted, the run is kept."""
    from harness.report import build_report

    try:
        build_report(run_dir)
    except Exception as e:  # noqa: BLE001 - a plotting bug must not lose a trained run
        errors[run_dir.name] = f"report: {type(e).__name__}: {e}".splitlines()[0]


@contextmanager
def quiet_retracing():
    """Mutes TensorFlow's Python warnings: each run builds a new model, so every run retraces."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _say(log, line: str) -> None:
    if log is not None:
        print(line, file=log, flush=True)


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 60:
        return f"{max(seconds, 0):.0f}s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s"
