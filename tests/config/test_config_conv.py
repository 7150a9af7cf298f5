"""Conv and recurrent configs (issue 17): each type's keys and defaults, and every error line."""

import textwrap
from pathlib import Path

import pytest
import yaml
from config_messages import check  # noqa: E402 - tests/ is on sys.path

from harness.config.config import Config
from harness.config.file import load_config
from harness.config.schema import schema_rows
from harness.errors import ConfigError
from harness.models.layout import default_pools
from harness.models.types import MODEL_TYPES, own_keys

ROOT = Path(__file__).resolve().parents[2]
NEW_KEYS = ("data.length", "model.type", "model.filters", "model.kernel_size", "model.pool",
            "model.cell", "model.recurrent_initializer", "model.spectral_radius")

SOFTMAX = {"head": "softmax"}
SPARSE = {"train": {"loss": "sparse_categorical_crossentropy"}}
MSE = {"train": {"loss": "mse"}}


def conv(data="mnist", **model):
    return {"data": {"name": data}, "model": {"type": "conv", **SOFTMAX, **model}, **SPARSE}


def rnn(data="adding", **model):
    head = {"head": "identity"} if data == "adding" else SOFTMAX
    return {"data": {"name": data}, "model": {"type": "recurrent", **head, **model},
            **(MSE if data == "adding" else SPARSE)}


def error_of(source, overrides=None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(source, overrides)
    return str(info.value)


def test_dense_is_the_default_and_has_none_of_the_new_keys():
    cfg = load_config({})[0]
    assert cfg.model.type == "dense" and cfg.model.width == 16 and cfg.data.length is None
    assert all(getattr(cfg.model, key) is None for key in own_keys() if key != "width")
    assert cfg.model.filter_counts() == [] and cfg.model.pools() == []


def test_every_shipped_config_still_validates_as_a_dense_model():
    for path in sorted((ROOT / "configs").glob("*.yaml")):
        cfg = load_config(path)[0]
        if cfg.model.type != "dense":
            continue  # the conv and recurrent configs of issue 17
        assert isinstance(cfg.model.width, (int, list)), path
        assert all(getattr(cfg.model, key) is None for key in own_keys() if key != "width"), path


def test_schema_lists_the_new_keys_with_one_line_each():
    rows = {key: (kind, default, meaning) for key, kind, default, meaning in schema_rows()}
    for key in NEW_KEYS:
        kind, default, meaning = rows[key]
        assert meaning and len(textwrap.wrap(meaning, 96)) == 1, (key, meaning)
    assert rows["model.type"][1] == "dense"


def test_conv_defaults_and_accessors():
    cfg = load_config(conv(depth=8, filters=[8, 8, 16, 16, 16, 16, 32, 32]))[0]
    m = cfg.model
    assert (m.kernel_size, m.pool, m.width, m.cell) == (3, [3, 5], None, None)
    assert m.widths() == m.filter_counts() == [8, 8, 16, 16, 16, 16, 32, 32]
    assert m.pools() == [2, 4]  # hidden-layer indices from 0, as skips()
    digits = load_config(conv("digits", depth=4))[0].model
    assert digits.pool == [] and digits.filter_counts() == [16] * 4  # 8 x 8: no pool keeps 7 x 7


@pytest.mark.parametrize("depth, residual, pools", [
    (4, 0, [1, 3]), (8, 0, [3, 5]), (16, 0, [5, 11]), (1, 0, [1]), (6, 2, [1, 5]), (8, 2, [3, 5])])
def test_default_pools_spread_evenly_and_stay_out_of_skips(depth, residual, pools):
    assert default_pools(depth, residual, (28, 28)) == pools
    cfg = load_config(conv(depth=depth, residual=residual))[0]  # and the config accepts them
    assert cfg.model.pool == pools


def test_recurrent_defaults():
    m = load_config(rnn(width=64, depth=2))[0].model
    assert (m.cell, m.recurrent_initializer, m.spectral_radius) == ("simple", "orthogonal", None)
    assert m.widths() == [64, 64] and m.filters is None and m.pool is None
    assert load_config(rnn())[0].data.length == 50
    assert load_config(rnn(cell="simple_rnn"))[0].model.cell == "simple"  # an alias
    assert load_config({**rnn(), "model": {**rnn()["model"], "type": "rnn"}})[0].model.type == (
        "recurrent")  # an alias, saved under its name


@pytest.mark.parametrize("source", [
    conv(depth=8, residual=2), conv("digits", depth=3, batch_norm="before", dropout=0.1),
    rnn(cell="gru", spectral_radius=1.5, recurrent_initializer={"name": "random_normal"}),
    rnn("mnist", cell="lstm", depth=2, width=[32, 16]), {}])
def test_a_saved_config_loads_back_the_same(source):
    cfg = load_config(source)[0]
    saved = yaml.safe_load(yaml.safe_dump(cfg.model_dump(mode="json")))
    assert load_config(saved)[0] == cfg


ERRORS = [
    # conv on data that is not images
    ({"model": {"type": "conv"}}, None, "model.type", "conv layers read images"),
    ({"data": {"name": "csv", "path": "x.csv", "target": "y"}, "model": {"type": "conv"}}, None,
     "model.type", "'csv' is a table of columns"),
    ({"data": {"name": "adding"}, "model": {"type": "conv", "head": "identity"}, **MSE}, None,
     "model.type", "a sequence task; use model.type: recurrent"),
    # recurrent on data that is not sequences, and sequences for other models
    ({"model": {"type": "recurrent"}}, None, "model.type", "recurrent layers read sequences"),
    ({"data": {"name": "adding"}, "model": {"head": "identity"}, **MSE}, None, "model.type",
     "use model.type: recurrent"),
    # unknown names
    ({"model": {"type": "cnnn"}}, None, "model.type", "did you mean 'cnn'"),
    ({"model": {"type": "lstm"}}, None, "model.type", "type: recurrent, cell: lstm"),
    (rnn(cell="lstn"), None, "model.cell", "did you mean 'lstm'"),
    # keys of another type
    ({"model": {"cell": "lstm"}}, None, "model.cell", "recurrent model's key"),
    ({"model": {"filters": 8}}, None, "model.filters", "remove model.filters"),
    ({"model": {"spectral_radius": 1.0}}, None, "model.spectral_radius", "recurrent"),
    (rnn(pool=[1]), None, "model.pool", "conv model's key"),
    (conv(recurrent_initializer="orthogonal"), None, "model.recurrent_initializer", "remove"),
    (rnn(batch_norm="before"), None, "model.batch_norm", "remove model.batch_norm"),
    (rnn(residual=1), None, "model.residual", "remove model.residual"),
    (rnn(depth=0), None, "model.depth", "give depth 1 or more"),
    # shapes a skip connection cannot add
    (conv(depth=4, residual=1, filters=[8, 8, 16, 16]), None, "model.filters",
     "conv_2's output (8 channels) to conv_3's (16 channels)"),
    (conv(depth=4, residual=2, pool=[2]), None, "model.pool",
     "the pool after conv_2 halves the map in between"),
    # pools
    (conv(depth=4, pool=[2, 9]), None, "model.pool", "names conv_9"),
    (conv(depth=4, pool=[3, 2]), None, "model.pool", "in order"),
    (conv(depth=4, pool=[2, 2]), None, "model.pool", "once"),
    (conv(depth=4, pool="after 2"), None, "model.pool", "e.g. [2, 4]"),
    (conv("digits", depth=4, pool=[1, 2, 3, 4]), None, "model.pool", "use at most 3"),
    (conv(depth=4, kernel_size=0), None, "model.kernel_size", "greater than or equal to 1"),
    (conv(filters=[8, 8]), None, "model.filters", "2 values for depth 3"),
    (conv(filters=0), None, "model.filters", "whole number from 1"),
    # sequence data
    ({**conv(), "data": {"name": "mnist", "length": 5}}, None, "data.length", "remove data.length"),
    ({**rnn(), "data": {"name": "adding", "n_samples": 10_000_000, "length": 100}}, None,
     "data.n_samples", "1,000,000,000 steps"),
    ({**rnn(), "data": {"name": "adding", "length": 1}}, None, "data.length", "greater than"),
    # the recurrent initializer
    (rnn(recurrent_initializer="zeros", spectral_radius=1.5), None, "model.spectral_radius",
     "no eigenvalue"),
    (rnn(recurrent_initializer={"name": "random_normal", "stdev": 1}), None,
     "model.recurrent_initializer", "did you mean 'stddev'"),
    (rnn(spectral_radius=0), None, "model.spectral_radius", "greater than 0"),
    # through --set: the option is blamed
    ({}, ["model.cell=gru"], "--set model.cell", "recurrent model's key"),
    (conv(), ["model.filters=[8,16,16]", "model.residual=1"], "--set model.filters",
     "cannot be added"),
]


@pytest.mark.parametrize("source, overrides, key, expected", ERRORS,
                         ids=[f"{e[2]}-{e[3][:24]}" for e in ERRORS])
def test_each_mistake_is_one_line_naming_the_key_and_the_fix(source, overrides, key, expected):
    message = error_of(source, overrides)
    starts = key if key.startswith("--set") else f"<mapping>: {key}"
    check(message, starts, key)
    assert expected in message, message


def test_a_width_inherited_by_a_conv_model_is_a_warning_not_an_error(tmp_path):
    (tmp_path / "c.yaml").write_text(f"extends: {ROOT}/configs/digits.yaml\n"
                                     "model: {type: conv}\n")
    cfg = load_config(tmp_path / "c.yaml")[0]  # digits.yaml (and base.yaml) set width: 64
    assert cfg.model.filter_counts() == [16] * 3
    assert [w for w in cfg.warnings() if w.startswith("model.width: ignored")]
    (tmp_path / "c.yaml").write_text(f"extends: {ROOT}/configs/digits.yaml\n"
                                     "model: {type: conv, width: null}\n")
    assert not load_config(tmp_path / "c.yaml")[0].warnings()


def test_every_model_type_has_a_description_and_its_own_keys_exist():
    for name, entry in MODEL_TYPES.items():
        assert entry.description and "\n" not in entry.description
        assert all(key in Config.model_fields["model"].annotation.model_fields
                   for key in entry.takes), name
