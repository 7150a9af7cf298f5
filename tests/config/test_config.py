"""Config files: defaults, extends, --set, and every validation message."""

import json

import pytest
from commands import cli
from pydantic import ValidationError

from harness.config.file import load_config
from harness.errors import ConfigError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(source, overrides=None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(source, overrides)
    return str(info.value)


def test_defaults_extends_file_then_set(tmp_path):
    write(tmp_path, "base.yaml", "model: {depth: 2, width: 8}\ntrain: {epochs: 3}\n")
    write(tmp_path, "mid.yaml", "extends: base.yaml\nmodel: {depth: 4}\n")
    top = write(tmp_path, "top.yaml", "extends: mid.yaml\nname: top\nmodel: {activation: tanh}\n")
    cfg, sources = load_config(top, ["model.width=[8,4,4,2]", "train.learning_rate=1e-3"])
    assert (cfg.name, cfg.model.depth, cfg.model.activation) == ("top", 4, "tanh")
    assert cfg.model.widths() == [8, 4, 4, 2]
    assert cfg.train.epochs == 3 and cfg.train.learning_rate == 0.001
    assert cfg.train.optimizer == "adam"  # a default nobody set
    assert sources[0] == "defaults" and sources[-1].startswith("--set train.learning_rate")
    assert [s.rsplit("/", 1)[-1] for s in sources[1:4]] == ["base.yaml", "mid.yaml", "top.yaml"]


def test_config_is_frozen(tmp_path):
    cfg, _ = load_config({"model": {"depth": 2}})
    with pytest.raises(ValidationError):
        cfg.model.depth = 3


def test_mapping_overrides_and_per_layer_lists():
    cfg, _ = load_config({"model": {"depth": 2, "activation": ["relu", "tanh"]}},
                         {"model.width": [4, 2]})
    assert cfg.model.activations() == ["relu", "tanh"] and cfg.model.widths() == [4, 2]


def test_shipped_configs_resolve():
    from pathlib import Path

    for path in sorted(Path("configs").glob("*.yaml")):
        cfg, _ = load_config(path)
        assert cfg.name == path.stem or path.stem == "base", path
        assert path.read_text().startswith("#"), f"{path} needs its header comment"
        # The header's claim is checked by `harness check configs` (issue 9).
        assert cfg.expect, f"{path} needs an expect: block for its header's Expect: line"


@pytest.mark.parametrize("text, overrides, expected", [
    ("model: {activation: rleu}", None,
     "c.yaml: model.activation: unknown activation 'rleu'; did you mean 'relu'"),
    ("model: {widht: 3}", None, "c.yaml: model.widht: unknown key 'widht'; did you mean 'width'?"),
    ("modle: {depth: 3}", None, "unknown key 'modle'; did you mean 'model'?"),
    ("model: {head: sofmax}", None, "unknown head 'sofmax'; did you mean 'softmax'?"),
    ("train: {loss: mse2}", None, "unknown loss 'mse2'; did you mean 'mse'"),
    ("data: {name: circle}", None, "unknown dataset 'circle'; did you mean 'circles'"),
    ("train: {optimizer: adamw}", None, "unknown optimizer 'adamw'; did you mean 'adam'"),
    ("model: {initializer: he_norm}", None,
     "unknown initializer 'he_norm'; did you mean 'he_normal'"),
    ("model: {initializer: {name: random_normal, stdev: 0.1}}", None,
     "initializer 'random_normal' takes mean, stddev; not 'stdev'"),
    ("model: {depth: 3, width: [8, 4]}", None, "model.width: 2 values for depth 3"),
    ("model: {depth: 2, activation: [relu]}", None, "model.activation: 1 values for depth 2"),
    ("model: {width: 0}", None, "width must be a whole number from 1 to 100000"),
    ("model: {depth: -1}", None, "model.depth: input should be greater than or equal to 0"),
    ("model: {depth: three}", None, "model.depth: input should be a valid integer, got 'three'"),
    ("train: {learning_rate: .nan}", None, "train.learning_rate: input should be a finite number"),
    ("train: {epochs: 1e100}", None, "train.epochs: input should be a valid integer"),
    ("model: {use_bias: maybe}", None, "model.use_bias: input should be a valid boolean"),
    # YAML 1.1 reads yes/no and on/off as true/false: "got True" alone left the student puzzled
    ("model: {batch_norm: yes}", None, "model.batch_norm: batch_norm is one of none, before, "
     "after; got true (YAML reads yes/no and on/off as true/false, not as words); write before "
     "or after to turn it on"),
    ("model: {batch_norm: off}", None, "got false (YAML reads yes/no and on/off as true/false, "
     "not as words); write none to turn it off"),
    ("model: {activation: on}", None, "an activation is a name, got True (YAML reads yes/no"),
    ("name: ../../x", None, "name: '../../x' is not a folder name"),
    ("data: {name: sine}", None,
     "model.head: head 'sigmoid' does not fit regression data 'sine'; "
     "use head: identity with loss: mse"),
    ("model: {head: softmax}", None,
     "train.loss: loss 'binary_crossentropy' does not fit head 'softmax'; use loss: "
     "categorical_crossentropy or sparse_categorical_crossentropy"),
    ("data: {name: multispiral}", None,
     "model.head: head 'sigmoid' does not fit multiclass data 'multispiral'; use head: softmax"),
    ("model: {head: identity}", None, "model.head: head 'identity' does not fit binary data"),
    ("data: {test_fraction: 0.5, val_fraction: 0.5}", None,
     "data.val_fraction: test_fraction + val_fraction"),
    ("model: {activation: nosuchmodule:fn}", None,
     "cannot import activation 'nosuchmodule:fn'"),
    ("model: [1, 2", None, "c.yaml: line 1: YAML syntax error"),
    ("x: !!python/object:os.system ls", None, "!!python/object:os.system is not allowed"),
    ("- a\n- b", None, "c.yaml: a config is a mapping of keys"),
    ("", None, "c.yaml: the file is empty"),
    ("extends: missing.yaml", None, "c.yaml: extends: "),
    ("extends: c.yaml", None, "extends: cycle"),
    ("{}", ["model.depth=x"], "--set model.depth: input should be a valid integer, got 'x'"),
    ("{}", ["model.foo=1"], "--set model.foo: unknown key 'foo'"),
    ("{}", ["depth"], "--set depth: expected KEY=VALUE"),
])
def test_every_validation_error_names_place_and_fix(tmp_path, text, overrides, expected):
    path = write(tmp_path, "c.yaml", text)
    message = error_of(path, overrides)
    assert expected in message
    assert "\n" not in message


def test_mse_with_sigmoid_is_a_warning_not_an_error():
    cfg, _ = load_config({"train": {"loss": "mse"}})
    assert "binary_crossentropy is the usual pair" in cfg.warnings()[0]


def test_cycle_through_two_files(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    assert "cycle" in error_of(tmp_path / "a.yaml")


def test_missing_file():
    assert "no such file" in error_of("no/such/config.yaml")


def test_schema_command_prints_a_table_of_keys():
    result = cli("schema")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[0].split() == ["key", "type", "default"]
    assert len(out.splitlines()) < 100
    depth = next(i for i, line in enumerate(lines) if line.startswith("model.depth "))
    assert lines[depth].split() == ["model.depth", "int", "3"]
    assert "hidden layers" in lines[depth + 1]  # the meaning, indented below the key
    assert any(line.split()[:3] == ["train.epochs", "int", "20"] for line in lines)
    assert any(line.startswith("model.initializer ") and "mapping" in line for line in lines)


def test_schema_types_read_as_yaml_values_not_python_annotations():
    from harness.config.schema import schema_rows

    kinds = {key: kind for key, kind, _, _ in schema_rows()}
    assert kinds["data.task"] == "binary | multiclass | regression | null"
    assert kinds["log.histograms"] == "auto | last | list[int] | {every: int}"
    assert kinds["model.width"] == "int | list[int] | null"  # null: a conv model (filters)
    assert kinds["data.n_samples"] == "int | null"
    assert not any(word in kind for kind in kinds.values()
                   for word in ("Literal", "Union", "Optional", "harness.", "typing"))


def test_schema_json_prints_json_schema_with_descriptions():
    result = cli("schema", "--json")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    model = schema["$defs"]["ModelConfig"]["properties"]
    assert "hidden layers" in model["depth"]["description"]
    assert schema["$defs"]["TrainConfig"]["properties"]["epochs"]["default"] == 20


def test_a_key_given_twice_is_an_error_not_a_silent_override(tmp_path):
    path = write(tmp_path, "c.yaml", "model: {depth: 2}\ntrain: {epochs: 1}\nmodel: {width: 3}\n")
    assert error_of(path).endswith("c.yaml: line 3: key 'model' appears twice in one mapping; "
                              "keep one (merge the two blocks)")


@pytest.mark.parametrize("text, expected", [
    ("model: {initializer: he}", "unknown initializer 'he'; did you mean 'he_uniform' or "
                                 "'he_normal'?"),
    ("model: {activation: my_acts.swishy}", "unknown activation 'my_acts.swishy'; did you mean "
                                            "'my_acts:swishy'?"),
])
def test_did_you_mean_for_prefixes_and_a_dot_for_a_colon(tmp_path, text, expected):
    assert expected in error_of(write(tmp_path, "c.yaml", text))


def test_a_custom_activation_is_called_once_before_training(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    write(tmp_path, "clifix_acts.py", (
        "import numpy as np\nimport keras\n"
        "def numpy_inside(z):\n    return np.tanh(z)\n"
        "def two_args(z, w):\n    return z * w\n"
        "def shrinks(z):\n    return keras.ops.sum(z)\n"
        "def fine(z):\n    return keras.ops.tanh(z)\n"))
    for name, expected in [
            ("numpy_inside", "fails on a tensor (NotImplementedError: Cannot convert a symbolic"),
            ("two_args", "fails on a tensor (TypeError: "),
            ("shrinks", "returns shape () for an input of shape (2, 3)")]:
        message = error_of({"model": {"activation": f"clifix_acts:{name}"}})
        assert message.startswith(f"<mapping>: model.activation: activation 'clifix_acts:{name}' "
                                  f"{expected}"), message
        assert "write it as a function of one tensor using keras.ops" in message
    cfg, _ = load_config({"model": {"activation": "clifix_acts:fine"}})
    assert cfg.model.activation == "clifix_acts:fine"


def test_a_missing_module_names_the_folder_searched(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of({"model": {"activation": "clifix_nowhere.acts:fn"}})
    assert (f"no module 'clifix_nowhere' in the current folder ({tmp_path}) or on PYTHONPATH"
            in message)


def test_overrides_from_python_are_called_overrides_not_set():
    message = error_of({}, {"model.depth": "x"})
    assert message.startswith("overrides model.depth: input should be a valid integer")
    assert "--set" not in message and "overrides={'model.depth': 3}" in message
    _, sources = load_config({}, {"model.depth": 2})
    assert sources[-1] == "overrides model.depth=2"


def test_a_clash_caused_by_set_names_the_set_not_the_file(tmp_path):
    base = write(tmp_path, "base.yaml", "model: {depth: 3}\n")
    assert error_of(base, ["data.name=sine"]).startswith(
        "--set data.name: model.head: head 'sigmoid' does not fit regression data 'sine'")
    assert error_of(base, ["model.width=[4, 4]"]).startswith(
        "--set model.width: 2 values for depth 3")
    assert error_of(base, ["model.depth=2", "model.activation=[relu, tanh, elu]"]).startswith(
        "--set model.activation, --set model.depth: model.activation: 3 values for depth 2")
    # Without an override involved, the file the user ran is still the place to fix.
    assert error_of(base, ["train.epochs=1", "model.head=softmax"]).startswith(
        "--set model.head: train.loss: loss 'binary_crossentropy' does not fit head 'softmax'")


def test_classes_only_for_the_data_that_uses_them():
    softmax = {"model.head": "softmax", "train.loss": "sparse_categorical_crossentropy"}
    circles, _ = load_config({})
    assert circles.data.classes is None and circles.model_dump()["data"]["classes"] is None
    assert circles.warnings() == []
    assert load_config({}, {"data.name": "blobs", **softmax})[0].data.classes == 3
    five, _ = load_config({}, {"data.name": "blobs", "data.classes": 5, **softmax})
    assert five.data.classes == 5
    assert load_config({}, {"data.name": "mnist", **softmax})[0].data.classes is None
    set_on_circles, _ = load_config({}, {"data.classes": 4})
    assert set_on_circles.warnings() == ["data.classes: circles does not use it (its classes are "
                                         "fixed), so it is ignored; remove it"]


def test_names_are_read_without_case_and_saved_as_the_table_spells_them(tmp_path):
    # `train.optimizer: SGD` was "unknown" with no suggestion
    path = write(tmp_path, "c.yaml", "train: {optimizer: SGD, schedule: {name: Cosine}}\n"
                 "model: {activation: [ReLU, Tanh, identity], depth: 3, initializer: {name: "
                 "He_Normal}}\ndata: {name: MultiSpiral}\n")
    cfg, _ = load_config(path, ["model.head=Softmax", "train.loss=Categorical_Crossentropy"])
    assert (cfg.train.optimizer, cfg.train.schedule) == ("sgd", {"name": "cosine"})
    assert cfg.model.activation == ["relu", "tanh", "identity"]  # an alias stays an alias
    assert cfg.model.initializer == {"name": "he_normal"}
    assert (cfg.data.name, cfg.data.classes, cfg.model.head) == ("multispiral", 3, "softmax")
    assert "did you mean 'adam'?" in error_of(path, ["train.optimizer=Adamm"])


def test_a_name_that_differs_from_two_only_in_case_is_not_guessed():
    from harness.base.registry import Registry

    table = Registry("thing", "things")
    table.register("relu", 1)
    table.register("ReLU", 2)
    assert table.get("ReLU") == 2 and table.get("relu") == 1  # exact spellings still win
    with pytest.raises(KeyError, match="unknown thing 'RELU'; did you mean 'relu' or 'ReLU'?"):
        table.get("RELU")
    assert "RELU" not in table


def test_data_path_is_relative_to_the_config_file_that_sets_it(tmp_path, monkeypatch, capsys):
    # A handed-out lesson/weather.yaml failed when run from its parent: data.path was read
    # from the current folder while extends: is relative to the file
    monkeypatch.chdir(tmp_path)
    for name in ("lesson/weather.csv", "shared/mnist/x", "only_here.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write(tmp_path, name, "")
    write(tmp_path, "shared/base.yaml", "data: {name: mnist, path: mnist}\nmodel: {head: "
          "softmax}\ntrain: {loss: sparse_categorical_crossentropy}\n")
    lesson = "data: {name: csv, path: weather.csv, target: rain}\n"
    write(tmp_path, "lesson/weather.yaml", lesson)
    write(tmp_path, "lesson/images.yaml", "extends: ../shared/base.yaml\nname: images\n")
    assert load_config("lesson/weather.yaml")[0].data.path == "lesson/weather.csv"
    assert load_config("lesson/images.yaml")[0].data.path == "shared/mnist"  # the parent's file
    monkeypatch.chdir(tmp_path / "lesson")
    assert load_config("weather.yaml")[0].data.path == "weather.csv"  # unchanged beside it
    monkeypatch.chdir(tmp_path)
    # typed in the current folder: --set, and absolute paths, are taken as they are
    cfg, _ = load_config("lesson/weather.yaml", ["data.path=only_here.csv"])
    assert cfg.data.path == "only_here.csv"
    write(tmp_path, "lesson/abs.yaml", lesson.replace("weather.csv", str(tmp_path / "x.csv")))
    assert load_config("lesson/abs.yaml")[0].data.path == str(tmp_path / "x.csv")
    # found only where it used to be looked for: still read, with a note (once)
    capsys.readouterr()
    write(tmp_path, "lesson/old.yaml", lesson.replace("weather.csv", "only_here.csv"))
    assert load_config("lesson/old.yaml")[0].data.path == "only_here.csv"
    load_config("lesson/old.yaml")
    assert capsys.readouterr().err == (
        "note: lesson/old.yaml: data.path: only_here.csv is not beside the config file "
        "(lesson/only_here.csv); read from the current folder instead. Paths in a config are "
        "relative to its file: move the data there, or give the path from it\n")
    # nowhere: the error will name the place beside the file
    write(tmp_path, "lesson/gone.yaml", lesson.replace("weather.csv", "gone.csv"))
    assert load_config("lesson/gone.yaml")[0].data.path == "lesson/gone.csv"
