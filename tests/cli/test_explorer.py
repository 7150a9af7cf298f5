"""The activation explorer: its table and figure, the CLI (the slopes it draws:
tests/catalog/test_slopes.py)."""

import pandas as pd
import pytest
from commands import cli

from harness.cli.explorer import DEFAULT, POINTS, explore
from harness.errors import HarnessError


def test_explore_writes_the_figure_and_a_tidy_table(tmp_path):
    text, (png, csv) = explore(["sigmoid", "relu", "relu6"], out=tmp_path)
    assert png.read_bytes().startswith(b"\x89PNG")
    table = pd.read_csv(csv)
    assert list(table.columns) == ["activation", "z", "value", "derivative", "formula_derivative"]
    assert table.activation.tolist() == ["sigmoid"] * 5 + ["relu"] * 5 + ["relu6"] * 5
    assert table.z.tolist() == list(POINTS) * 3
    sigmoid = table[table.activation == "sigmoid"].set_index("z")
    assert sigmoid.at[0.0, "derivative"] == pytest.approx(0.25)
    assert table[table.activation == "relu6"].formula_derivative.isna().all()  # no formula
    assert "f(z):" in text and "f'(z), by autodiff:" in text and "relu6" in text


def test_non_elementwise_functions_are_refused():
    with pytest.raises(HarnessError, match="'softmax' is not elementwise"):
        explore(["softmax"], out="unused")


def test_cli_defaults_write_png_and_csv(tmp_path):
    result = cli("activations", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "results/activations"
    assert (out / "activations.png").stat().st_size > 10_000
    table = pd.read_csv(out / "activations.csv")
    assert list(dict.fromkeys(table.activation)) == list(DEFAULT)
    assert result.stdout.strip().endswith("activations.csv")
    assert "leaky_relu" in result.stdout


def test_cli_unknown_name_exits_2_with_did_you_mean(tmp_path):
    result = cli("activations", "sigmoid", "rleu", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: activations: unknown activation 'rleu'; did you mean 'relu' or 'relu6'? "
        "(see `python -m harness list activations`)")
    assert not (tmp_path / "results").exists()
