"""An activation's slope f'(z): the one home of how harness takes it.

The slope a model trains with is the one autodiff gives (including a user's
`tf.custom_gradient`). Each question about it has one function here:

- `formula(name)`: the table's NumPy f' (`Activation.der`), where there is one;
- `derivative(name, z)`: (f(z), f'(z)) by autodiff of the Keras function, on NumPy points (the
  gradient check, the explorer);
- `is_elementwise(name)` and `elementwise(name)`: whether f acts on each number alone, and
  z -> (f(z), f'(z)) for one that does, from the formula or else by autodiff (the theory);
- `of_layers(names, zs)`: f' of each layer at its pre-activations, NumPy (the Jacobians at
  initialisation);
- `in_graph(name, fn, inputs)`: f' as TensorFlow ops inside the compiled training step (the
  meter's statistics and its Jacobians at the logged epochs).

Importing this module loads no TensorFlow (the config imports the catalog); the functions that
need it import it when called.
"""

from collections.abc import Callable

import numpy as np

from harness.catalog import activations

_ready = False
# Where `is_elementwise` tries a function without a formula: each half alone must give the
# same values as within the whole.
_PROBE = np.linspace(-3.0, 3.0, 8)


class NotElementwise(ValueError):
    """The activation's outputs depend on each other (softmax, glu): it has no slope per unit."""


def formula(name: str) -> Callable[[np.ndarray], np.ndarray] | None:
    """The table's NumPy formula for f', or None for an activation without one.

    The formula needs no TensorFlow; where it exists the tests hold it to `derivative`.

    Args:
        name: an activation name, alias or `package.module:function`.

    Returns:
        `z -> f'(z)`, elementwise, or None (Keras' other activations, a user's function,
        softmax).

    Example:
        >>> formula("tanh")(np.array([0.0]))
        array([1.])
    """
    return activations.get(name).der


def derivative(name: str, z: np.ndarray, dtype: str = "float64") -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) for the Keras function of `name`, the derivative by autodiff.

    Args:
        name: an activation name, alias or `package.module:function`.
        z: the points, any shape.
        dtype: the precision to compute in (float64, or float32 for a function that cannot).

    Returns:
        Two float64 arrays shaped as `z`; f'(z) is 0 where f does not depend on z at all.

    Example:
        >>> derivative("sigmoid", np.array([0.0]))
        (array([0.5]), array([0.25]))
    """
    global _ready
    if not _ready:  # TensorFlow with the harness' settings, once
        from harness.base import backend

        backend.init(0)
        _ready = True
    import tensorflow as tf

    fn = activations.keras_function(name)
    z = tf.constant(np.asarray(z, dtype=dtype))
    with tf.GradientTape() as tape:
        tape.watch(z)
        value = fn(z)
    grad = tape.gradient(value, z)
    grad = np.zeros(z.shape) if grad is None else np.asarray(grad, dtype=float)  # no path: 0
    return np.asarray(value, dtype=float), grad


def is_elementwise(name: str) -> bool:
    """Whether f acts on each number alone, so that f'(z) is one slope per unit.

    Softmax is not (each output depends on the whole layer); an activation with a formula is;
    any other (glu, a user's function) is tried on `_PROBE`: one that fails there, changes the
    shape, or gives other values for half of the points alone is not.

    Args:
        name: an activation name, alias or `package.module:function`.

    Returns:
        True or False (runs the function through TensorFlow when it has no formula).
    """
    entry = activations.get(name)
    if _is_softmax(entry):
        return False
    if entry.fn is not None and entry.der is not None:
        return True
    try:
        whole, half = _autodiff(name, _PROBE)[0], _autodiff(name, _PROBE[:4])[0]
    except Exception:  # noqa: BLE001 - e.g. glu, which halves its input
        return False
    return whole.shape == _PROBE.shape and np.allclose(half, whole[:4], rtol=1e-5, atol=1e-9,
                                                       equal_nan=True)  # NaN: not a coupling


def elementwise(name: str) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """`z -> (f(z), f'(z))` for an elementwise activation, in NumPy.

    From the table's formulas where they exist (no TensorFlow), else by autodiff of the Keras
    function (`derivative`; in float32 for a function that cannot run in float64).

    Args:
        name: an activation name, alias or `package.module:function`.

    Returns:
        The function, for any shape of z.

    Raises:
        NotElementwise: the activation is not elementwise (`is_elementwise`).

    Example:
        >>> elementwise("relu")(np.array([-1.0, 2.0]))
        (array([0., 2.]), array([0., 1.]))
    """
    if not is_elementwise(name):
        raise NotElementwise(f"activation {name!r} is not elementwise (each output depends on "
                             "the other units)")
    entry = activations.get(name)
    if entry.fn is not None and entry.der is not None:
        return lambda z: (entry.fn(z), entry.der(z))
    return lambda z: _autodiff(name, z)


def of_layers(names, zs) -> list[np.ndarray]:
    """f'(z) of each layer's activation at its pre-activations, in NumPy (`elementwise`).

    Args:
        names: one activation name per layer.
        zs: one (probes, units) array per layer: the activation's inputs.

    Returns:
        One float64 array per layer, shaped as its `zs` entry.

    Raises:
        NotElementwise: a layer's activation is not elementwise.
    """
    fns = {name: elementwise(name) for name in dict.fromkeys(names)}
    return [fns[name](np.asarray(z, dtype=float))[1] for name, z in zip(names, zs)]


def in_graph(name: str, fn: Callable, inputs: list) -> list:
    """f'(u) at each of `inputs`, as TensorFlow ops in the caller's graph.

    For an elementwise f, the gradient of sum(f(u)) with respect to u is f'(u) elementwise: one
    small backward pass through the activation alone, which works for any Keras or user function
    (a `tf.custom_gradient` is the slope the model trains with). Softmax is not elementwise: its
    Jacobian's diagonal s (1 - s) stands in. Several inputs (layers sharing an elementwise
    activation) go through one call of `fn`, side by side on the last axis.

    Args:
        name: the activation's name (softmax is told by it).
        fn: the callable the layer runs (`harness.measure.metered.MeteredLayer.fn`).
        inputs: tensors with the same leading shape, (..., units) each: the activation's inputs.

    Returns:
        A list of f'(u), one per input, each shaped as it.
    """
    import tensorflow as tf

    x = tf.concat(inputs, axis=-1) if len(inputs) > 1 else inputs[0]
    if _is_softmax(activations.get(name)):
        a = fn(x)
        d = a * (1.0 - a)
    else:
        with tf.GradientTape() as tape:
            tape.watch(x)
            a = fn(x)
        d = tape.gradient(a, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    if len(inputs) == 1:
        return [d]
    return tf.split(d, [int(u.shape[-1]) for u in inputs], axis=-1)


def _is_softmax(entry: activations.Activation) -> bool:
    return entry.keras == "softmax"


def _autodiff(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`derivative` in float64, or in float32 for a function that cannot run in float64."""
    try:
        return derivative(name, z)
    except Exception:  # noqa: BLE001 - a user's function with float32 constants inside
        return derivative(name, z, "float32")
