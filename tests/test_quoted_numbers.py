"""The numbers that config headers, the README and the reference quote are what the code prints now.

Issue 18: `configs/sigmoid_deep.yaml` quoted a grad_norm ratio (3e-6) long after runs printed the
grad_rms one (1.26e-05), and the README's experiment table a tanh accuracy no run reached any more.
This runs the README's own command, `python -m harness check configs experiments` (every shipped
config and experiment, ~4 min on a quiet 2-core machine), and checks each quoted number against
what the runs measured, rounded to the digits quoted. Slow, so it runs on request:

    HARNESS_SLOW=1 python -m pytest -q tests/test_quoted_numbers.py

With HARNESS_SLOW_DIR=FOLDER it checks in FOLDER, so a second pass reuses the sweeps' complete
runs (as `harness check` does) and retrains only the configs. A failure names the file and the
number to update (and `CONFIG_QUOTES` or `README_QUOTES` below with it).
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not os.environ.get("HARNESS_SLOW"),
    reason="trains every shipped config and experiment (minutes); set HARNESS_SLOW=1")]

# config -> {summary.json key: the number as its header quotes it}
CONFIG_QUOTES = {
    "sigmoid_deep": {"vanishing_ratio_init": "1.26e-05", "test_accuracy": "0.455"},
    "relu_deep": {"test_accuracy": "0.98", "vanishing_ratio_init": "3.48"},
    "tanh_deep": {"test_accuracy": "0.92", "vanishing_ratio_init": "1.76"},
    "digits": {"test_accuracy": "0.978"},
    "head_sigmoid": {"test_accuracy": "0.94"},
    "head_softmax": {"test_accuracy": "0.885"},
    "linear_deep": {"test_loss": "0.693"},
    "mnist_relu_deep": {"test_accuracy": "0.973", "vanishing_ratio_init": "0.78"},
    "mnist_sigmoid_deep": {"test_accuracy": "0.687", "vanishing_ratio_init": "2.7e-05"},
}

# experiment -> [(the cell: grid column -> value, summary.csv column, as the reference's experiment
# table quotes it)]; a `where` of None is every cell of the experiment (the quote is their range).
EXPERIMENTS_PAGE = ROOT / "lessons" / "reference" / "experiments.md"
# The README's first comparison: (config, summary.json key, as its table quotes it), by row.
README_TABLE = {"vanishing ratio at initialisation": [("relu_deep", "vanishing_ratio_init", "3.48"),
                                                      ("sigmoid_deep", "vanishing_ratio_init",
                                                       "1.26e-05")],
                "test accuracy after 30 epochs": [("relu_deep", "test_accuracy", "0.98"),
                                                  ("sigmoid_deep", "test_accuracy", "0.455")]}
README_QUOTES = {
    "vanishing_gradients": [
        ({"model.activation": "sigmoid", "model.depth": 2}, "vanishing_ratio_init_gmean", "0.16"),
        ({"model.activation": "sigmoid", "model.depth": 10}, "vanishing_ratio_init_gmean",
         "6e-7")],
    "vanishing_gradients_mnist": [
        ({"model.activation": "relu", "model.depth": 8}, "test_accuracy_mean", "0.90")],
    "feature_crosses": [
        ({"data.name": "circles", "data.features": "[x1,x2,x1^2,x2^2]"}, "test_accuracy_mean",
         "0.975"),
        ({"data.name": "xor", "data.features": "[x1,x2,x1*x2]"}, "test_accuracy_mean", "0.967")],
    "batchnorm_rescue": [
        ({"model.depth": 10, "model.batch_norm": "none"}, "vanishing_ratio_init_mean", "5e-7"),
        ({"model.depth": 10, "model.batch_norm": "before"}, "vanishing_ratio_init_mean", "22"),
        ({"model.depth": 10, "model.batch_norm": "before"}, "test_accuracy_mean", "0.93")],
    "residual_rescue": [
        ({"model.activation": "relu", "case": "residual=1"}, "test_accuracy_mean", "0.985")],
    "dead_relu": [
        ({"model.activation": "relu", "train.learning_rate": 0.1}, "dead_fraction_final_mean",
         "85%")],
    "conv_vanishing": [
        ({"model.activation": "sigmoid", "model.depth": depth}, "vanishing_ratio_init_mean", quoted)
        for depth, quoted in ((4, "5.6e-3"), (8, "1.3e-5"), (16, "7.6e-11"))],
}


def _matches(value: float, quoted: str) -> bool:
    """`value` rounded to the significant digits of `quoted` ("0.16", "6e-7", "1.26e-05", "85%")."""
    if quoted.endswith("%"):
        value, quoted = 100 * value, quoted[:-1]
    digits = len(Decimal(quoted).as_tuple().digits)
    return float(f"{value:.{digits}g}") == float(quoted)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The README's command in a fresh folder: (its output, its results folder)."""
    folder = Path(os.environ.get("HARNESS_SLOW_DIR") or tmp_path_factory.mktemp("check"))
    done = subprocess.run([sys.executable, "-m", "harness", "check", str(ROOT / "configs"),
                           str(ROOT / "experiments")], cwd=folder, capture_output=True,
                          text=True, timeout=7200)
    return done, folder / "results"


def test_every_expectation_is_met_as_the_readme_says(checked):
    done, _ = checked
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "NOT MET" not in done.stdout


@pytest.mark.parametrize("name", sorted(CONFIG_QUOTES))
def test_config_headers_quote_what_the_runs_print(checked, name):
    _, results = checked
    header = (ROOT / "configs" / f"{name}.yaml").read_text()
    summary = json.loads(next((results / name).glob("*/summary.json")).read_text())
    for key, quoted in CONFIG_QUOTES[name].items():
        assert quoted in header, f"configs/{name}.yaml no longer quotes {key} {quoted}"
        assert _matches(summary[key], quoted), (
            f"configs/{name}.yaml quotes {key} {quoted}; the run prints {summary[key]:.4g}")


@pytest.mark.parametrize("name", sorted(README_QUOTES))
def test_reference_quotes_what_the_experiments_print(checked, name):
    _, results = checked
    page = EXPERIMENTS_PAGE.read_text()
    row = next(line for line in page.splitlines() if line.startswith(f"| `{name}` |"))
    summary = pd.read_csv(results / name / "summary.csv")
    for where, column, quoted in README_QUOTES[name]:
        cell = summary
        for key, value in where.items():
            cell = cell[cell[key].astype(str) == str(value)]
        assert len(cell) == 1, (name, where)
        measured = float(cell[column].iloc[0])
        assert quoted in row, f"the reference's {name} row no longer quotes {quoted}"
        assert _matches(measured, quoted), (
            f"the reference's {name} row quotes {quoted} for {where}; summary.csv's {column} is "
            f"{measured:.4g}")


@pytest.mark.parametrize("row", sorted(README_TABLE))
def test_readme_first_comparison_quotes_what_the_runs_print(checked, row):
    _, results = checked
    line = next(x for x in (ROOT / "README.md").read_text().splitlines() if row in x)
    for name, key, quoted in README_TABLE[row]:
        summary = json.loads(next((results / name).glob("*/summary.json")).read_text())
        assert quoted in line, f"README's '{row}' row no longer quotes {quoted}"
        assert _matches(summary[key], quoted), (
            f"README quotes {name} {key} {quoted}; the run prints {summary[key]:.4g}")
