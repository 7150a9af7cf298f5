"""`harness preflight`: the checks before training, on tiny configs, the CLI and the shipped
configs."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from commands import cli

from harness.checks import gradcheck
from harness.config.file import load_config
from harness.training.preflight import preflight, run_checks
from harness.training.setup import setup

ROOT = Path(__file__).resolve().parents[2]
TINY = {"name": "tiny", "data": {"name": "circles", "n_samples": 300},
        "model": {"depth": 2, "width": 16, "activation": "relu"}, "train": {"epochs": 1}}


def harness(*args, cwd=None):
    return cli(*args, cwd=cwd)  # in this process, where tests/ (wrong_grad_acts) is importable


@pytest.mark.parametrize("name, verdict", [("tanh", "good"), ("gelu", "good"),
                                           ("relu", "good"), ("hard_sigmoid", "good"),
                                           ("wrong_grad_acts:good_tanh", "good"),
                                           ("wrong_grad_acts:bad_tanh", "wrong")])
def test_activation_gradient_check(name, verdict):
    check = gradcheck.check_activation(name)
    assert check.verdict == verdict, check
    assert check.dtype == "float64" and check.checked > 150


def test_a_learning_model_passes_and_is_left_as_it_was(tmp_path):
    s = setup(TINY)
    before = [v.numpy().copy() for v in s.model.variables]
    result = run_checks(s, TINY, out=tmp_path)
    assert [c.name for c in result.checks] == ["initial_loss", "activation_gradient",
                                               "model_gradient", "overfit", "lr_range"]
    assert result.passed, result.checks
    checks = {c.name: c for c in result.checks}
    assert checks["initial_loss"].value == pytest.approx(np.log(2), rel=0.2)
    assert checks["model_gradient"].value < 1e-6 and "float64" in checks["model_gradient"].detail
    assert checks["overfit"].value <= 0.02 * np.log(2)
    for v, value in zip(s.model.variables, before):  # weights, BN averages, dropout seeds
        np.testing.assert_array_equal(v.numpy(), value)
    saved = json.loads((tmp_path / "preflight.json").read_text())
    assert saved["passed"] and [c["name"] for c in saved["checks"]] == list(checks)
    assert saved["lr_range"]["suggested"] == pytest.approx(checks["lr_range"].value)
    curve = pd.read_csv(tmp_path / "lr_range.csv")
    assert list(curve.columns) == ["step", "learning_rate", "loss", "smoothed_loss"]
    assert curve.learning_rate.is_monotonic_increasing and curve.learning_rate.iloc[0] == 1e-6
    assert (tmp_path / "lr_range.png").read_bytes().startswith(b"\x89PNG")


def test_one_chance_level(tmp_path):
    """initial_loss, overfit and lr_range compare with the same chance level (they printed
    1.159 and 0.1725 for the adding problem)."""
    config = {**TINY, "data": {"name": "sine", "n_samples": 300}, "model": {
        **TINY["model"], "head": "identity", "activation": "tanh"}, "train": {"loss": "mse"}}
    result = preflight(config, out=tmp_path)
    chances = {c.name: re.search(r"chance ([0-9.e+-]+)", c.detail) for c in result.checks}
    initial = float(chances["initial_loss"].group(1))
    assert float(chances["lr_range"].group(1)) == pytest.approx(initial, rel=1e-3)
    saved = json.loads((tmp_path / "preflight.json").read_text())["lr_range"]
    assert saved["chance"] == pytest.approx(initial, rel=1e-3)


def test_a_model_that_cannot_learn_fails_overfit(tmp_path):
    result = preflight({**TINY, "model": {**TINY["model"], "activation": "linear"}})
    failed = {c.name for c in result.checks if not c.passed}
    assert failed == {"overfit", "lr_range"}, result.checks


def test_cli_flags_a_wrong_custom_gradient(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("model: {depth: 2, width: 8, activation: 'wrong_grad_acts:bad_tanh'}\n"
                      "data: {n_samples: 200}\n")
    result = harness("preflight", config, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = {line.split()[1]: line for line in result.stdout.splitlines()
             if line.startswith(("passed", "FAILED"))}
    assert lines["activation_gradient"].startswith("FAILED")
    assert "WRONG derivative of 'wrong_grad_acts:bad_tanh'" in lines["activation_gradient"]
    assert lines["model_gradient"].startswith("FAILED")
    saved = json.loads((tmp_path / "out" / "preflight.json").read_text())
    assert not saved["passed"]


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path):
    result = harness("preflight", ROOT / "configs/base.yaml", "--set", "model.depth=-1",
                     "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "model.depth" in result.stderr and not (tmp_path / "out").exists()


def _negative_example(path) -> bool:
    """A config built not to learn caps its own test accuracy (`test_accuracy: "<= 0.6"`)."""
    expect = load_config(path)[0].expect or {}
    return str(expect.get("test_accuracy", "")).startswith("<")


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_configs(path):
    """Configs that learn pass every check; those built to show a network that cannot learn
    (linear, step, deep sigmoid) pass the gradient checks and fail the two that train."""
    result = preflight(path)
    failed = {c.name for c in result.checks if not c.passed}
    expected = {"overfit", "lr_range"} if _negative_example(path) else set()
    assert failed == expected, result.checks
