"""Small messages that said something other than the truth (issue 28, "Smaller"): each as a
student reads it, and the time ratio in a sweep's printed table."""

import os
from pathlib import Path

import pandas as pd
import pytest
from commands import harness
from fake_runs import make_run

from harness.config.file import load_config
from harness.config.model import ModelConfig
from harness.report.compare.grouped import plot_grouped_grad_norms
from harness.report.run.summary import summary_rows
from harness.rundir.run import load_run
from harness.sweeps.tables import headline, summary_frame
from harness.training.preflight import activation_gradients

ROOT = Path(__file__).resolve().parents[2]


def test_the_chain_prints_yaml_s_null_not_python_s_none():
    _, sources = load_config({}, ["model.width=null", "data.name=moons", "model.width=[4, 4, 2]"])
    assert sources[2:] == ["--set model.width=null", "--set data.name=moons",
                           "--set model.width=[4, 4, 2]"]


def test_the_schema_says_conv_ignores_the_width():
    text = " ".join(ModelConfig.model_fields["width"].description.split())
    assert "conv: filters" not in text
    assert "conv ignores it (filters)" in text


def test_a_conv_model_without_pools_says_no_max_pool(tmp_path):
    run = load_run(make_run(tmp_path / "r", activation="relu", depth=3))
    run.config["model"].update(type="conv", filters=8, kernel_size=3, pool=[])
    model = dict((label, value) for label, value, _ in summary_rows(run))["model"]
    assert "no max-pool" in model and "after conv none" not in model
    run.config["model"]["pool"] = [1, 2]
    model = dict((label, value) for label, value, _ in summary_rows(run))["model"]
    assert "2 x 2 max-pools after conv 1, 2" in model


def test_one_run_is_one_run_in_a_legend(tmp_path):
    layers = load_run(make_run(tmp_path / "r", activation="relu", depth=3)).layers
    fig = plot_grouped_grad_norms(layers.assign(run="a", group="relu"))
    labels = [t.get_text() for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
              if legend is not None for t in legend.get_texts()]
    assert "relu (1 run)" in labels and not any("1 runs" in label for label in labels)


def test_the_gradient_check_says_good_once_and_what_it_measures():
    detail = activation_gradients(["tanh"]).detail
    assert detail.count("good") == 1
    assert "; good: relative error below 1e-07" in detail


def test_the_sweep_table_shows_the_time_ratio_of_recurrent_cells():
    runs = pd.DataFrame({"model.cell": ["simple", "simple", "lstm", "lstm"], "seed": [0, 1, 0, 1],
                         "status": ["completed"] * 4, "test_rmse": [0.2, 0.3, 0.1, 0.2],
                         "vanishing_ratio_init": [float("nan")] * 4,
                         "time_ratio_init": [1e-2, 1e-4, 1e-5, 1e-5],
                         "time_ratio_final": [0.1, 0.1, 0.5, 0.5]})
    summary = summary_frame(runs, ["model.cell"])
    shown = headline(summary, ["model.cell"])
    assert shown[-2:] == ["time_ratio_init_gmean", "time_ratio_final_gmean"]
    assert summary["time_ratio_init_gmean"].iloc[0] == pytest.approx(1e-3)  # geometric mean
    dense = runs.drop(columns=["time_ratio_init", "time_ratio_final"])
    assert not any("time_ratio" in c for c in headline(summary_frame(dense, ["model.cell"]),
                                                        ["model.cell"]))


@pytest.mark.slow
def test_missing_fashion_mnist_is_one_error_line_without_tensorflow_s_start_up_notes(tmp_path):
    # The download fails at once (a proxy that refuses): Keras is imported for it, quietly.
    (tmp_path / "keras").mkdir()
    env = {**os.environ, "KERAS_HOME": str(tmp_path / "keras"),
           "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # TensorFlow's own default: every start-up note
    result = harness("run", ROOT / "configs" / "mnist_relu_deep.yaml", "--set",
                     "data.name=fashion_mnist", "--out", tmp_path / "r", cwd=ROOT, env=env)
    assert result.returncode == 2, result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines()
             if not line.startswith(("config: ", "Downloading data from"))]
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: Fashion-MNIST is not on this machine")
