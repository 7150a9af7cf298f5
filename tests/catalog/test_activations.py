"""Activations, heads and losses against their formulas and the course's worked numbers."""

import numpy as np
import pytest

from harness.catalog import activations


def test_aliases_and_other_keras_names_resolve():
    assert activations.get("identity") is activations.get("linear")
    assert activations.get("silu") is activations.get("swish")
    value = np.asarray(activations.keras_function("relu6")(np.array([7.0])))
    assert value[0] == 6.0


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match="did you mean 'sigmoid'"):
        activations.get("sigmod")


def test_registering_a_name_twice_is_an_error():
    with pytest.raises(ValueError, match="registered twice"):
        activations.ACTIVATIONS.register("relu", activations.get("relu"))


def test_softmax_values_and_large_inputs():
    import keras

    out = np.asarray(keras.activations.softmax(np.array([[0.3, 2.9, 4.0]])))[0]
    np.testing.assert_allclose(out, [0.01821127, 0.24519181, 0.73659691], rtol=1e-6, atol=1e-7)
    big = np.asarray(keras.activations.softmax(np.array([[1010.0, 1000.0, 990.0]])))[0]
    assert np.all(np.isfinite(big)) and big.sum() == pytest.approx(1.0)


def test_categorical_crossentropy_course_values():
    from harness.catalog.losses import keras_loss

    cce = keras_loss("categorical_crossentropy")
    p = np.array([[0.5, 0.125, 0.125, 0.25]])
    assert float(np.mean(cce(p, np.array([[0.25] * 4])))) == pytest.approx(1.3863, abs=1e-4)
    skewed = np.array([[0.5, 0.25, 0.125, 0.125]])
    assert float(np.mean(cce(p, skewed))) == pytest.approx(1.2997, abs=1e-4)


def test_rmse_loss_is_over_the_batch():
    from harness.catalog.losses import keras_loss

    y, y_hat = np.array([[0.0], [0.0]]), np.array([[3.0], [4.0]])
    assert float(keras_loss("rmse")(y, y_hat)) == pytest.approx(np.sqrt(12.5))


def test_course_fixed_weight_network():
    from harness.models.dense import DenseModel

    model = DenseModel([3, 2, 2], ["sigmoid", "sigmoid", "linear"])
    model.build((None, 2))
    weights = [([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], [0.1, 0.2, 0.3]),
               ([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], [0.1, 0.2]),
               ([[0.1, 0.3], [0.2, 0.4]], [0.1, 0.2])]
    for dense, (kernel, bias) in zip(model.dense, weights):
        dense.set_weights([np.array(kernel), np.array(bias)])
    out = np.asarray(model(np.array([[1.0, 0.5]])))[0]
    np.testing.assert_allclose(out, [0.31682708, 0.69627909], rtol=1e-6, atol=1e-7)


def test_a_nan_from_the_users_activation_is_blamed_on_it_not_the_initializer(
        tmp_path, monkeypatch):
    import harness
    from harness.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "nanfix_acts.py").write_text(
        "import keras\nimport tensorflow as tf\n"
        "def log(z):\n    return tf.math.log(z)\n"  # NaN below 0: the student's mistake
        "def steep(z):\n    return keras.ops.exp(z * 100.0)\n"  # inf above 0.89
        "def wide(z):\n    return keras.ops.exp(keras.ops.maximum(z - 20.0, 0.0) * 100.0)\n")
    tiny = {"name": "nan", "data": {"n_samples": 64}, "model": {"depth": 1, "width": 4},
            "train": {"epochs": 1}}
    with pytest.raises(ConfigError) as info:
        harness.run(tiny, overrides={"model.activation": "nanfix_acts:log"}, out="a")
    # It said "model.initializer: ... use smaller initial weights, e.g. glorot_uniform", which
    # the config already used.
    assert str(info.value).startswith(
        "overrides model.activation: the loss is already nan at initialisation because "
        "activation 'nanfix_acts:log' gives nan for a finite input (z = -10); make it finite")
    assert not (tmp_path / "a").exists()  # nothing written

    steep = activations.non_finite_cause(["relu", "nanfix_acts:steep"], float("inf"))
    assert "'nanfix_acts:steep' gives inf for a finite input (z = 0.9)" in steep
    assert "exp and powers overflow" in steep
    # finite on the probe: still the first suspect, as the user's own code
    assert "your own activation 'nanfix_acts:wide'" in activations.non_finite_cause(
        "nanfix_acts:wide", float("nan"))
    assert activations.non_finite_cause(["relu", "sigmoid"], float("nan")) is None  # weights

    with pytest.raises(ConfigError, match="model.initializer: the loss is already nan at "
                                          "initialisation, before any training step, so the "
                                          "initial weights are the cause"):
        harness.run(tiny, overrides={"model.initializer": {"name": "random_normal",
                                                           "stddev": 1e30}}, out="b")
