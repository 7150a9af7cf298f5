"""Your own data (csv), feature crosses and the digits set: loaders, errors and real tiny runs."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from commands import cli
from test_data import DataCfg, arrays

from harness.config.file import load_config
from harness.data.datasets import load_dataset
from harness.data.features import cross
from harness.errors import ConfigError, DataError


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def ring_csv(path: Path, n=200, seed=0, labels=("inside", "outside")) -> Path:
    """A 2-D file: a disk inside a ring, string labels, columns in km (not in [-1, 1])."""
    rng = np.random.default_rng(seed)
    r = np.concatenate([rng.uniform(0, 5, n // 2), rng.uniform(7, 10, n - n // 2)])
    t = rng.uniform(0, 2 * np.pi, n)
    frame = pd.DataFrame({"east_km": r * np.cos(t) + 20, "north_km": r * np.sin(t),
                          "zone": np.where(r < 6, labels[0], labels[1])})
    frame.to_csv(path, index=False)
    return path


def csv_cfg(path, **kw):
    return DataCfg(name="csv", path=str(path), target=kw.pop("target", "zone"), **kw)


# Loading ------------------------------------------------------------------------------------------

def test_string_labels_numeric_features_and_standardisation(tmp_path):
    path = ring_csv(tmp_path / "ring.csv")
    data = load_dataset(csv_cfg(path), 0)
    assert data.task == "binary" and data.n_classes == 2 and data.n_features == 2
    assert data.class_names == ("inside", "outside")
    assert data.input_names == ("east_km", "north_km")
    assert [len(x) for x in arrays(data)[::2]] == [128, 32, 40]
    assert all(y.dtype == np.int64 for y in arrays(data)[1::2])
    # Standardised on the training split only (default for csv); the original inputs are kept.
    assert np.allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(data.x_train.std(axis=0), 1, atol=1e-4)
    assert 10 < data.original("train")[:, 0].mean() < 30  # still in km
    # Classes are the sorted labels: inside -> 0, outside -> 1.
    frame = pd.read_csv(path)
    row = {tuple(np.float32(v) for v in r[:2]): r[2] for r in frame.itertuples(index=False)}
    for x, y in zip(data.original("test"), data.y_test):
        assert row[tuple(x)] == ("inside", "outside")[y]
    again = load_dataset(csv_cfg(path), 0)
    assert all(np.array_equal(a, b) for a, b in zip(arrays(data), arrays(again)))
    raw = load_dataset(csv_cfg(path, standardize=False), 0)
    assert np.array_equal(raw.x_train, raw.original("train")) and raw.feature_map is None


def test_task_is_inferred_or_stated(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60),
                          "name": ["x"] * 60, "digit": np.arange(60) % 3,
                          "price": rng.normal(size=60), "flag": np.arange(60) % 2 == 0})
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, index=False)
    for target, task, k in (("digit", "multiclass", 3), ("price", "regression", 0),
                            ("flag", "binary", 2)):
        data = load_dataset(csv_cfg(path, target=target, features=["a", "b"]), 0)
        assert (data.task, data.n_classes) == (task, k)
    stated = load_dataset(csv_cfg(path, target="digit", task="regression", features=["a"]), 0)
    assert stated.task == "regression" and stated.y_train.dtype == np.float32
    # Without a list, the features are the other numeric columns ('name' is text, 'flag' bool).
    assert load_dataset(csv_cfg(path, target="price"), 0).n_features == 3  # a, b, digit


@pytest.mark.parametrize("text, kw, match", [
    ("a,b,zone\n1,2,x\n3,,y\n", {}, r"column 'b': missing value on line 3"),
    ("a,b,zone\n1,2,x\n3,4,\n", {}, r"column 'zone': missing value on line 3"),
    ("a,b,zone\n1,2,x\n3,four,y\n", {"features": ["a", "b"]},
     r"column 'b': 'four' on line 3 is not a number"),
    # Without data.features, a column of numbers with one typo is an error, not left out.
    ("a,b,zone\n1,2,x\n3,four,y\n5,6,y\n", {}, r"column 'b': 'four' on line 3 is not a number; "
     r"features must be numeric \(correct it, or list the input columns without 'b' in data"),
    ("a,b,zone\n1,2,x\n3,4,x\n", {}, r"column 'zone': every example has the label 'x', one class"),
    ("a,b,label\n1,2,x\n3,4,y\n", {},
     r"data.target: no column 'zone'.*the columns are a, b, label"),
    ("a,b,zone\n1,2,x\n3,4,y\n", {"target": "zon"}, r"no column 'zon' \(did you mean 'zone'\?\)"),
    ("a,b,zone\n1,2,x\n3,4,y\n", {"features": ["a", "c"]}, r"data.features: no column 'c'"),
    ("a,b,c,zone\n1,2,3,x\n3,4,5,y\n", {"features": ["x1^2"]},
     r"crosses are made from two input columns .* there are 3"),
    ("a,b,zone\n1,2,x\n3,4,y\n5,6,z\n", {"task": "binary"}, r"3 classes, but data.task is binary"),
    ("", {}, r"the file is empty"),
])
def test_bad_file_is_one_error_naming_file_and_column(tmp_path, text, kw, match):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(DataError, match=match) as error:
        load_dataset(csv_cfg(path, **kw), 0)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_wrong_path(tmp_path):
    with pytest.raises(DataError, match=r"data.path: .*nope.csv: no such file"):
        load_dataset(csv_cfg(tmp_path / "nope.csv"), 0)
    with pytest.raises(DataError, match=r"data.path: .*: is a folder"):
        load_dataset(csv_cfg(tmp_path), 0)


@pytest.mark.parametrize("data, match", [
    ({"name": "csv", "path": "x.csv"}, r"data.target: csv data needs path: and target:"),
    ({"name": "circles", "target": "y"}, r"data.target: only csv data has a target"),
    ({"name": "circles", "features": ["x1", "x1^3"]}, r"unknown feature 'x1\^3'; did you mean"),
    ({"name": "circles", "features": ["x1", "x1"]}, r"'x1' is listed twice"),
])
def test_bad_data_keys_are_config_errors(data, match):
    with pytest.raises(ConfigError, match=match):
        load_config({"data": data})


def test_cli_bad_csv_exits_2_and_writes_nothing(tmp_path):
    csv = write(tmp_path / "d.csv", "a,b,zone\n1,2,x\n3,4,x\n")
    config = write(tmp_path / "c.yaml", f"data: {{name: csv, path: {csv}, target: zone}}\n")
    out = cli("run", config, "--out", tmp_path / "run")
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        f"error: {csv}: column 'zone': every example has the label 'x', one class only; "
        "a classifier needs two or more")
    assert not (tmp_path / "run").exists()
    # A multi-class target with the default sigmoid head: caught once the file is read.
    write(csv, "a,b,zone\n1,2,x\n3,4,y\n5,6,z\n7,8,x\n9,0,y\n")
    out = cli("run", config, "--out", tmp_path / "run")
    assert out.returncode == 2 and "model.head: head 'sigmoid' does not fit multiclass data " \
        f"from {csv}; use head: softmax" in out.stderr
    assert not (tmp_path / "run").exists()


# Feature crosses ----------------------------------------------------------------------------------

def test_crosses_are_computed_from_the_original_inputs():
    data = load_dataset(DataCfg(features=["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)",
                                          "sin(x2)"], n_samples=200), 0)
    x = data.original("train")
    expected = np.stack([x[:, 0], x[:, 1], x[:, 0] ** 2, x[:, 1] ** 2, x[:, 0] * x[:, 1],
                         np.sin(x[:, 0]), np.sin(x[:, 1])], axis=1)
    assert data.n_features == 7 and data.n_inputs == 2
    assert np.allclose(data.x_train, expected, atol=1e-6)
    assert np.array_equal(data.to_model_inputs(x), data.x_train)
    plain = load_dataset(DataCfg(n_samples=200), 0)
    assert np.array_equal(plain.x_train, x)  # the same points; no features: no map at all
    assert plain.feature_map is None
    with pytest.raises(DataError, match="crosses like 'x1\\^2' are made from two inputs"):
        load_dataset(DataCfg(name="sine", features=["x1^2"]), 0)


def test_csv_crosses_name_the_two_columns_x1_x2(tmp_path):
    path = ring_csv(tmp_path / "ring.csv")
    data = load_dataset(csv_cfg(path, features=["east_km", "north_km", "x1*x2"],
                                standardize=False), 0)
    x = data.original("train")
    assert data.feature_map.names == ("x1", "x2", "x1*x2")
    assert np.allclose(data.x_train, cross(x, ["x1", "x2", "x1*x2"]))


def run_cli(tmp_path, config: dict, name="run"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(json.dumps(config))
    out = cli("run", path, "--out", tmp_path / name, "--verbose", "0")
    assert out.returncode == 0, out.stderr[-2000:]
    return tmp_path / name, out.stdout


@pytest.mark.slow
def test_depth0_sigmoid_with_squares_separates_circles_and_draws_it_in_x1_x2(tmp_path):
    run, _ = run_cli(tmp_path, {
        "data": {"name": "circles", "features": ["x1^2", "x2^2"]},
        "model": {"depth": 0, "head": "sigmoid"}, "train": {"epochs": 20}})
    summary = json.loads((run / "summary.json").read_text())
    assert summary["test_accuracy"] >= 0.95
    surface = pd.read_csv(run / "surface.csv")
    assert list(surface.columns) == ["epoch", "x1", "x2", "pred"]
    surface = surface[surface.epoch == surface.epoch.max()]  # the trained model
    # A closed boundary in the (x1, x2) plane: inside near the centre, outside at every edge.
    centre = surface.iloc[(surface.x1 ** 2 + surface.x2 ** 2).argmin()]
    assert centre.pred > 0.5
    for corner in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        far = surface.iloc[((surface.x1 - corner[0]) ** 2 + (surface.x2 - corner[1]) ** 2).argmin()]
        assert far.pred < 0.5
    assert list(pd.read_csv(run / "points.csv").columns) == ["split", "x1", "x2", "y"]
    # The report names what the model is: no hidden layer (not the unused default relu) and
    # the crossed inputs it takes.
    html = (run / "report.html").read_text()
    assert 'class="sub">no hidden layer, depth 0' in html
    assert "circles, inputs x1^2, x2^2, " in html


@pytest.mark.slow
def test_2d_csv_file_gets_the_boundary_picture(tmp_path):
    csv = ring_csv(tmp_path / "ring.csv", n=300)
    run, stdout = run_cli(tmp_path, {
        "data": {"name": "csv", "path": str(csv), "target": "zone"},
        "model": {"depth": 2, "width": 8}, "train": {"epochs": 2}})
    points = pd.read_csv(run / "points.csv")
    assert 10 < points.x1.mean() < 30  # drawn in the file's units, not standardised ones
    surface = pd.read_csv(run / "surface.csv")
    assert surface.x1.min() < points.x1.min() and surface.x1.max() > points.x1.max()
    assert (run / "boundary.png").is_file() and (run / "neurons.png").is_file()
    assert "test_accuracy" in stdout
    summary = json.loads((run / "summary.json").read_text())
    assert summary["class_names"] == ["inside", "outside"]
    assert summary["input_names"] == ["east_km", "north_km"]  # the boundary's axis labels


# Digits -------------------------------------------------------------------------------------------

def test_digits_are_bundled_8x8_images():
    data = load_dataset(DataCfg(name="digits"), 0)
    assert data.task == "multiclass" and data.n_classes == 10 and data.n_features == 64
    assert sum(len(x) for x in arrays(data)[::2]) == 1797
    assert len(data.x_test) == round(1797 * 0.2)
    assert all(x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1 for x in arrays(data)[::2])
    assert set(data.y_train.tolist()) == set(range(10))
    small = load_dataset(DataCfg(name="digits", n_samples=300), 1)
    assert sum(len(x) for x in arrays(small)[::2]) == 300
