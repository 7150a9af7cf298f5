"""Theory beside measurement in a run (harness.measure.propagation): epoch 0's `preact_std`, the
predictions and the layer Jacobians in layers.csv and summary.json, the report's theory figure,
`run --preflight`, and the one folder rule of `preflight --out` and `theory --out`."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from commands import cli
from tiny import tiny

from harness.catalog import slopes
from harness.measure import jacobian, propagation
from harness.measure.metered import JACOBIAN_STATS
from harness.training.runner import run
from harness.training.setup import setup
from harness.training.train import fit

ROOT = Path(__file__).resolve().parents[2]
TINY = {"name": "tiny", "data": {"name": "circles", "n_samples": 300},
        "model": {"depth": 3, "width": 16, "activation": "tanh"}, "train": {"epochs": 1}}


def harness(*args, cwd=None):
    return cli(*args, cwd=cwd)  # in this process (tests/helpers/commands.py)


def numpy_forward(s):
    """Every layer's z and a over the whole training set, by NumPy from the kernels."""
    x, zs, acts = np.asarray(s.data.x_train, float), [], []
    fns = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (
        1 + np.exp(-z)), "softmax": lambda z: z}  # the output's a is not compared
    for layer in s.model.meter.layers:
        z = x @ np.asarray(layer.kernel, float) + np.asarray(layer.bias, float)
        x = fns[layer.activation](z)
        zs.append(z)
        acts.append(x)
    return zs, acts


def epoch0(layers, metric):
    rows = layers[(layers.epoch == 0) & (layers.metric == metric)]
    return rows.set_index("layer").value


def test_a_run_records_theory_beside_measurement_at_epoch_0(tmp_path):
    r = run(TINY, out=tmp_path / "run", verbose=0)
    s = setup(TINY)  # the same seed: the same initial weights
    zs, _ = numpy_forward(s)
    measured = epoch0(r.layers, "preact_std")
    names = [layer.name for layer in s.model.meter.layers]
    expected = [np.sqrt(np.mean(np.square(z))) for z in zs]
    np.testing.assert_allclose(measured.loc[names], expected, rtol=1e-4, atol=1e-7)
    theory = epoch0(r.layers, "theory_preact_std")
    assert list(theory.index) == ["hidden_1", "hidden_2", "hidden_3", "output"]
    # 16 units: finite width departs from the theory by 40% at hidden_3; 128 agree within 5%
    wide = {**TINY, "model": {**TINY["model"], "width": 128}}
    s = setup(wide)
    found = propagation.measure_initial(s.model, s.cfg, s.data).rows.pivot(
        index="layer", columns="metric", values="value")
    hidden = ["hidden_1", "hidden_2", "hidden_3"]  # the output's one unit is one random draw
    np.testing.assert_allclose(found.theory_preact_std.loc[hidden], found.preact_std.loc[hidden],
                               rtol=0.1, atol=0)
    chi = epoch0(r.layers, "theory_chi")
    assert ((chi.loc[["hidden_2", "hidden_3"]] > 0.3) & (chi.loc[["hidden_2", "hidden_3"]] < 1.2)
            ).all()
    sv = epoch0(r.layers, "jacobian_sv_mean")
    assert list(sv.index) == ["hidden_1", "hidden_2", "hidden_3"]
    assert (epoch0(r.layers, "jacobian_sv_max") >= sv).all()
    # only epoch 0 holds the extra rows
    assert set(r.layers.query("epoch > 0").metric) & {"preact_std", "theory_chi"} == set()
    summary = r.summary
    assert summary["vanishing_ratio_predicted"] > 0 and "theory_reason" not in summary
    assert 0 < summary["jacobian_end_to_end_min"] <= summary["jacobian_end_to_end_mean"] \
        <= summary["jacobian_end_to_end_max"]
    assert (tmp_path / "run" / "theory.png").is_file()
    assert (tmp_path / "run" / "jacobians.png").is_file()


def jacobian_rows(folder, epoch):
    """layer x (jacobian_sv_max, jacobian_sv_mean) of one epoch of a written layers.csv."""
    layers = pd.read_csv(folder / "layers.csv")
    rows = layers[(layers.epoch == epoch) & layers.metric.isin(JACOBIAN_STATS)]
    return rows.pivot(index="layer", columns="metric", values="value")


def test_layer_jacobians_are_taken_at_every_logged_epoch(tmp_path):
    s = setup(tiny(model={"activation": "tanh"}, log={"histograms": [2]}))  # logged: 0 and 2
    fit(s, tmp_path, verbose=0)
    layers = pd.read_csv(tmp_path / "layers.csv")
    taken = layers[layers.metric.isin(JACOBIAN_STATS)]
    assert sorted(set(taken.epoch)) == [0, 2]  # not epoch 1, which is not logged
    for epoch in (0, 2):
        rows = jacobian_rows(tmp_path, epoch)
        assert list(rows.index) == ["hidden_1", "hidden_2"]
        assert np.isfinite(rows.to_numpy()).all() and (rows.to_numpy() > 0).all()
        assert (rows.jacobian_sv_max >= rows.jacobian_sv_mean).all()
    # epoch 2's, taken inside the training graph, are NumPy's at the trained weights
    hidden = s.model.meter.layers[:-1]
    taps = s.model.forward(s.data.x_train[:propagation.PROBES]).taps
    expected = jacobian.spectra([np.asarray(layer.kernel) for layer in hidden], slopes.of_layers(
        ["tanh", "tanh"], [np.asarray(z) for z in taps.z[:2]])).layers.set_index("layer")
    np.testing.assert_allclose(rows.to_numpy(), expected[rows.columns].to_numpy(), rtol=1e-5,
                               atol=1e-6)


def test_a_linear_layers_jacobian_singular_values_are_its_kernels(tmp_path):
    """J = W^T at every example for f(z) = z: the singular values of W, at initialisation
    (harness.measure.propagation, NumPy) and at a later logged epoch (the meter, in the graph)."""
    cfg = tiny(model={"activation": "linear"})
    initial = [np.asarray(layer.kernel, float) for layer in setup(cfg).model.meter.layers[:-1]]
    s = setup(cfg)
    fit(s, tmp_path, verbose=0)
    trained = [np.asarray(layer.kernel, float) for layer in s.model.meter.layers[:-1]]
    for epoch, kernels in ((0, initial), (2, trained)):
        rows = jacobian_rows(tmp_path, epoch)
        sv = [np.linalg.svd(w, compute_uv=False) for w in kernels]
        # layers.csv keeps 6 significant digits
        np.testing.assert_allclose(rows.jacobian_sv_mean, [v.mean() for v in sv], rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(rows.jacobian_sv_max, [v.max() for v in sv], rtol=1e-5,
                                   atol=1e-6)
    assert not np.allclose(initial[1], trained[1])  # the kernels moved: epoch 2 is no repeat


def test_dead_units_at_epoch_0_are_counted_over_the_training_set(tmp_path):
    cfg = {**TINY, "model": {"depth": 3, "width": 16, "activation": "relu"}}
    r = run(cfg, out=tmp_path / "run", verbose=0, report=False)
    _, acts = numpy_forward(setup(cfg))
    dead = epoch0(r.layers, "dead_fraction")
    for i, a in enumerate(acts[:-1]):
        expected = float(np.mean(np.all(a == 0, axis=0)))
        assert dead.loc[f"hidden_{i + 1}"] == pytest.approx(expected, abs=1e-6)


def test_where_the_recursion_does_not_apply_the_report_says_why(tmp_path):
    cfg = {**TINY, "model": {**TINY["model"], "batch_norm": "before"}}
    r = run(cfg, out=tmp_path / "run", verbose=0)
    assert not set(r.layers.metric) & {"theory_preact_std", "theory_chi", "jacobian_sv_mean"}
    assert "preact_std" in set(r.layers.metric)
    assert "batch norm" in r.summary["theory_reason"]
    assert r.summary["vanishing_ratio_predicted"] is None
    page = (tmp_path / "run" / "report.html").read_text()
    assert "no mean-field prediction: batch norm" in page
    assert "no layer Jacobians: the recursion does not apply (batch norm" in page
    assert not (tmp_path / "run" / "theory.png").exists()
    assert not (tmp_path / "run" / "jacobians.png").exists()


def test_wide_layers_skip_the_jacobians_and_say_so(monkeypatch):
    monkeypatch.setattr(propagation, "JACOBIAN_MAX_UNITS", 8)
    s = setup(TINY)
    found = propagation.measure_initial(s.model, s.cfg, s.data)
    assert "16 units, more than 8" in found.summary["jacobian_reason"]
    assert "jacobian_sv_mean" not in set(found.rows.metric)
    assert "theory_chi" in set(found.rows.metric)


def test_run_with_preflight_writes_its_checks_and_trains_the_same_numbers(tmp_path):
    config = tmp_path / "tiny.yaml"
    config.write_text(json.dumps(TINY))  # JSON is YAML
    with_checks = harness("run", config, "--preflight", "--out", tmp_path / "a", "--verbose", "0")
    assert with_checks.returncode == 0, with_checks.stderr
    assert "preflight: 5 of 5 checks passed" in with_checks.stderr
    folder = tmp_path / "a"
    checks = json.loads((folder / "preflight.json").read_text())
    assert checks["passed"] and (folder / "lr_range.csv").is_file()
    assert (folder / "lr_range.png").is_file()
    assert json.loads((folder / "summary.json").read_text())["preflight_passed"] is True
    plain = run(TINY, out=tmp_path / "b", verbose=0, report=False)
    pd.testing.assert_frame_equal(pd.read_csv(folder / "layers.csv"),
                                  pd.read_csv(plain.dir / "layers.csv"))


@pytest.mark.parametrize("command", ["preflight", "theory"])
def test_preflight_and_theory_take_the_one_folder_rule(tmp_path, command):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    refused = harness(command, ROOT / "configs/base.yaml", "--out", out)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: --out") and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    if command == "theory":  # seconds; preflight's own files are checked above
        forced = harness(command, ROOT / "configs/base.yaml", "--out", out, "--force")
        assert forced.returncode == 0, forced.stderr
        assert (out / "theory.csv").is_file() and (out / "notes.txt").read_text() == "mine"
        again = harness(command, ROOT / "configs/base.yaml", "--out", out)  # ours now
        assert again.returncode == 0, again.stderr
