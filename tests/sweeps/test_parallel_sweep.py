"""`harness sweep --jobs N`: the same run folders as a sequential sweep, resumable and stoppable.

Real tiny runs (depth 2, width 4, 200 samples, 2-3 epochs). The sequential reference is trained
once per module, in this process; parallel sweeps are CLI subprocesses, as a user would start them.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
import yaml
from commands import cli

ROOT = Path(__file__).resolve().parents[2]
CSVS = ("history.csv", "layers.csv", "surface.csv", "points.csv", "config.yaml")


def experiment(folder: Path, epochs: int = 2, seeds=(0, 1)) -> Path:
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump({
        "base": str(ROOT / "configs/base.yaml"),
        "grid": {"model.activation": ["sigmoid", "relu"]}, "seeds": list(seeds),
        "set": {"train.epochs": epochs, "data.n_samples": 200, "model.depth": 2,
                "model.width": 4}}))
    return path


def sweep(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "harness", "sweep", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def same_runs(a: Path, b: Path) -> None:
    """Both sweep folders hold the same runs, file for file, byte for byte (wall times aside)."""
    names = sorted(p.parent.name for p in a.glob("*/summary.json"))
    assert names and names == sorted(p.parent.name for p in b.glob("*/summary.json"))
    for name in names:
        for file in CSVS:
            assert (a / name / file).read_bytes() == (b / name / file).read_bytes(), (name, file)
        summaries = [json.loads((d / name / "summary.json").read_text()) for d in (a, b)]
        for s in summaries:
            s.pop("wall_time_s")
        assert summaries[0] == summaries[1]
    for table in ("runs.csv", "summary.csv"):
        frames = [pd.read_csv(d / table) for d in (a, b)]
        frames = [f.drop(columns=[c for c in f if c.startswith("wall_time_s") or c == "dir"])
                  for f in frames]
        pd.testing.assert_frame_equal(*frames)


@pytest.fixture(scope="module")
def sequential(tiny_sweep):
    """The sequential reference: the session's sweep (conftest), activation x depth 2 x 2 seeds."""
    path, out, _, _ = tiny_sweep
    return path, out


@pytest.mark.slow
def test_jobs_2_writes_the_same_numbers_as_jobs_1(sequential, tmp_path):
    path, reference = sequential
    proc = sweep(path, "--out", tmp_path / "out", "--jobs", "2")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "2 workers, 1 TensorFlow thread(s) each" in err
    progress = [line for line in err.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert all(" eta " in line for line in progress)
    same_runs(reference, tmp_path / "out")


@pytest.mark.slow
def test_a_signal_stops_every_worker_keeps_finished_runs_and_the_rerun_finishes(tmp_path):
    """Ctrl-C. SIGTERM and SIGHUP stop a `--jobs 2` sweep the same way: test_robustness_signals'
    `test_a_signal_stops_a_parallel_sweep_like_ctrl_c`; a `--jobs 2` sweep and a sequential one
    into one folder: test_robustness_sweeps."""
    sig = signal.SIGINT
    path, out = experiment(tmp_path, epochs=3, seeds=range(4)), tmp_path / "out"
    proc = sweep(path, "--out", out, "--jobs", "2")
    deadline = time.time() + 180
    while not list(out.glob("*/summary.json")) and time.time() < deadline:
        time.sleep(0.1)
    workers = psutil.Process(proc.pid).children()
    assert len(workers) >= 2  # two workers (and the executor's resource tracker)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err  # as `harness run`: 130 for Ctrl-C, 143 for SIGTERM
    assert "Traceback" not in err
    time.sleep(0.5)
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    statuses = [json.loads(p.read_text())["status"] for p in out.glob("*/summary.json")]
    assert "completed" in statuses and set(statuses) <= {"completed", "interrupted"}
    assert len(statuses) < 8
    assert (out / "runs.csv").is_file()
    resume = sweep(path, "--out", out, "--jobs", "auto")  # 2 here: the cores
    _, err = resume.communicate(timeout=300)
    assert resume.returncode == 0, err
    trained = 8 - statuses.count("completed")
    assert f"trained {trained}, skipped {8 - trained}, failed 0" in err


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "error: --jobs 0: expected a whole number >= 1 or `auto`"),
    (["--jobs", "two"], "error: --jobs two: expected a whole number >= 1 or `auto`"),
    (["--address", "1.2.3.4:6379"], "error: --address: only with --executor ray"),
])
def test_bad_jobs_or_address_is_one_error_line(tmp_path, args, message):
    path = experiment(tmp_path)
    result = cli("sweep", path, "--out", tmp_path / "out", *args)
    err = result.stderr
    assert result.returncode == 2 and err.strip().startswith(message) and "\n" not in err.strip()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("model", [{"model.type": "conv", "model.width": None, "model.depth": 3},
                                   {"model.type": "recurrent", "model.depth": 1}])
def test_jobs_sizes_conv_and_recurrent_runs_by_their_input_shape(tmp_path, model):
    """--jobs sizes its pool by the largest run's memory, which for conv and recurrent models
    needs the data shaped for the model (digits: 8 x 8 x 1, 8 steps of 8), not flat (64)."""
    from harness.config.memory import estimate
    from harness.models.inputs import load_data
    from harness.sweeps.experiment import load_experiment
    from harness.sweeps.jobs import largest_run

    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump({
        "base": str(ROOT / "configs/digits.yaml"), "seeds": [0],
        "grid": {"model.activation": ["relu"]}, "set": model}))
    point = load_experiment(path).points[0]
    data = load_data(point.config.data, 0, point.config.model.type)
    parts = estimate(point.config, data.input_shape, 10, len(data.x_train), len(data.x_val))
    assert largest_run([point]) == sum(size for size, _, _ in parts.values()) > 0
