"""Issue 29, the tables: a diverged run's figures, and every table read by one reader with one
set of checks (`harness.rundir.read`)."""

import contextlib
import errno
import resource

import numpy as np
import pandas as pd
import pytest
from commands import cli as run_cli
from tiny import experiment, set_args

from harness.errors import disk_fix
from tests.helpers.trust_cases import cli

RNN_YAML = "configs/rnn_adding.yaml"
RNN = {"data.length": 10, "data.n_samples": 200, "model.width": 8, "train.epochs": 2}


def rnn_args(sets: dict | None = None) -> list[str]:
    """`--set` arguments over `RNN_YAML` for the tiny recurrent run (adding, T = 10, simple)."""
    return [arg for key, value in {**RNN, **(sets or {})}.items()
            for arg in ("--set", f"{key}={value}")]


def _diverged_steps() -> pd.DataFrame:
    """timesteps.csv of a run that diverged in epoch 1: NaN, and inf at the last step."""
    rows = [(e, "rnn_1", t, "h_grad_norm", v) for e in (0, 1) for t in range(1, 11)
            for v in [(0.05 * t if e == 0 else (np.inf if t == 10 else np.nan))]]
    return pd.DataFrame(rows, columns=["epoch", "layer", "step", "metric", "value"])


def test_time_heatmap_of_a_diverged_run_masks_and_counts_nonfinite():
    from harness.report.run.time import plot_time, plot_time_heatmap

    fig = plot_time_heatmap(_diverged_steps())  # was "Invalid vmin or vmax" (inf in the norm)
    assert "grey = masked (10 NaN/inf" in fig.axes[0].get_title()
    assert fig.axes[1].get_ylim()[1] == pytest.approx(0.5)  # the colour bar: finite values only
    legend = [t.get_text() for t in plot_time(_diverged_steps()).axes[0].get_legend().get_texts()]
    assert legend == ["initialisation", "epoch 1 (10 of 10 steps NaN/inf, not drawn)"]


@pytest.mark.slow
def test_diverged_recurrent_run_gets_its_report(tmp_path, capsys):
    sets = {"train.learning_rate": 1000, "train.optimizer": "sgd", "model.activation": "relu"}
    code, out, err = cli(["run", RNN_YAML, "--out", tmp_path / "r", *rnn_args(sets)],
                         capsys)
    assert code == 1 and "report not written" not in err, err  # 1: the run diverged
    assert "diverged" in (tmp_path / "r" / "summary.json").read_text()
    assert np.isinf(pd.read_csv(tmp_path / "r" / "timesteps.csv")["value"]).any()
    for name in ("time.png", "time_heatmap.png", "report.html"):
        (tmp_path / "r" / name).unlink()
    code, out, err = cli(["report", tmp_path / "r"], capsys)
    assert code == 0 and "Traceback" not in err, err
    assert all((tmp_path / "r" / name).is_file() for name in ("time.png", "time_heatmap.png"))


@contextlib.contextmanager
def file_size_limit(kb: int):
    """`ulimit -f KB` for this process (Python ignores SIGXFSZ, so a write past it is EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (kb * 1024, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_efbig_is_a_disk_error_whose_fix_is_the_limit():
    with file_size_limit(20):
        fix = disk_fix(OSError(errno.EFBIG, "File too large"))
    assert "`ulimit -f`, now 20 KB" in fix and "free" not in fix
    assert "permissions" in disk_fix(OSError(errno.EPERM, "Operation not permitted"))
    assert disk_fix(OSError(errno.ENOENT, "No such file")) is None
    assert disk_fix(ValueError()) is None


@pytest.mark.parametrize("command", [pytest.param("run", marks=pytest.mark.slow),
                                     pytest.param("sweep", marks=pytest.mark.slow), "theory",
                                     pytest.param("preflight", marks=pytest.mark.slow), "compare"])
def test_a_file_size_limit_is_one_error_line(tmp_path, tiny_run, command):
    # each command writes a file over 20 KB (a figure, layers.csv); each was a traceback
    args = {"run": ["configs/base.yaml", *set_args()],
            "sweep": [experiment(tmp_path, {"model.activation": ["relu"]})],
            "theory": ["configs/base.yaml", *set_args()],
            "preflight": ["configs/base.yaml", *set_args()],
            "compare": [tiny_run, tiny_run]}[command]
    with file_size_limit(20):
        result = run_cli(command, *args, "--out", tmp_path / "out")
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and "File too large" in lines[0] and "ulimit -f" in lines[0], lines
