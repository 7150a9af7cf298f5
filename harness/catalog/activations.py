"""The activations table: each hidden-layer activation with its formula and derivative.

Like the TensorFlow Playground's `{output, der}` pairs, every entry carries NumPy formulas for the
function and its derivative (used by plots and checked against autodiff in the tests), the Keras
function that runs in the model, and the output range where the activation is flat (its
saturation region). Nothing here imports TensorFlow until a model is built.

Any other Keras activation can be named too (`relu6`, `celu`, ...), and a user's own function as
`package.module:function` (importing it runs that module's code).
"""

import importlib
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.base.registry import Registry

# The course's slope; Keras' LeakyReLU layer defaults to 0.3, its function to 0.2.
LEAKY_SLOPE = 0.01
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

# Keras 3.15 activations without their own entry below; they run through `keras.activations.get`.
KERAS_OTHERS = ("celu", "exponential", "glu", "hard_shrink", "hard_silu", "hard_swish", "hard_tanh",
                "log_sigmoid", "relu6", "soft_shrink", "sparse_plus", "sparse_sigmoid",
                "squareplus", "tanh_shrink")


@dataclass(frozen=True)
class Activation:
    """One activation function.

    Attributes:
        description: one line for `harness list activations`.
        fn: f(z), NumPy, elementwise.
        der: f'(z), NumPy, elementwise (the formula, not autodiff).
        keras: a `keras.activations` name, or a zero-argument function returning the callable
            to use.
        flat: `(low, high)`: outputs below `low` or above `high` count as saturated; None for
            activations with no flat region on both sides.
        bounds: `(low, high)`, the output range of a bounded activation (the histograms' axis);
            None when unbounded or unknown.
    """

    description: str
    fn: Callable[[np.ndarray], np.ndarray] | None
    der: Callable[[np.ndarray], np.ndarray] | None
    keras: str | Callable[[], Callable]
    flat: tuple[float, float] | None = None
    bounds: tuple[float, float] | None = None


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free form of 1 / (1 + exp(-z))


def _softplus(z):
    return np.logaddexp(0.0, z)


_erf = np.vectorize(math.erf, otypes=[float])


def _normal_cdf(z):
    return 0.5 * (1.0 + _erf(np.asarray(z, dtype=float) / math.sqrt(2.0)))


def _normal_pdf(z):
    return np.exp(-0.5 * np.square(z)) / math.sqrt(2.0 * math.pi)


def _keras_step():
    from keras import ops

    def step(z):
        # Heaviside forward pass with an exact zero gradient (not None), so every layer before it
        # gets zeros: the reason a perceptron cannot learn by gradient descent.
        return ops.stop_gradient(ops.cast(z > 0, z.dtype)) + 0.0 * z

    return step


def _keras_leaky_relu():
    from keras import activations

    def leaky_relu(z):
        return activations.leaky_relu(z, negative_slope=LEAKY_SLOPE)

    return leaky_relu


def _mish_der(z):
    t = np.tanh(_softplus(z))
    return t + z * (1.0 - t * t) * _sigmoid(z)


ACTIVATIONS: Registry[Activation] = Registry("activation", "activations")
_add = ACTIVATIONS.register
_add("step", Activation(
    "Heaviside step: 0 or 1, zero gradient everywhere (the perceptron)",
    lambda z: (z > 0).astype(float), lambda z: np.zeros_like(z, dtype=float),
    _keras_step, flat=(0.5, 0.5), bounds=(0.0, 1.0)))
_add("sigmoid", Activation(
    "1 / (1 + e^-z); saturates at both ends, sigmoid'(0) = 0.25",
    _sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)), "sigmoid", flat=(0.05, 0.95),
    bounds=(0.0, 1.0)))
_add("tanh", Activation(
    "tanh(z); zero-centred, saturates at both ends, tanh'(0) = 1",
    np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, "tanh", flat=(-0.97, 0.97), bounds=(-1.0, 1.0)))
_add("relu", Activation(
    "max(0, z); gradient 1 for z > 0 and 0 below (units can die)",
    lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float), "relu"))
_add("leaky_relu", Activation(
    f"z for z > 0, {LEAKY_SLOPE} z below; keeps a small gradient (slope {LEAKY_SLOPE})",
    lambda z: np.where(z > 0, z, LEAKY_SLOPE * z), lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
    _keras_leaky_relu))
_add("linear", Activation(
    "z; a stack of linear layers is still one linear map",
    lambda z: np.asarray(z, dtype=float), lambda z: np.ones_like(z, dtype=float), "linear"),
    aliases=("identity",))
_add("elu", Activation(
    "z for z > 0, e^z - 1 below",
    lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))), "elu"))
_add("selu", Activation(
    "scaled ELU (self-normalising with lecun_normal initialisation)",
    lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
    lambda z: SELU_SCALE * np.where(z >= 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0.0))), "selu"))
_add("gelu", Activation(
    "z * Phi(z), the Gaussian error linear unit (exact form)",
    lambda z: z * _normal_cdf(z), lambda z: _normal_cdf(z) + z * _normal_pdf(z), "gelu"))
_add("swish", Activation(
    "z * sigmoid(z) (SiLU)",
    lambda z: z * _sigmoid(z), lambda z: _sigmoid(z) * (1.0 + z * (1.0 - _sigmoid(z))), "silu"),
    aliases=("silu",))
_add("softplus", Activation(
    "log(1 + e^z), a smooth ReLU; its derivative is the sigmoid",
    _softplus, _sigmoid, "softplus"))
_add("softsign", Activation(
    "z / (1 + |z|); like tanh with polynomial tails",
    lambda z: z / (1.0 + np.abs(z)), lambda z: 1.0 / (1.0 + np.abs(z)) ** 2, "softsign",
    flat=(-0.97, 0.97), bounds=(-1.0, 1.0)))
_add("hard_sigmoid", Activation(
    "clip(z / 6 + 1/2, 0, 1), Keras 3's piecewise-linear sigmoid",
    lambda z: np.clip(z / 6.0 + 0.5, 0.0, 1.0),
    lambda z: np.where(np.abs(z) < 3.0, 1.0 / 6.0, 0.0), "hard_sigmoid", flat=(1e-7, 1 - 1e-7),
    bounds=(0.0, 1.0)))
_add("mish", Activation(
    "z * tanh(softplus(z))",
    lambda z: z * np.tanh(_softplus(z)), _mish_der, "mish"))
_add("softmax", Activation(
    "e^z_i / sum_j e^z_j over a layer's units: the multi-class output head, not elementwise",
    lambda z: np.exp(z - np.max(z, axis=-1, keepdims=True)) / np.sum(
        np.exp(z - np.max(z, axis=-1, keepdims=True)), axis=-1, keepdims=True), None, "softmax",
    bounds=(0.0, 1.0)))
for _name in KERAS_OTHERS:
    _add(_name, Activation(f"Keras' {_name} (no formula here: plotted by autodiff)",
                           None, None, _name))


def get(name: str) -> Activation:
    """Returns the entry for a table name, an alias, or `package.module:function`.

    Raises:
        ValueError: unknown name (with close matches), or a user function that cannot be imported.
    """
    if not isinstance(name, str):
        raise ValueError(f"an activation is a name, got {name!r}")
    if ":" in name:
        return Activation(f"user function {name}", None, None, lambda: _import_user(name))
    try:
        return ACTIVATIONS.get(name)
    except KeyError as e:
        module, _, function = name.rpartition(".")
        if module and all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"unknown activation {name!r}; did you mean '{module}:{function}'? "
                             "(your own function is package.module:function, with a colon)"
                             ) from None
        raise ValueError(e.args[0]) from None


def check_user_function(name: str) -> None:
    """Imports `package.module:function` and calls it once (`check_user_call`), so that a typo
    or a function that cannot run in a model fails at validation, before training."""
    _import_user(name)
    check_user_call(name)


def check_user_call(name: str) -> None:
    """Calls a user's activation once, traced as in training, on a small tensor (imports Keras).

    A function that only works eagerly (NumPy inside), takes the wrong arguments or changes the
    shape fails here in one line, not in a 40-line TensorFlow traceback mid-training.

    Raises:
        ValueError: the function fails or returns the wrong shape.
    """
    from harness.base import backend

    backend.load()
    import tensorflow as tf

    fn = keras_function(name)
    z = tf.constant([[-2.0, -0.5, 0.0], [0.5, 1.0, 2.0]])
    try:
        out = tf.function(fn, autograph=False)(z)
        problem = None if tuple(out.shape) == (2, 3) else (
            f"returns shape {tuple(out.shape)} for an input of shape (2, 3)")
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: a stop, not the function's failure
        raise
    except BaseException as e:  # whatever the user's code raises (sys.exit too), in one line
        first = (str(e).strip().splitlines() or [""])[0].split(". ")[0][:120]
        problem = f"fails on a tensor ({type(e).__name__}: {first})"
    if problem:
        raise ValueError(f"activation {name!r} {problem}; write it as a function of one tensor "
                         "using keras.ops or tf (not NumPy) that keeps its shape, e.g. "
                         "def my_fn(z): return keras.ops.tanh(z)")


PROBE = (-10.0, 10.0)  # the inputs an activation is tried on when a loss is not finite


def non_finite_cause(activation: str | list[str], loss: float) -> str | None:
    """Why a loss is NaN or infinite at initialisation, when an activation is to blame.

    An activation that gives NaN or infinity for finite inputs (`tf.math.log(z)` below 0) is the
    cause whatever the weights; a user's own function is the first suspect otherwise. The table's
    activations are finite everywhere, so then the initial weights are the cause (None).

    Args:
        activation: `model.activation`, one name or one per hidden layer.
        loss: the loss at initialisation (NaN or infinite).

    Returns:
        The message (what and how to fix) for `model.activation`, or None. Imports Keras.
    """
    names = list(dict.fromkeys(activation if isinstance(activation, list) else [activation]))
    for name in names:
        if (why := non_finite(name)) is not None:
            return f"the loss is already {loss} at initialisation because {why}"
    users = [name for name in names if ":" in name]
    if users:
        return (f"the loss is already {loss} at initialisation, before any training step, with "
                f"your own activation {users[0]!r} (finite for z in {PROBE[0]:g}..{PROBE[1]:g}, "
                "so look at larger |z|, where exp and powers overflow); check it on the "
                "inputs it gets, or try smaller initial weights, e.g. "
                "model: {initializer: glorot_uniform}")
    return None


def non_finite(name: str) -> str | None:
    """Whether an activation gives NaN or infinity for a finite input (on `PROBE`): what `run`
    and `preflight` find as a loss NaN at initialisation, and `theory` refuses alike.

    Args:
        name: an activation name, alias or `package.module:function`.

    Returns:
        None when it is finite there; else "activation 'x' gives nan for a finite input (z = ..);
        make it finite for every real z (how)". Imports Keras.
    """
    from harness.base import backend

    backend.load()
    import tensorflow as tf

    z = tf.linspace(*PROBE, 201)
    out = tf.function(keras_function(name), autograph=False)(z).numpy()
    bad = ~np.isfinite(out)
    if not bad.any():
        return None
    at, value = float(z.numpy()[bad.argmax()]), float(out[bad.argmax()])
    hint = ("a log or a square root needs z > 0: e.g. keras.ops.log(1 + keras.ops.abs(z))"
            if math.isnan(value) else "exp and powers overflow float32: e.g. "
            "keras.ops.exp(keras.ops.minimum(z, 20))")
    return (f"activation {name!r} gives {value} for a finite input (z = {at:.3g}); make it "
            f"finite for every real z ({hint})")


def _import_user(name: str) -> Callable:
    module_name, _, attr = name.partition(":")
    folder = str(Path.cwd())
    # `python -m` puts the current folder on sys.path, the `harness` script does not: add it so
    # that "importable from the current folder" holds either way.
    if folder not in sys.path and "" not in sys.path:
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise ValueError(f"cannot import activation {name!r}: no module {e.name!r} in the "
                         f"current folder ({folder}) or on PYTHONPATH; check the name, or run "
                         "from the folder that holds it (or add that folder to PYTHONPATH)"
                         ) from None
    except (ImportError, ValueError) as e:
        raise ValueError(f"cannot import activation {name!r} ({e}); give it as "
                         "package.module:function, importable from the current folder") from None
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: a stop, not the module's failure
        raise
    except BaseException as e:  # the module's own code failed (sys.exit, a BaseException too)
        what = f"{type(e).__name__}: {e}".splitlines()[0][:120]
        raise ValueError(f"importing {module_name!r} for activation {name!r} failed ({what}); "
                         "fix that module, or check it imports on its own with "
                         f"`python -c 'import {module_name}'`") from None
    try:
        fn = getattr(module, attr)
    except AttributeError:
        raise ValueError(f"cannot import activation {name!r}: module {module_name!r} "
                         f"({getattr(module, '__file__', None)}) has no {attr!r}; check the "
                         "function's name") from None
    if not callable(fn):
        raise ValueError(f"activation {name!r} is not a function; point to a function of a "
                         "tensor, e.g. mypackage.acts:my_fn")
    return fn


def keras_function(name: str) -> Callable:
    """The callable Keras runs for `name` (imports Keras)."""
    entry = get(name)
    if callable(entry.keras):
        return entry.keras()
    from keras import activations

    return activations.get(entry.keras)
