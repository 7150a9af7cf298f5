"""Conv models (issue 17): a real run on digits, every statistic per conv layer, gradients against
an independent tape, and the shapes a conv model cannot take as one error line."""

from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf
from commands import cli

from harness.base.frames import vanishing_ratio
from harness.config.file import load_config
from harness.measure.stats import STATS
from harness.models.compile import compile_model
from harness.models.conv import build_conv

ROOT = Path(__file__).resolve().parents[2]
CONV = {"name": "conv", "data": {"name": "digits", "n_samples": 200},
        "model": {"type": "conv", "depth": 3, "filters": 4, "activation": "sigmoid",
                  "head": "softmax", "pool": [2]},
        "train": {"epochs": 1, "batch_size": 32, "loss": "sparse_categorical_crossentropy"}}


def harness(*args, cwd):
    return cli(*args, cwd=cwd)  # in this process (tests/helpers/commands.py)


def test_conv_run_writes_every_statistic_per_conv_layer(tmp_path):
    config = tmp_path / "conv.yaml"
    config.write_text(str(CONV).replace("'", '"'))  # a flow mapping is YAML
    out = tmp_path / "run"
    result = harness("run", config, "--out", out, "--verbose", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    layers = pd.read_csv(out / "layers.csv")
    names = ["conv_1", "conv_2", "conv_3", "output"]
    assert sorted(layers["layer"].unique()) == names
    for epoch in (0, 1):
        rows = layers[layers["epoch"] == epoch]
        for name in names:
            metrics = set(rows.loc[rows["layer"] == name, "metric"])
            # epoch 0 also has preact_std over the whole training set (harness.measure.propagation);
            # no theory_* rows: the mean-field recursion is for Dense stacks
            expected = set(STATS) - {"update_ratio"} | {"preact_std"} if epoch == 0 else set(STATS)
            assert metrics == expected, name
    assert np.isfinite(layers["value"]).all()
    # Histograms (epoch 0 is one batch of 32): conv_1 and conv_2 see 8 x 8 maps, of which 32
    # positions are counted in every channel (SAMPLED_POSITIONS), conv_3's 4 x 4 all.
    hist = pd.read_csv(out / "histograms.csv")
    first = hist[(hist["epoch"] == 0) & (hist["quantity"] == "activation")]
    counts = first.groupby("layer")["count"].sum()
    assert counts.to_dict() == {"conv_1": 32 * 32 * 4, "conv_2": 32 * 32 * 4,
                                "conv_3": 32 * 16 * 4, "output": 32 * 10}
    shares = first.groupby("layer")["counted_fraction"].unique().map(list).to_dict()
    assert shares == {"conv_1": [0.5], "conv_2": [0.5], "conv_3": [1.0], "output": [1.0]}
    assert (out / "feature_maps.csv").is_file() and (out / "feature_maps.png").is_file()
    weights = pd.read_csv(out / "first_layer_weights.csv")
    assert weights["input"].max() == 8 and sorted(weights["epoch"].unique()) == [0, 1]  # 3 x 3
    ratio = vanishing_ratio(layers, 0)  # conv_1 / conv_3
    table = layers[(layers["epoch"] == 0) & (layers["metric"] == "grad_rms")].set_index("layer")
    assert np.isclose(ratio, table.at["conv_1", "value"] / table.at["conv_3", "value"],
                      rtol=1e-6, atol=0)


def small_conv(examples: int):
    """CONV's model, compiled, on 8 x 8 maps, and `examples` random images and labels."""
    cfg, _ = load_config(CONV)
    model = build_conv(cfg.model, (8, 8, 1), n_classes=10, seed=3)
    compile_model(model, cfg, "multiclass")
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(examples, 8, 8, 1)).astype("float32")
    return model, x, rng.integers(0, 10, size=(examples,))


def test_conv_statistics_equal_an_independent_gradient_tape():
    model, x, y = small_conv(16)
    stats = np.asarray(model.probe(x, y).stats)

    # Independent: tf.nn ops on the layers' variables, one tape, explicit pre-activations.
    with tf.GradientTape(persistent=True) as tape:
        a, zs, outs = tf.constant(x), [], []
        for i, conv in enumerate(model.convs):
            z = tf.nn.conv2d(a, conv.kernel, 1, "SAME") + conv.bias
            tape.watch(z)
            a = tf.sigmoid(z)
            zs.append(z)
            outs.append(a)
            if i == 1:  # pool: [2]
                a = tf.nn.max_pool2d(a, 2, 2, "VALID")
        logits = tf.reduce_mean(a, axis=[1, 2]) @ model.head.kernel + model.head.bias
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
            y, tf.nn.softmax(logits)))
    col = {name: i for i, name in enumerate(model.meter.columns)}
    for i, conv in enumerate(model.convs):
        dw, db = tape.gradient(loss, [conv.kernel, conv.bias])
        dz = np.asarray(tape.gradient(loss, zs[i]))
        a = np.asarray(outs[i])
        expected = {"grad_norm": np.linalg.norm(dw), "bias_grad_norm": np.linalg.norm(db),
                    "grad_rms": np.sqrt(np.mean(np.square(dw))),
                    "preact_grad_norm": np.linalg.norm(dz),
                    "preact_grad_rms": np.sqrt(np.mean(np.square(dz))),
                    "act_mean": a.mean(), "act_std": a.std(),
                    "act_deriv_mean": np.mean(a * (1 - a)),
                    "saturation": np.mean((a < 0.05) | (a > 0.95))}
        for name, value in expected.items():
            np.testing.assert_allclose(stats[i, col[name]], value, rtol=1e-4, atol=1e-9,
                                       err_msg=f"conv_{i + 1} {name}")


def test_conv_evaluation_in_passes_of_few_examples_equals_one_pass(monkeypatch):
    from harness.measure import meter
    from harness.training.train import evaluate

    model, x, y = small_conv(20)
    whole = evaluate(model, x, y)
    monkeypatch.setattr(meter, "MAP_VALUES", 7 * 8 * 8 * 4)  # conv_1's maps: 8 x 8 x 4 each
    assert model.meter.examples_per_pass(16384) == 7  # passes of 7, 7 and 6 examples
    parts = evaluate(model, x, y)
    assert parts.keys() == whole.keys()
    for k in whole:
        np.testing.assert_allclose(parts[k], whole[k], rtol=1e-6, atol=1e-7, err_msg=k)


def test_conv_shapes_it_cannot_take_are_one_error_line(tmp_path):
    config = tmp_path / "conv.yaml"
    config.write_text(str(CONV).replace("'", '"'))
    cases = [(["--set", "model.residual=2", "--set", "model.depth=4", "--set", "model.pool=[2]"],
              "model.pool", "halves the map in between"),
             (["--set", "data.name=circles"], "model.type", "conv layers read images")]
    for args, key, what in cases:
        out = tmp_path / "never"
        result = harness("run", config, *args, "--out", out, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert key in lines[0] and what in lines[0], lines[0]
        assert not out.exists()


def test_conv_remedies_run_and_are_measured(tmp_path):
    from harness.training.runner import run

    options = {"depth": 3, "filters": 4, "activation": "relu", "batch_norm": "before",
               "residual": 1, "dropout": 0.1, "l2": 1e-4, "initializer": "he_normal",
               "pool": [3]}
    result = run({**CONV, "model": {**CONV["model"], **options}}, out=tmp_path / "run",
                 verbose=0, report=False)
    assert result.status == "completed"
    layers = result.layers
    bn = layers[layers["metric"] == "bn_gamma_grad_norm"]
    assert set(bn["layer"]) == {"conv_1", "conv_2", "conv_3"}  # not the head
    assert (bn["value"] > 0).all()
    assert "penalty" in result.history.columns
