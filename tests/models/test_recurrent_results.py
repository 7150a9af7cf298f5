"""A recurrent run's result where students look (issue 28): the time ratio in the console, the
report's summary and first figures, compare.csv and the sweep tables; run folders named with the
cell; gradients over time too small to square in float32 recorded as what they are."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
import yaml
from commands import cli
from test_recurrent import independent_grads, tiny

from harness.cli.console import format_summary
from harness.measure.stats import l2_norm
from harness.report.compare.runs import compare
from harness.report.run.summary import summary_rows
from harness.rundir.run import load_run
from harness.training.runner import run
from harness.training.setup import setup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lstm(tmp_path_factory):
    """A 2-layer LSTM on the adding problem (length 10, 200 samples, width 8), with its report,
    into results/ of a temporary folder (its folder name is under test too)."""
    root = tmp_path_factory.mktemp("lstm")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run(tiny(cell="lstm", depth=2), verbose=0, report=True)
    return load_run(root / result.dir)


def test_the_console_leads_with_the_time_ratio_and_points_at_time_png(lstm):
    text = format_summary(lstm)
    look = text.split("look at:")[1]
    line = look.strip().splitlines()[0]
    assert line.startswith("time ratio, ||dL/dh_1|| / ||dL/dh_T|| of rnn_2 (the last recurrent")
    assert f"{lstm.summary['time_ratio_init']:.3g}" in line and "time.png" in line
    assert "nothing unusual" not in text


def test_the_report_summary_gives_the_time_ratios_and_names_the_stacked_layers(lstm):
    rows = {label: (value, hint) for label, value, hint in summary_rows(lstm)}
    value, hint = rows["time ratio at init"]
    assert value == f"{lstm.summary['time_ratio_init']:.2g}"
    assert "of rnn_2, the last recurrent layer" in hint
    assert "time ratio at the last logged epoch" in rows
    # two recurrent layers: the ratio across layers is defined, and says which ones it compares
    assert "rnn_1 gets" in rows["vanishing ratio at init"][1]
    assert "than rnn_2" in rows["vanishing ratio at init"][1]
    assert not any("hidden_1" in hint for _, hint in rows.values())
    assert rows["model"][0].startswith("2 LSTM (sigmoid gates, tanh state) layers x 8 units")


def test_a_recurrent_report_leads_with_the_gradient_over_time(lstm):
    html = (lstm.dir / "report.html").read_text()
    ids = [html.index(f'<figure id="{name}"') for name in ("time_png", "time_heatmap_png",
                                                            "grad_norms_png", "history_png")]
    assert ids == sorted(ids)
    assert html.index("<h2>Figures</h2>") < ids[0]


def test_the_run_folder_is_named_with_its_cell(lstm):
    assert lstm.dir.name.startswith("lstm-tanh-d2-s0-")


def test_compare_csv_has_the_time_ratios(lstm, tmp_path):
    table = compare([lstm.dir], out=tmp_path / "cmp")
    saved = pd.read_csv(tmp_path / "cmp" / "compare.csv")
    for key in ("time_ratio_init", "time_ratio_final"):
        assert saved[key].iloc[0] == pytest.approx(lstm.summary[key], rel=1e-6)
        assert key in table.columns
    assert "time ratio = ||dL/dh_1||" in (tmp_path / "cmp" / "report.html").read_text()


def test_norms_of_values_whose_squares_underflow_are_not_zero():
    tiny_values = tf.fill([64], 2e-20)  # 4e-40 squared: below float32's smallest normal
    assert tf.norm(tiny_values).numpy() == 0.0  # the floor the measurement used to have
    assert l2_norm(tiny_values).numpy() == pytest.approx(8 * 2e-20, rel=1e-6)
    x = np.random.default_rng(0).normal(size=(257,)).astype(np.float32)
    assert l2_norm(x).numpy() == tf.norm(x).numpy()  # bit for bit where nothing underflows
    assert l2_norm(tf.zeros(5)).numpy() == 0.0  # a true zero stays 0


def test_the_gradient_over_time_is_measured_below_float32_s_square_floor():
    # a recurrent kernel of spectral radius 0.005: the gradient shrinks ~200x a step back, to
    # ~1e-21 per value at step 1, whose squares flush to zero in float32
    s = setup(tiny(recurrent_initializer="random_normal", spectral_radius=0.005))
    x, y = s.data.x_train[:32], s.y["train"][:32]
    mine = s.model.measure(x, y, training=True).step.time[0].numpy()
    grads = independent_grads(s.model, x, y)[0]  # float32, as the model computes them
    assert tf.norm(grads[0]).numpy() == 0.0  # the premise: float32's squares flush to 0 here
    want = np.array([np.linalg.norm(g.astype(np.float64)) for g in grads])
    assert (want > 0).all() and (mine > 0).all()
    np.testing.assert_allclose(mine, want, rtol=1e-3)


@pytest.mark.slow
def test_a_recurrent_sweep_prints_and_leads_with_the_gradient_over_time(tmp_path):
    path = tmp_path / "cells.yaml"
    path.write_text(yaml.safe_dump({
        "base": (ROOT / "configs" / "rnn_adding.yaml").as_posix(),
        "grid": {"model.cell": ["simple", "lstm"]},
        "set": {"data.length": 10, "data.n_samples": 200, "model.width": 8, "train.epochs": 1}}))
    result = cli("sweep", path, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header[-2:] == ["time_ratio_init_gmean", "time_ratio_final_gmean"]
    html = (tmp_path / "out" / "report.html").read_text()
    shown = re.findall(r'<figure id="([^"]+)">', html)
    assert shown[0] == "sweep_time_png"  # the headline, above the summary over seeds
    assert html.index("sweep_time_png") < html.index("<h2>Summary over seeds</h2>")
    summary = html[html.index("<h2>Summary over seeds</h2>"):html.index("<h2>Figures</h2>")]
    assert "<th>time ratio init</th>" in summary
    assert "Time ratio = ||dL/dh_1|| / ||dL/dh_T|| of a recurrent run's last recurrent" in summary
