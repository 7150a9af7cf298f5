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

from harness.rundir import is_finished

ROOT = Path(__file__).resolve().parents[1]
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


def trained(stderr: str) -> int:
    return int(re.search(r"trained (\d+)", stderr).group(1))


def test_sigkill_at_random_moments_then_resume_redoes_exactly_the_unfinished(tmp_path):
    path, out = experiment(tmp_path), tmp_path / "out"
    rng = random.Random(7)
    for _ in range(2):
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
        for summary in out.glob("*/summary.json"):
            summary.unlink()  # the next round starts from scratch again


def test_two_sweeps_into_one_folder_train_each_run_once(tmp_path):
    path, out = experiment(tmp_path), tmp_path / "out"
    first, second = sweep(path, out), sweep(path, out)
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
    path.write_text(path.read_text().replace("train.epochs: 3", "train.epochs: 3000"))
    proc = sweep(path, out, args=["--jobs", "2"])
    deadline = time.time() + 180
    while not any(p.stat().st_size for p in out.glob("*/history.csv")) and time.time() < deadline:
        time.sleep(0.2)
    workers = _workers(proc.pid)
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1 and "Traceback" not in err, err
    runs = pd.read_csv(out / "runs.csv", keep_default_na=False)
    killed = runs[runs.status != "completed"]
    assert len(killed) == 1 and killed.error.str.contains("worker: BrokenProcessPool").all()
    assert not is_finished(killed.dir.iloc[0])
    resume = sweep(path, out, args=["--jobs", "2"])
    _, err = resume.communicate(timeout=300)
    assert resume.returncode == 0 and trained(err) == 1, err
