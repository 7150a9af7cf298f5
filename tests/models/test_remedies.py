"""The remedies: batch norm, skip connections, dropout, kernel penalties, clipping, schedules."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from commands import cli
from config_messages import check  # tests/ is on sys.path
from tiny import BASE, tiny

import harness
from harness.config.file import load_config
from harness.errors import ConfigError
from harness.models.compile import compile_model
from harness.models.dense import build_dense

# Depth 3: three layers to norm, drop out or skip over; one epoch of batches of 32.
REMEDY = {"depth": 3, "width": 6}, {"epochs": 1, "batch_size": 32}


def tiny_remedy(model=None, train=None) -> dict:
    """`tiny.TINY` at depth 3, width 6 for one epoch, with `model` and `train` keys changed."""
    return tiny(model={**REMEDY[0], **(model or {})}, train={**REMEDY[1], **(train or {})})


def compiled(model=None, train=None, steps_per_epoch=1):
    cfg, _ = load_config(tiny_remedy(model, train))
    m = build_dense(cfg.model, 2, n_classes=2, seed=0, clipnorm=cfg.train.clipnorm)
    compile_model(m, cfg, "binary", steps_per_epoch)
    return m, cfg


def batch(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, 2)).astype("float32"),
            rng.integers(0, 2, size=(n, 1)).astype("float32"))


def layers_of(model, kind):
    return [layer for layer in model._flatten_layers(include_self=False)
            if isinstance(layer, kind)]


@pytest.mark.slow
@pytest.mark.parametrize("options, kind, count", [
    ({"batch_norm": "before"}, keras.layers.BatchNormalization, 3),
    ({"batch_norm": "after"}, keras.layers.BatchNormalization, 3),
    ({"dropout": [0.2, 0.0, 0.5]}, keras.layers.Dropout, 3),
])
def test_each_option_builds_its_keras_layers_and_trains(tmp_path, options, kind, count):
    model, _ = compiled(options)
    assert len(layers_of(model, kind)) == count
    run = harness.run(tiny_remedy(options), out=tmp_path, verbose=0, report=False)
    assert run.status == "completed" and len(run.history) == 1
    metrics = set(run.layers.metric)
    if "batch_norm" in options:
        bn = run.layers[run.layers.metric == "bn_gamma_grad_norm"]
        assert set(bn.layer) == {"hidden_1", "hidden_2", "hidden_3"} and (bn.value > 0).all()
        assert "bn_beta_grad_norm" in metrics
    else:
        assert not metrics & {"bn_gamma_grad_norm", "bn_beta_grad_norm"}


def test_kernel_penalties_are_keras_regularizers():
    model, _ = compiled({"l1": 0.001, "l2": 0.01})
    for dense in model.dense:
        reg = dense.kernel_regularizer
        assert isinstance(reg, keras.regularizers.L1L2)
        assert np.isclose(reg.l1, 0.001) and np.isclose(reg.l2, 0.01)
    assert compiled()[0].dense[0].kernel_regularizer is None


def test_batch_norm_order_and_inference_on_moving_statistics():
    model, _ = compiled({"batch_norm": "before", "activation": "tanh"})
    x, _ = batch()
    bn, dense = model.norms[0], model.dense[0]
    bn.moving_mean.assign(np.full(6, 0.3, "float32"))
    bn.moving_variance.assign(np.full(6, 4.0, "float32"))
    f = model.forward(x, training=False)
    z = x @ np.asarray(dense.kernel) + np.asarray(dense.bias)
    np.testing.assert_allclose(f.taps.z[0], z, rtol=1e-5, atol=1e-6)  # z near 0: float32's grain
    moving = (z - 0.3) / np.sqrt(4.0 + bn.epsilon)  # gamma 1, beta 0
    np.testing.assert_allclose(f.taps.u[0], moving, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(f.outs[0], np.tanh(moving), rtol=1e-4, atol=1e-6)
    train_u = model.forward(x, training=True).taps.u  # on the batch's own statistics
    batchwise = (z - z.mean(0)) / np.sqrt(z.var(0) + bn.epsilon)
    np.testing.assert_allclose(train_u[0], batchwise, rtol=1e-3, atol=1e-4)

    after, _ = compiled({"batch_norm": "after", "activation": "tanh"})
    f = after.forward(x, training=False)
    np.testing.assert_allclose(f.taps.u[0], f.taps.z[0], atol=1e-7)  # BN comes after the activation
    np.testing.assert_allclose(f.outs[0],
                               np.tanh(f.taps.z[0]) / np.sqrt(1 + after.norms[0].epsilon),
                               rtol=1e-5, atol=1e-6)


def test_epoch_zero_measures_the_first_training_step_and_changes_nothing():
    model, _ = compiled({"batch_norm": "before", "dropout": 0.5})
    x, y = batch()
    before = [np.asarray(v) for v in model.non_trainable_variables]
    first = model.probe(x, y).stats
    assert all((np.asarray(v) == b).all() for v, b in zip(model.non_trainable_variables, before))
    again = model.meter.initial(model.measure(x, y, training=True).step)
    assert "bn_gamma_grad_norm" in model.meter.columns
    np.testing.assert_allclose(first, again.stats, atol=1e-7)


def test_batch_norm_rescues_deep_sigmoid_at_initialisation(tmp_path):
    deep = {"depth": 10, "width": 32, "activation": "sigmoid"}
    ratios = {bn: harness.run(tiny_remedy({**deep, "batch_norm": bn}, {"epochs": 0}),
                              out=tmp_path / bn, verbose=0, report=False
                              ).summary["vanishing_ratio_init"] for bn in ("none", "before")}
    assert ratios["none"] < 1e-4 and ratios["before"] > 0.1, ratios


@pytest.mark.parametrize("residual, added", [(1, {1: 0, 2: 1, 3: 2}), (2, {2: 0})])
def test_skip_connections_add_the_earlier_output(residual, added):
    model, _ = compiled({"depth": 4, "residual": residual, "activation": "tanh"})
    f = model.forward(batch()[0])
    for k in range(4):
        expected = np.tanh(f.taps.z[k]) + (np.asarray(f.outs[added[k]]) if k in added else 0)
        np.testing.assert_allclose(f.outs[k], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model, skips", [
    ({"depth": 1, "residual": 1}, False), ({"depth": 2, "residual": 2}, False),
    ({"depth": 2, "residual": 1}, True), ({"depth": 3, "residual": 2}, True)])
def test_residual_too_shallow_for_a_skip_is_warned_about(model, skips):
    cfg, _ = load_config(tiny_remedy(model))
    assert bool(cfg.model.skips()) == skips
    warned = [w for w in cfg.warnings() if w.startswith("model.residual")]
    assert bool(warned) != skips
    if warned:  # the first hidden layer projects the input, so a skip needs more layers
        assert f"depth {model['depth']}" in warned[0] and "no skip" in warned[0]


@pytest.mark.parametrize("model, key, words", [
    ({"depth": 3, "width": [8, 8, 4], "residual": 1}, "model.width", "hidden_2's output (8 units)"),
    ({"depth": 4, "width": [8, 2, 4, 8], "residual": 2}, "model.width", "hidden_1's output"),
    ({"batch_norm": "middle"}, "model.batch_norm", "none, before, after"),
    ({"residual": 3}, "model.residual", "less than or equal to 2"),
    ({"dropout": 1.0}, "model.dropout", "from 0 up to"),
    ({"dropout": [0.1, 0.2]}, "model.dropout", "2 values for depth 3"),
    ({"l2": -0.1}, "model.l2", "greater than or equal to 0"),
])
def test_bad_model_options_are_one_line_errors(model, key, words):
    with pytest.raises(ConfigError) as e:
        load_config(tiny_remedy(model))
    check(str(e.value), "<mapping>: ", key)
    assert words in str(e.value)


@pytest.mark.parametrize("train, words", [
    ({"clipnorm": 0}, "greater than 0"),
    ({"schedule": "cosin"}, "did you mean 'cosine'"),
    ({"schedule": {"name": "step", "evry": 2}}, "did you mean 'every'"),
    ({"schedule": {"name": "step", "every": 0.5}}, "whole number of epochs"),
    ({"schedule": {"name": "step", "factor": 0}}, "(not 0)"),
    ({"schedule": {"name": "warmup_cosine", "warmup": 5}, "epochs": 5}, "warmup below"),
])
def test_bad_train_options_are_one_line_errors(train, words):
    with pytest.raises(ConfigError) as e:
        load_config(tiny_remedy(train=train))
    check(str(e.value), "<mapping>: ", "train.")
    assert words in str(e.value)


def test_l2_adds_exactly_the_penalty_keras_computes(tmp_path):
    model, _ = compiled({"l2": 0.01, "activation": "tanh"})
    x, y = batch()
    loss, y_pred = model.measure(x, y, training=True)[:2]  # as the training step does
    data = keras.losses.BinaryCrossentropy()(y, y_pred)
    penalty = sum(keras.regularizers.L2(0.01)(d.kernel) for d in model.dense)
    np.testing.assert_allclose(float(loss), float(data + penalty), rtol=1e-6, atol=1e-7)
    assert float(penalty) > 1e-3 * float(data)  # large enough to be seen in the sum
    # Validation and test losses are the data loss alone, as the Playground shows them: runs
    # with and without a penalty compare on what they predict.
    from harness.training.train import evaluate

    held_out = keras.losses.BinaryCrossentropy()(y, model(x, training=False))
    np.testing.assert_allclose(evaluate(model, x, y)["loss"], float(held_out), rtol=1e-6,
                               atol=1e-7)

    run = harness.run(tiny_remedy({"l2": 0.01}), out=tmp_path, verbose=0, report=False)
    assert list(run.history.columns)[-1] == "penalty" and (run.history.penalty > 0).all()
    assert "val_penalty" not in run.history and "test_penalty" not in run.summary
    last = run.history.iloc[-1]
    assert last.loss > last.penalty  # the training loss holds the penalty; val_loss does not


def test_clipping_never_lets_the_global_norm_exceed_clipnorm():
    model, _ = compiled(train={"optimizer": "sgd", "learning_rate": 1.0, "clipnorm": 0.05})
    x, y = batch()
    grads = model.measure(x, y, training=True).grads
    assert tf.linalg.global_norm(grads) > 0.05  # the test would pass without clipping otherwise
    old = [np.asarray(v) for v in model.trainable_variables]
    model.train_step((x, y))
    step = [np.asarray(v) - o for v, o in zip(model.trainable_variables, old)]  # lr 1: -grad
    assert np.sqrt(sum((s ** 2).sum() for s in step)) <= 0.05 * (1 + 1e-5)
    assert float(model.clipped.result()) == 1.0

    loose, _ = compiled(train={"optimizer": "sgd", "clipnorm": 1e6})
    loose.train_step((x, y))
    assert float(loose.clipped.result()) == 0.0


@pytest.mark.parametrize("schedule, keras_schedule", [
    ("constant", lambda: lambda step: 0.01),
    ({"name": "step", "every": 2, "factor": 0.5}, lambda: keras.optimizers.schedules.
     ExponentialDecay(0.01, decay_steps=20, decay_rate=0.5, staircase=True)),
    ({"name": "cosine", "alpha": 0.1}, lambda: keras.optimizers.schedules.CosineDecay(
        0.01, decay_steps=60, alpha=0.1)),
    ({"name": "warmup_cosine", "warmup": 1}, lambda: keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=50, warmup_target=0.01, warmup_steps=10)),
])
def test_schedule_values_equal_keras_schedules(schedule, keras_schedule):
    model, _ = compiled(train={"schedule": schedule, "epochs": 6}, steps_per_epoch=10)
    expected = keras_schedule()
    for step in (0, 5, 10, 19, 20, 45, 60):
        model.optimizer.iterations.assign(step)
        np.testing.assert_allclose(float(model.optimizer.learning_rate),
                                   float(expected(step)), rtol=1e-6, atol=1e-9)
    if isinstance(schedule, dict) and schedule["name"] == "step":
        model.optimizer.iterations.assign(20)  # two epochs of ten steps: halved once
        assert np.isclose(float(model.optimizer.learning_rate), 0.005)


@pytest.mark.slow
def test_dropout_runs_are_seeded(tmp_path):
    config = tiny_remedy({"dropout": 0.3}, {"epochs": 2})
    runs = [harness.run(config, overrides=[f"seed={s}"], out=tmp_path / f"r{i}", verbose=0,
                        report=False) for i, s in enumerate([3, 3, 4])]
    files = [(r.dir / "history.csv").read_bytes() + (r.dir / "layers.csv").read_bytes()
             for r in runs]
    assert files[0] == files[1] and files[0] != files[2]
    plain = harness.run(tiny_remedy(train={"epochs": 2}), overrides=["seed=3"], out=tmp_path / "p",
                        verbose=0, report=False)
    assert (plain.dir / "history.csv").read_bytes() != (runs[0].dir / "history.csv").read_bytes()
    assert runs[0].config["model"]["dropout"] == 0.3  # config.yaml says dropout was on


def test_the_cli_names_the_layers_a_skip_cannot_add(tmp_path):
    result = cli("run", BASE, "--set", "model.residual=1", "--set", "model.width=[16,8,16]",
                 "--out", tmp_path / "run")
    assert result.returncode == 2 and not (tmp_path / "run").exists()
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "hidden_1's output (16 units) to hidden_2's (8 units)" in lines[0]
