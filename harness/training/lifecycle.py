"""A run folder's life, from its first file to `summary.json`, whatever happens in between.

`harness.training.runner.run` trains and measures inside `open_run`; everything around that is here:
the folder's lock, clearing an earlier run's files, `meta.json` (first: it marks the folder as a
run's) and `config.yaml`, and at the end `meta.json`'s end time, the report (the runner's to draw:
this module reads no report code), and `summary.json` last (`harness.training.summary`). The
summary's `status` says `failed` until the run sets its own (`completed`, `diverged`); a stop
(Ctrl-C, SIGTERM) closes the folder as `interrupted`, an error as `failed` with the error.
"""

import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

from harness.base.files import write_json, write_yaml
from harness.base.stops import deferred_interrupt
from harness.errors import HarnessError, disk_fix
from harness.rundir.folders import lock_folder, open_run_folder
from harness.rundir.run import load_run
from harness.training.summary import Summary


@contextmanager
def open_run(run_dir: Path, meta: dict, config: dict, summary: Summary,
             report: Callable[[Path, dict], None] | None = None, locked: bool = False):
    """Opens `run_dir` for one run and closes it with a status, however the run ends.

    Args:
        run_dir: the run folder (made if missing; an earlier run's files are cleared first).
        meta: `meta.json`'s fields known before the run (versions, command line); the start,
            end and wall time are added here.
        config: the resolved config, written as `config.yaml`.
        summary: `summary.json`, filled in by the run as it goes; its `status` is `failed`
            until the run sets it, and a stop or an error is recorded here.
        report: draws the report, `report(run_dir, summary.values)`, when the run ends without
            a stop or an error (before `summary.json` is written); None for no report.
        locked: the caller holds the folder's lock (a sweep's parent process, while a worker
            process trains into it).

    Yields:
        `summary`.

    Raises:
        HarnessError: another process is writing the folder; the disk filled up during the run.
    """
    with nullcontext(True) if locked else lock_folder(run_dir) as mine:
        if not mine:
            raise HarnessError(f"{run_dir}: another harness process is writing this run folder; "
                               "wait for it to finish, or give another --out")
        open_run_folder(run_dir)  # nothing of the previous run may reach the new report
        started = time.time()
        meta = {**meta, "started": datetime.now().isoformat(timespec="seconds")}
        write_json(run_dir / "meta.json", meta)  # first: marks the folder as a run's
        write_yaml(run_dir / "config.yaml", config)
        try:
            yield summary
        except KeyboardInterrupt:
            summary.stopped(_epochs_recorded(run_dir))
            _finish(run_dir, meta, summary, started, report=None)
            raise
        except Exception as e:
            summary.failed(e, _epochs_recorded(run_dir))
            disk = disk_fix(e)
            try:
                _finish(run_dir, meta, summary, started, None)
            except OSError:
                if not disk:
                    raise  # with a full disk the summary may not fit either: no summary, no claim
            if disk:
                raise HarnessError(f"{run_dir}/: {e.strerror} while writing the run, which is "
                                   f"not completed; {disk}") from e
            raise
        _finish(run_dir, meta, summary, started, report)


def _epochs_recorded(run_dir: Path) -> int:
    """Epochs `history.csv` holds: what an interrupted or failed run really did."""
    try:
        return len(load_run(run_dir).history)
    except HarnessError:
        return 0


def _finish(run_dir: Path, meta: dict, summary: Summary, started: float,
            report: Callable[[Path, dict], None] | None) -> None:
    """Closes the run folder: meta.json's end time, the report, and summary.json last.

    A stop request while the report is drawn still leaves `summary.json` (the report can be
    rebuilt with `harness report`), then goes on stopping.
    """
    summary.closed(time.time() - started)
    write_json(run_dir / "meta.json", {**meta, "wall_time_s": summary.values["wall_time_s"],
                                       "finished": datetime.now().isoformat(timespec="seconds")})
    try:
        if report is not None:
            report(run_dir, summary.values)
    finally:
        with deferred_interrupt():
            write_json(run_dir / "summary.json", summary.values)

