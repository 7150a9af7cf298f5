"""A run folder's life, from its first file to `summary.json`, whatever happens in between.

`harness.runner.run` trains and measures inside `open_run`; everything around that is here: the
folder's lock, clearing an earlier run's files, `meta.json` (first: it marks the folder as a
run's) and `config.yaml`, and at the end `meta.json`'s end time, the report, and `summary.json`
last. The summary's `status` says `failed` until the run sets its own (`completed`, `diverged`);
a stop (Ctrl-C, SIGTERM) closes the folder as `interrupted`, an error as `failed` with the error.
"""

import errno
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

from harness.errors import HarnessError
from harness.files import deferred_interrupt, write_json, write_yaml
from harness.rundir import clear_run_files, is_run_folder, load_run, lock_folder


@contextmanager
def open_run(run_dir: Path, meta: dict, config: dict, summary: dict, report: bool = True,
             locked: bool = False):
    """Opens `run_dir` for one run and closes it with a status, however the run ends.

    Args:
        run_dir: the run folder (made if missing; an earlier run's files are cleared first).
        meta: `meta.json`'s fields known before the run (versions, command line); the start,
            end and wall time are added here.
        config: the resolved config, written as `config.yaml`.
        summary: `summary.json`, filled in by the run as it goes; its `status` is `failed`
            until the run sets it.
        report: draw the report when the run ends without a stop or an error.
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
        if is_run_folder(run_dir):
            clear_run_files(run_dir)  # nothing of the previous run may reach the new report
        started = time.time()
        meta = {**meta, "started": datetime.now().isoformat(timespec="seconds")}
        write_json(run_dir / "meta.json", meta)  # first: marks the folder as a run's
        write_yaml(run_dir / "config.yaml", config)
        try:
            yield summary
        except KeyboardInterrupt:
            summary.update(status="interrupted", epochs_run=_epochs_recorded(run_dir))
            summary.pop("learned", None)
            _finish(run_dir, meta, summary, started, report=False)
            raise
        except Exception as e:
            summary.update(error=f"{type(e).__name__}: {e}", epochs_run=_epochs_recorded(run_dir))
            summary.pop("learned", None)
            disk = isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
            try:
                _finish(run_dir, meta, summary, started, False)
            except OSError:
                if not disk:
                    raise  # with a full disk the summary may not fit either: no summary, no claim
            if disk:
                raise HarnessError(f"{run_dir}/: {e.strerror} while writing the run, which is "
                                   "not completed; free some space, or give --out on another "
                                   "disk") from e
            raise
        _finish(run_dir, meta, summary, started, report)


def _epochs_recorded(run_dir: Path) -> int:
    """Epochs `history.csv` holds: what an interrupted or failed run really did."""
    try:
        return len(load_run(run_dir).history)
    except HarnessError:
        return 0


def _finish(run_dir: Path, meta: dict, summary: dict, started: float, report: bool) -> None:
    """Closes the run folder: meta.json's end time, the report, and summary.json last.

    A stop request while the report is drawn still leaves `summary.json` (the report can be
    rebuilt with `harness report`), then goes on stopping.
    """
    summary["wall_time_s"] = round(time.time() - started, 3)
    write_json(run_dir / "meta.json", {**meta, "wall_time_s": summary["wall_time_s"],
                                       "finished": datetime.now().isoformat(timespec="seconds")})
    try:
        if report:
            _report(run_dir, summary)  # a failing report is a warning; only a stop passes
    finally:
        with deferred_interrupt():
            write_json(run_dir / "summary.json", summary)


def _report(run_dir: Path, summary: dict) -> None:
    from harness.report import build_report

    run = load_run(run_dir)
    run.summary = summary
    try:
        build_report(run)
    except Exception as e:  # the run's data is sound; a report can be rebuilt later
        print(f"warning: report not written ({type(e).__name__}: {e}); rebuild it with "
              f"`python -m harness report {run_dir}`", file=sys.stderr)
