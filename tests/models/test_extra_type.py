"""The seam for a new model type: `funnel` (extra_type.py, in the tests) is registered from outside
`harness/` and runs end to end: config checks, data, memory estimate, build, training, run folder
and report."""

import math

import pandas as pd
import pytest
from extra_type import FUNNEL, funnel_widths, registered

import harness
from harness.cli.listing import format_registry
from harness.config.file import load_config
from harness.config.memory import layer_sizes
from harness.errors import ConfigError
from harness.models.types import MODEL_TYPES
from harness.theory import meanfield
from harness.training.setup import setup

FUNNEL_RUN = {"name": "funnel", "data": {"name": "circles", "n_samples": 200},
              "model": {"type": "funnel", "depth": 3, "width": 8, "activation": "tanh"},
              "train": {"epochs": 2}}


@pytest.fixture
def funnel():
    with registered() as entry:
        yield entry
    assert "funnel" not in MODEL_TYPES  # gone again: no other test sees it


def test_a_registered_type_trains_and_writes_its_run_folder(tmp_path, funnel):
    run = harness.run(FUNNEL_RUN, out=tmp_path / "run", verbose=0)
    layers = pd.read_csv(tmp_path / "run" / "layers.csv")
    assert sorted(layers["layer"].unique()) == ["funnel_1", "funnel_2", "funnel_3", "output"]
    assert set(layers["epoch"]) == {0, 1, 2}
    assert (tmp_path / "run" / "report.html").stat().st_size > 0
    assert run.config["model"]["type"] == "funnel"
    assert math.isfinite(run.summary["vanishing_ratio_init"])  # funnel_1 / funnel_3


def test_its_entry_sizes_builds_and_checks_it(funnel):
    s = setup(FUNNEL_RUN)
    assert [layer.units for layer in s.model.dense] == [8, 4, 2, 1] == [
        *funnel_widths(s.cfg.model), 1]
    params, _ = layer_sizes(s.cfg.model, s.data.input_shape, 1)
    assert params == s.model.count_params()  # the memory estimate counts what is built
    assert s.data.input_shape == (2,)
    pred = meanfield.predict(s.cfg.model, 2, 0.5)
    assert pred.reason == FUNNEL.meanfield and pred.layers.empty
    listed = format_registry("model_types").splitlines()[1:]  # `harness list model_types`
    assert [line.split()[0] for line in listed] == ["dense", "conv", "recurrent", "funnel"]


@pytest.mark.parametrize("change, key, words", [
    ({"model": {**FUNNEL_RUN["model"], "residual": 1}}, "model.residual",
     "funnel layers take no residual here"),
    ({"model": {**FUNNEL_RUN["model"], "cell": "lstm"}}, "model.cell",
     "cell is a recurrent model's key and this model is funnel"),
    ({"data": {"name": "adding"}, "model": {**FUNNEL_RUN["model"], "head": "identity"},
      "train": {"loss": "mse"}}, "model.type",
     "'adding' is a sequence task, read by recurrent layers only; use model.type: recurrent, "
     "e.g. model: {type: recurrent, cell: lstm}"),
])
def test_its_config_mistakes_are_the_usual_one_line_errors(funnel, change, key, words):
    with pytest.raises(ConfigError) as info:
        load_config({**FUNNEL_RUN, **change})
    assert f"<mapping>: {key}" in str(info.value) and words in str(info.value)
