"""Each run's own `report.html` in a sweep (`--run-reports`), built while the next run trains."""

import os
import subprocess
import sys
import threading
from pathlib import Path


class RunReports:
    """Builds each run's `report.html` while the next run trains.

    The reports (about 0.7 s of matplotlib each) go to a helper process, `report_worker`, started
    with `python -m` so that it never re-imports the caller's script; a sweep of 54 runs takes
    about a third less time on 2 cores. Whatever the helper did not build is built here at the end.

    Args:
        background: start the helper process (else every report is built by `close`).
        enabled: False: `submit` ignores every folder (the sweep builds no run reports).
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
        """Queues the report of the run in `run_dir`."""
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
                _build(run_dir, errors)
        return errors

    def kill(self) -> None:
        """Stops the helper at once (the sweep was interrupted)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


def _build(run_dir: Path, errors: dict) -> None:
    """Builds one run's `report.html` here; a report that fails is noted, the run is kept."""
    from harness.report.html import build_report

    try:
        build_report(run_dir)
    except Exception as e:  # noqa: BLE001 - a plotting bug must not lose a trained run
        errors[run_dir.name] = f"report: {type(e).__name__}: {e}".splitlines()[0]
