"""Issue 29, the tables: a diverged run's figures, and every table read by one reader with one
set of checks (`harness.rundir.read`)."""

import numpy as np
import pandas as pd
import pytest

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
    assert (tmp_path / "r" / "time_heatmap.png").is_file() and (tmp_path / "r" / "time.png").is_file()
