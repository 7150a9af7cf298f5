"""An activation's slope (harness.catalog.slopes): the formulas, autodiff, the elementwise check,
the per-layer NumPy slopes and the in-graph slope, against each other and central differences."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from harness.catalog import activations, slopes

ROOT = Path(__file__).resolve().parents[2]
Z = np.array([-5.0, -1.0, -0.3, 0.0, 0.4, 1.0, 5.0])
POINTS = (-5.0, -1.0, 0.0, 1.0, 5.0)  # the explorer's table
# Off every kink (they sit on multiples of 1/4: relu, hard_sigmoid, hard_shrink, relu6 ...),
# where autodiff and central differences legitimately differ.
SMOOTH = np.linspace(-5.0, 5.0, 41) + 0.0123
H = 1e-5  # central-difference step in float64
WITH_FORMULA = [name for name, entry in activations.ACTIVATIONS.items() if entry.der is not None]
ELEMENTWISE = [name for name in activations.ACTIVATIONS if name not in ("softmax", "glu")]


def central(f, z):
    return (f(z + H) - f(z - H)) / (2 * H)


@pytest.mark.parametrize("name", WITH_FORMULA)
def test_the_formula_matches_autodiff_of_the_keras_function(name):
    entry = activations.get(name)
    for z, rtol, atol in ((Z, 1e-4, 1e-6), (np.array(POINTS), 1e-6, 1e-9)):
        value, grad = slopes.derivative(name, z)
        np.testing.assert_allclose(value, entry.fn(z), rtol=min(rtol, 1e-5), atol=atol)
        np.testing.assert_allclose(grad, slopes.formula(name)(z), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", WITH_FORMULA)
def test_the_formula_is_the_slope_of_the_numpy_function(name):
    """Central differences of the table's own f, no TensorFlow: a wrong formula fails here even
    where Keras would agree with it."""
    np.testing.assert_allclose(slopes.formula(name)(SMOOTH),
                               central(activations.get(name).fn, SMOOTH), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_autodiff_is_the_slope_of_the_keras_function(name):
    _, grad = slopes.derivative(name, SMOOTH)
    numeric = central(lambda z: slopes.derivative(name, z)[0], SMOOTH)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_kinks_follow_keras_conventions():
    at_zero = {name: slopes.derivative(name, np.array([0.0]))[1][0]
               for name in ("relu", "leaky_relu", "elu", "step")}
    assert at_zero == pytest.approx({"relu": 0.0, "leaky_relu": 0.01, "elu": 1.0, "step": 0.0})


def test_course_derivatives():
    assert slopes.formula("sigmoid")(np.array(0.0)) == pytest.approx(0.25)
    assert slopes.formula("tanh")(np.array(0.0)) == pytest.approx(1.0)
    assert list(slopes.formula("relu")(np.array([-2.0, 3.0]))) == [0.0, 1.0]
    value, grad = slopes.derivative("leaky_relu", np.array([-2.0, 3.0]))
    np.testing.assert_allclose(value, [-0.02, 3.0], atol=1e-7)
    np.testing.assert_allclose(grad, [0.01, 1.0], atol=1e-7)


def test_step_has_zero_gradient_not_none():
    value, grad = slopes.derivative("step", np.array([-1.0, 0.5, 2.0]))
    assert list(value) == [0.0, 1.0, 1.0] and list(grad) == [0.0, 0.0, 0.0]


def test_formula_follows_aliases_and_is_none_without_one():
    assert slopes.formula("identity") is slopes.formula("linear")
    assert slopes.formula("relu6") is None and slopes.formula("softmax") is None
    assert slopes.formula("wrong_grad_acts:good_tanh") is None  # not imported for this


@pytest.mark.parametrize("name", ["tanh", "relu", "gelu", "relu6", "wrong_grad_acts:good_tanh"])
def test_elementwise_is_the_formula_where_there_is_one_else_autodiff(name):
    value, grad = slopes.elementwise(name)(Z)
    auto_value, auto_grad = slopes.derivative(name, Z)
    if slopes.formula(name) is not None:  # NumPy's numbers exactly
        np.testing.assert_array_equal(grad, slopes.formula(name)(Z))
        np.testing.assert_array_equal(value, activations.get(name).fn(Z))
    else:
        np.testing.assert_array_equal(grad, auto_grad)
    np.testing.assert_allclose(value, auto_value, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad, auto_grad, rtol=1e-6, atol=1e-9)
    assert slopes.is_elementwise(name)


@pytest.mark.parametrize("name", ["softmax", "glu"])
def test_functions_of_the_whole_layer_are_not_elementwise(name):
    assert not slopes.is_elementwise(name)
    with pytest.raises(slopes.NotElementwise, match=f"{name!r} is not elementwise"):
        slopes.elementwise(name)
    with pytest.raises(slopes.NotElementwise):
        slopes.of_layers(["tanh", name], [Z, Z])


def test_a_function_that_cannot_run_in_float64_is_taken_in_float32(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "slopes_f32.py").write_text(
        "import tensorflow as tf\n\n\ndef double(z):\n    return z * tf.constant(2.0)\n")
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever TensorFlow raises for the dtype
        slopes.derivative("slopes_f32:double", Z)
    value, grad = slopes.elementwise("slopes_f32:double")(Z)
    np.testing.assert_allclose(value, 2 * Z, rtol=1e-6)
    np.testing.assert_array_equal(grad, np.full(Z.shape, 2.0))


def test_of_layers_takes_each_layers_own_activation():
    rng = np.random.default_rng(0)
    zs = [rng.standard_normal((3, 4)), rng.standard_normal((3, 2)), rng.standard_normal((3, 4))]
    got = slopes.of_layers(["tanh", "relu", "tanh"], zs)
    assert [g.shape for g in got] == [(3, 4), (3, 2), (3, 4)]
    for name, z, g in zip(["tanh", "relu", "tanh"], zs, got):
        np.testing.assert_array_equal(g, slopes.elementwise(name)(z)[1])


def tensors(*shapes):
    import tensorflow as tf

    rng = np.random.default_rng(1)
    return [tf.constant(3 * rng.standard_normal(shape)) for shape in shapes]


@pytest.mark.parametrize("compiled", [False, True])
def test_in_graph_is_autodiff_for_each_layer_side_by_side(compiled):
    import tensorflow as tf

    us = tensors((5, 3), (5, 4))

    def take(*inputs):
        return slopes.in_graph("tanh", activations.keras_function("tanh"), list(inputs))

    got = (tf.function(take) if compiled else take)(*us)
    assert [tuple(d.shape) for d in got] == [(5, 3), (5, 4)]
    for u, d in zip(us, got):
        np.testing.assert_allclose(d.numpy(), slopes.derivative("tanh", u.numpy())[1],
                                   rtol=1e-12)
        np.testing.assert_allclose(d.numpy(), central(np.tanh, u.numpy()), rtol=1e-6,
                                   atol=1e-10)


def test_in_graph_takes_the_gradient_the_model_trains_with():
    """A `tf.custom_gradient` is the slope (even a wrong one: the check's business), and a
    function that ignores its input has slope 0, as `derivative` says."""
    import tensorflow as tf

    (u,) = tensors((4, 3))
    name = "wrong_grad_acts:bad_tanh"
    (d,) = slopes.in_graph(name, activations.keras_function(name), [u])
    np.testing.assert_allclose(d.numpy(), 1.0 - np.tanh(u.numpy()), rtol=1e-12)
    np.testing.assert_allclose(d.numpy(), slopes.derivative(name, u.numpy())[1], rtol=1e-12)
    (flat,) = slopes.in_graph("linear", tf.zeros_like, [u])
    assert flat.numpy().tolist() == np.zeros((4, 3)).tolist()


def test_in_graph_softmax_is_its_jacobians_diagonal():
    import tensorflow as tf

    (u,) = tensors((4, 5))
    softmax = activations.keras_function("softmax")
    (d,) = slopes.in_graph("softmax", softmax, [u])
    with tf.GradientTape() as tape:
        tape.watch(u)
        s = softmax(u)
    diagonal = tf.linalg.diag_part(tape.batch_jacobian(s, u))  # (4, 5): ds_i / du_i
    np.testing.assert_allclose(d.numpy(), diagonal.numpy(), rtol=1e-12, atol=1e-15)


def test_formulas_and_the_elementwise_check_load_no_tensorflow():
    """The config imports the catalog, and the theory takes the table's slopes without Keras."""
    code = ("import sys, numpy as np; from harness.catalog import slopes\n"
            "slopes.of_layers(['tanh', 'relu'], [np.zeros(3), np.ones(3)])\n"
            "assert slopes.is_elementwise('gelu') and not slopes.is_elementwise('softmax')\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
