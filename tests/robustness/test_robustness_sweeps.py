"""Sweeps that get killed, interrupted or run twice at once lose nothing and redo nothing."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from harness.rundir.run import is_finished

ROOT = Path(__file__).resolve().parents[2]
RUNS = 4

# Every test starts `python -m harness sweep` processes and kills or stops them.
pytestmark = pytest.mark.slow


def experiment(tmp_path) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump({
        "base": str(ROOT / "configs/base.yaml"),
        "grid": {"model.activation": ["relu", "tanh"]}, "seeds": [0, 1],
        "set": {"train.epochs": 3, "data.n_samples": 200, "model.depth": 2, "model.width": 4}}))
    return path


def sweep(path, out, args=(), **kwargs):
    return subprocess.Popen([sys.executable, "-m", "harness", "sweep", str(path), "--out",
                             str(out), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def finished(out) -> dict[str, int]:
    """Run folder -> summary.json's mtime, for runs whose status is completed."""
    done = {}
    for summary in out.glob("*/summary.json"):
        if json.loads(summary.read_text())["status"] == "completed":
            done[summary.parent.name] = summary.stat().st_mtime_ns
    return done


def training(out) -> list[Path]:
    """The run folders whose training has begun (a history row) and not ended (no summary)."""
    return [p.parent for p in out.glob("*/history.csv")
            if p.stat().st_size and not (p.parent / "summary.json").exists()]


def trained(stderr: str) -> int:
    return int(re.search(r"trained (\d+)", stderr).group(1))


def test_sigkill_at_random_moments_then_resume_redoes_exactly_the_unfinished(tmp_path):
    path, out = experiment(tmp_path), tmp_path / "out"
    rng = random.Random(7)
    proc = sweep(path, out)
    time.sleep(rng.uniform(5.0, 9.0))  # start-up takes ~5 s; runs ~1 s each
    proc.kill()
    proc.communicate()
    before = finished(out)
    for folder in out.iterdir():  # nothing looks finished unless it is
        if folder.is_dir() and folder.name in before:
            assert (folder / "history.csv").is_file() and (folder / "layers.csv").is_file()
    resume = sweep(path, out)
    _, err = resume.communicate(timeout=300)
    assert resume.returncode == 0, err
    assert trained(err) == RUNS - len(before)
    after = finished(out)
    assert len(after) == RUNS
    assert all(after[name] == mtime for name, mtime in before.items())  # not redone


def test_two_sweeps_into_one_folder_train_each_run_once(tmp_path):
    """A `--jobs 2` sweep and a sequential one into one folder: the claims hold across both
    executors, each run is trained once, and a third sweep finds nothing left to do."""
    path, out = experiment(tmp_path), tmp_path / "out"
    first, second = sweep(path, out, args=["--jobs", "2"]), sweep(path, out)
    errs = [p.communicate(timeout=300)[1] for p in (first, second)]
    assert sum(trained(e) for e in errs) == RUNS, errs
    assert len(finished(out)) == RUNS
    for folder in (p.parent for p in out.glob("*/summary.json")):
        config = yaml.safe_load((folder / "config.yaml").read_text())
        assert config["train"]["epochs"] == 3
    third = sweep(path, out)
    _, err = third.communicate(timeout=300)
    assert third.returncode == 0 and trained(err) == 0


def test_ctrl_c_marks_the_current_run_and_the_rerun_finishes(tmp_path):
    path, out = experiment(tmp_path), tmp_path / "out"
    proc = sweep(path, out)
    deadline = time.time() + 120
    while not finished(out) and time.time() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    statuses = [json.loads(p.read_text())["status"] for p in out.glob("*/summary.json")]
    assert set(statuses) <= {"completed", "interrupted"} and "completed" in statuses
    assert (out / "runs.csv").is_file()
    resume = sweep(path, out)
    _, err = resume.communicate(timeout=300)
    assert resume.returncode == 0 and len(finished(out)) == RUNS


def _workers(parent: int) -> list[int]:
    """The pids of a parallel sweep's worker processes (children of `parent`; Linux)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def test_a_killed_worker_fails_its_run_and_the_parallel_sweep_goes_on(tmp_path):
    """A worker killed by the OOM killer or `kill -9` fails its run; a new worker takes the
    rest, the tables are written, and the next sweep trains the failed run again."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("finding the workers needs /proc")
    path, out = experiment(tmp_path), tmp_path / "out"
    # Long enough that a run is still training when the worker is killed (the moment both
    # workers are seen mid-run), short enough that the other three and the resumed one take
    # a second or two each.
    path.write_text(path.read_text().replace("train.epochs: 3", "train.epochs: 300"))
    proc = sweep(path, out, args=["--jobs", "2"])
    deadline = time.time() + 180
    while len(training(out)) < 2 and time.time() < deadline:
        time.sleep(0.05)  # until both workers are in the middle of a run
    workers = _workers(proc.pid)
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1 and "Traceback" not in err, err
    runs = pd.read_csv(out / "runs.csv", keep_default_na=False)
    killed = runs[runs.status != "completed"]
    assert len(killed) == 1 and killed.error.str.contains("worker: BrokenProcessPool").all()
    assert not is_finished(killed.dir.iloc[0])
    resume = sweep(path, out)  # one run left: trained in the sweep's own process
    _, err = resume.communicate(timeout=300)
    assert resume.returncode == 0 and trained(err) == 1, err


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its new parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_exit_when_the_parallel_sweep_is_killed(tmp_path):
    """`kill -9` of a `--jobs 2` sweep (the OOM killer's way): its workers stop their runs and
    exit instead of training on into folders that a resumed sweep may claim (issue 19, case 8)."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("finding the workers needs /proc")
    path, out = experiment(tmp_path), tmp_path / "out"
    path.write_text(path.read_text().replace("train.epochs: 3", "train.epochs: 3000"))
    with open(tmp_path / "stderr", "w") as stderr:  # a pipe would stay open in orphans
        proc = subprocess.Popen([sys.executable, "-m", "harness", "sweep", str(path), "--out",
                                 str(out), "--jobs", "2"], stdout=stderr, stderr=stderr)
    deadline = time.time() + 240
    while (sum(len(p.read_text().splitlines()) > 1 for p in out.glob("*/history.csv")) < 2
           and time.time() < deadline):  # both workers are training
        time.sleep(0.2)
    workers = _workers(proc.pid)
    assert len(workers) == 2, workers
    proc.kill()
    proc.wait()
    deadline = time.time() + 60
    while any(map(_alive, workers)) and time.time() < deadline:
        time.sleep(0.2)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # this test's own processes: do not leave them to the machine
        os.kill(pid, signal.SIGKILL)
    assert not left, (tmp_path / "stderr").read_text()
    statuses = [json.loads(p.read_text())["status"] for p in out.glob("*/summary.json")]
    assert statuses == ["interrupted", "interrupted"], statuses  # as by the parent's own stop


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_jobs_are_capped_at_the_cores_and_a_stop_during_start_up_is_quiet_and_fast(tmp_path, how):
    """`--jobs 40` on 2 cores starts 2 workers and says why; SIGTERM to the sweep, or a
    terminal's Ctrl-C to its whole process group, while the workers still start TensorFlow
    ends everything within seconds: no traceback, no worker left (issue 19, case 9)."""
    if not Path("/proc/self/stat").exists() or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs /proc and 2 cores")
    path, out = experiment(tmp_path), tmp_path / "out"
    two = sorted(os.sched_getaffinity(0))[:2]
    with open(tmp_path / "stderr", "w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "harness", "sweep", str(path), "--out", str(out), "--jobs",
             "40"], stdout=stderr, stderr=stderr, start_new_session=True,
            preexec_fn=lambda: os.sched_setaffinity(0, two))  # a machine of 2 cores
    deadline = time.time() + 120
    while len(_workers(proc.pid)) < 2 and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1)  # into their imports
    workers = _workers(proc.pid)
    assert len(workers) == 2 and not list(out.glob("*/history.csv"))  # starting up
    if how == "sigterm":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends
    try:
        proc.wait(timeout=30)
    finally:
        for pid in [proc.pid, *workers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    err = (tmp_path / "stderr").read_text()
    assert proc.returncode == (143 if how == "sigterm" else 130), err
    assert "--jobs 40: 2 workers, one per core (2 cores here)" in err, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    time.sleep(1)
    assert not [pid for pid in workers if _alive(pid)]
