"""The in-graph driver trains the same model as Keras' `model.fit` (`keras_fit.py`), batch for
batch."""

import numpy as np
import pytest
from keras_fit import fit_with_keras  # tests/ is on sys.path

from harness.training.orders import epoch_orders
from harness.training.setup import setup
from harness.training.train import fit


def train(tmp_path, in_graph, config):
    if in_graph:
        recorder, where = fit(setup(config), tmp_path, verbose=0)
    else:
        recorder, where = fit_with_keras(setup(config), tmp_path)
    return (recorder.history_frame(), recorder.layers_frame(), where,
            recorder.histograms_frame(), recorder.snapshots)


@pytest.mark.slow
@pytest.mark.parametrize("config", [
    {"data": {"n_samples": 300}, "model": {"depth": 3, "width": 8, "activation": "tanh"},
     "train": {"epochs": 4, "batch_size": 32}, "log": {"histograms": [2, 4]}},
    {"data": {"name": "blobs", "n_samples": 300}, "model": {"depth": 2, "width": 8,
     "head": "softmax"}, "train": {"epochs": 3, "batch_size": 50,
                                   "loss": "categorical_crossentropy", "optimizer": "momentum"}},
    # every remedy at once, both batch-norm placements (dropout masks, moving averages, penalty,
    # clipping and the schedule must advance identically in both drivers)
    {"data": {"n_samples": 300}, "model": {"depth": 4, "width": 8, "activation": "sigmoid",
     "batch_norm": "before", "residual": 1, "dropout": 0.3, "l2": 0.01},
     "train": {"epochs": 3, "batch_size": 32, "clipnorm": 0.5,
               "schedule": {"name": "warmup_cosine", "warmup": 1}}},
    {"data": {"n_samples": 300}, "model": {"depth": 5, "width": [8, 4, 8, 3, 8], "batch_norm":
     "after", "residual": 2, "dropout": [0.1, 0.0, 0.2, 0.0, 0.5], "l1": 0.001},
     "train": {"epochs": 3, "batch_size": 40, "optimizer": "sgd", "clipnorm": 2.0,
               "schedule": {"name": "step", "every": 1, "factor": 0.5}}},
    # images: the first layer's weights are the snapshots
    {"data": {"name": "digits", "n_samples": 300}, "model": {"depth": 2, "width": 8,
     "head": "softmax"}, "train": {"epochs": 3, "batch_size": 50,
                                   "loss": "categorical_crossentropy"}},
])
def test_in_graph_and_keras_fit_give_the_same_curves(tmp_path, config):
    (tmp_path / "g").mkdir(), (tmp_path / "k").mkdir()
    h_graph, l_graph, _, hist_graph, snap_graph = train(tmp_path / "g", True, config)
    h_keras, l_keras, _, hist_keras, snap_keras = train(tmp_path / "k", False, config)
    assert list(h_graph.columns) == list(h_keras.columns)
    np.testing.assert_allclose(h_graph.values, h_keras.values, rtol=1e-5, atol=1e-7)
    keys = ["epoch", "layer", "metric"]
    assert (l_graph[keys] == l_keras[keys]).all().all()
    assert {"grad_rms", "act_deriv_mean", "update_ratio", "distance_from_init",
            "dead_fraction_batch"} <= set(l_graph.metric)
    np.testing.assert_allclose(l_graph.value, l_keras.value, rtol=1e-5, atol=1e-7)
    # Histograms: only the scheduled epochs (and initialisation), the same counts on both paths.
    logged = {0, 2, 4} if "log" in config else {0, 1, 2, 3}
    assert set(hist_graph.epoch) == logged
    keys = ["epoch", "layer", "quantity", "bin_left"]
    assert (hist_graph[keys] == hist_keras[keys]).all().all()
    counts = np.abs(hist_graph["count"].to_numpy() - hist_keras["count"].to_numpy())
    assert counts.sum() <= 1e-4 * hist_graph["count"].sum()  # a value on a bin edge may move
    # Snapshots (taken inside the compiled call on one path, eagerly on the other): the same
    # epochs and values.
    graph, keras_ = (s.surfaces or s.weights for s in (snap_graph, snap_keras))
    assert sorted(graph) == sorted(keras_) == sorted(logged)
    for epoch, frame in graph.items():
        assert list(frame.columns) == list(keras_[epoch].columns)
        np.testing.assert_allclose(frame.values, keras_[epoch].values, rtol=1e-4, atol=1e-6)


def test_both_paths_stop_at_the_same_non_finite_step(tmp_path):
    config = {"data": {"name": "sine", "n_samples": 200}, "model": {"head": "identity"},
              "train": {"loss": "mse", "optimizer": "sgd", "learning_rate": 1e5, "epochs": 3}}
    (tmp_path / "g").mkdir(), (tmp_path / "k").mkdir()
    _, _, where_graph, _, _ = train(tmp_path / "g", True, config)
    _, _, where_keras, _, _ = train(tmp_path / "k", False, config)
    assert where_graph is not None and where_graph == where_keras


def test_epoch_orders_are_seeded_permutations():
    a, b = epoch_orders(50, 3, seed=1), epoch_orders(50, 3, seed=1)
    assert (a == b).all() and (np.sort(a, axis=1) == np.arange(50)).all()
    assert not (a[0] == a[1]).all() and not (a == epoch_orders(50, 3, seed=2)).all()


@pytest.mark.slow
def test_seeds_of_one_cell_reuse_the_trace_with_byte_identical_files(tmp_path):
    """In one process, a run whose config differs from the last one's only by the seed trains on
    the last run's compiled loop; its files equal those of a fresh process, byte for byte."""
    import subprocess
    import sys
    from pathlib import Path

    import harness
    from harness.training import loop

    root = Path(__file__).resolve().parents[2]
    sets = ["model.activation=sigmoid", "model.depth=3", "model.width=6", "data.n_samples=200",
            "train.epochs=3"]
    harness.run(root / "configs/base.yaml", sets + ["seed=0"], out=tmp_path / "s0", verbose=0,
                report=False)
    compiled = loop._last["loop"]
    traces = compiled._run.experimental_get_tracing_count()
    harness.run(root / "configs/base.yaml", sets + ["seed=1"], out=tmp_path / "s1", verbose=0,
                report=False)
    assert loop._last["loop"] is compiled  # reused ...
    assert compiled._run.experimental_get_tracing_count() == traces  # ... and not traced again
    fresh = subprocess.run([sys.executable, "-m", "harness", "run", "configs/base.yaml",
                            *(a for s in sets + ["seed=1"] for a in ("--set", s)),
                            "--out", str(tmp_path / "fresh"), "--verbose", "0"], cwd=root,
                           capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    for name in ("history.csv", "layers.csv", "histograms.csv", "surface.csv", "neurons.csv"):
        assert (tmp_path / "s1" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()
    assert (tmp_path / "s1/history.csv").read_bytes() != (tmp_path / "s0/history.csv").read_bytes()
    tests = [harness.load_run(tmp_path / d).summary["test_loss"] for d in ("s1", "fresh")]
    assert tests[0] == tests[1]

    harness.run(root / "configs/base.yaml", sets + ["seed=1", "model.depth=2"],
                out=tmp_path / "d2", verbose=0, report=False)
    assert loop._last["loop"] is not compiled  # another architecture: a loop of its own
