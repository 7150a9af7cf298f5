"""The end-of-run summary the CLI prints (`harness.cli.console`), from made-up run folders."""

import json

import pandas as pd
from fake_runs import make_run

from harness.base.files import write_csv, write_json
from harness.cli.console import format_summary, number
from harness.rundir.run import load_run


def test_a_run_at_chance_says_so_and_one_epoch_is_singular(tmp_path):
    # A folder from before grad_rms: the summary falls back to grad_norm and says so.
    run_dir = make_run(tmp_path / "sig", activation="sigmoid", depth=8, epochs=1, recorded="old")
    summary = json.loads((run_dir / "summary.json").read_text())
    summary.update(test_accuracy=0.49, chance_accuracy=0.51, learned=False,
                   examples={"train": 640, "val": 160, "test": 200})
    write_json(run_dir / "summary.json", summary)
    text = format_summary(load_run(run_dir))
    assert "after 1 epoch in" in text and "1 epochs" not in text
    assert ("did not learn (chance level): always answering the most common class scores "
            "0.51, +-0.071 on 200 test examples") in text
    # sigmoid's ratio is 4 ** -7 = 6.1e-05: scientific notation, not 0.000061
    assert "vanishing ratio, grad_norm of hidden_1 / hidden_8: 6.10e-05 at init" in text
    assert "most saturated layer: hidden_" in text
    assert text.splitlines()[-1] == str(run_dir)


def test_a_dead_layer_is_named_instead_of_a_missing_ratio(tmp_path):
    run_dir = make_run(tmp_path / "relu", activation="relu", depth=5, epochs=4)
    layers = pd.read_csv(run_dir / "layers.csv")
    dead = (layers.metric == "dead_fraction") & (layers.layer == "hidden_4") & (layers.epoch >= 2)
    layers.loc[dead, "value"] = 1.0
    below = layers.metric.isin(["grad_norm", "grad_rms"]) & layers.layer.isin(
        ["hidden_1", "hidden_2", "hidden_3", "hidden_4"]) & (layers.epoch >= 2)
    layers.loc[below, "value"] = 0.0
    write_csv(run_dir / "layers.csv", layers)
    text = format_summary(load_run(run_dir))
    assert "hidden_4 is 100% dead from epoch 2: no gradient reaches the layers below" in text
    assert "vanishing ratio" not in text
    assert "hidden_1 " in text and "0\n" in text  # zeros print as 0, not 0.000e+00
    assert "did not learn" not in text  # a fake completed run without a verdict


def test_layers_come_back_in_network_order(tmp_path):
    run = load_run(make_run(tmp_path / "deep", activation="relu", depth=11, epochs=1))
    table = run.layers.query("metric == 'grad_norm'").pivot(
        index="layer", columns="epoch", values="value")
    assert list(table.index) == [f"hidden_{i}" for i in range(1, 12)] + ["output"]
    ordered = run.layers.sort_values("layer")["layer"].unique()
    assert list(ordered[8:]) == ["hidden_9", "hidden_10", "hidden_11", "output"]
    assert run.layers["layer"].cat.ordered


def test_numbers_switch_to_scientific_notation_for_tiny_values():
    assert number(3.1e-6) == "3.10e-06" and number(0.871) == "0.871" and number(16.4) == "16.4"
    assert number(0.0) == "0" and number(float("nan")) == "n/a"


def test_a_step_network_says_no_gradient_reaches_the_hidden_layers(tmp_path):
    text = format_summary(load_run(make_run(tmp_path / "step", activation="step", depth=3)))
    assert ("no gradient reaches any hidden layer: grad_rms is exactly 0 in hidden_1 .. "
            "hidden_3") in text
    assert "vanishing ratio" not in text
