"""Signal propagation at initialisation, predicted: the mean-field recursion for a Dense stack.

With zero-mean random weights of variance Var(W_l) and fan_in n_{l-1}, each unit's pre-activation
z_l is a sum of many small terms, close to Gaussian, and its second moment q_l follows from the
layer below's alone (Poole et al. 2016):

    q_1 = sigma_w1^2 m_0 + sigma_b^2                   m_0: the inputs' mean square
    q_l = sigma_wl^2 E[f(h)^2] + sigma_b^2,  h ~ N(0, q_{l-1})
    chi_l = sigma_wl^2 E[f'(h)^2],           h ~ N(0, q_l)

where sigma_wl^2 = fan_in Var(W_l) (1 for Glorot at equal widths, 2 for He) and sigma_b^2 is the
bias variance (0: Keras' Dense starts its biases at zero). chi_l is the mean squared singular value
of the layer's Jacobian diag(f'(z_l)) W_l: below 1 a gradient shrinks as it passes back through
the layer (ordered phase, vanishing), above 1 it grows (chaotic, exploding).

The expectations are integrals against a Gaussian, taken numerically for any elementwise function:
a composite Gauss-Legendre rule over panels of the activation's own axis (panel edges on multiples
of 1/4, where the kinks of relu, relu6, hard_sigmoid, hard_tanh ... sit, so that they are
integrated exactly). Gauss-Hermite quadrature, the textbook choice, misses features narrower than
its node spacing: at q = 10, tanh'(h)^2 is off by 2% with 100 nodes, at q = 100 by 88%.
The activation and its slope come from `harness.catalog.slopes.elementwise`: the NumPy formula
where the table has one (no TensorFlow), else autodiff of the Keras function, a user's
`package.module:function` included (a `tf.custom_gradient` is the slope the model trains with).

Reference:
    Poole et al. 2016, "Exponential expressivity in deep neural networks through transient chaos";
    Schoenholz et al. 2017, "Deep information propagation".
"""

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from harness.catalog import heads, slopes

PANEL = 0.25  # panel width on the activation's axis; its multiples are where kinks are found
TAIL = 8.5  # integrate over +-8.5 standard deviations (the rest weighs < 2e-17)
MAX_PANELS = 20_000
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)
# Keras' truncated normals are cut at 2 standard deviations, which keeps this share of the
# variance; its VarianceScaling divides the stddev by the square root (0.8796...) to undo it.
TRUNCATED_VARIANCE = 1.0 - 4.0 * math.exp(-2.0) / math.sqrt(2 * math.pi) / math.erf(math.sqrt(2))
BIAS_VARIANCE = 0.0  # Dense biases start at zero (`ModelConfig.use_bias`)
# name -> (scale, mode) of Keras' VarianceScaling initializers
_SCALED = {"glorot_uniform": (1.0, "fan_avg"), "glorot_normal": (1.0, "fan_avg"),
           "he_uniform": (2.0, "fan_in"), "he_normal": (2.0, "fan_in"),
           "lecun_uniform": (1.0, "fan_in"), "lecun_normal": (1.0, "fan_in")}


class NotApplicable(ValueError):
    """The recursion does not describe this network; the message says why."""


def gaussian_moments(fn, q: float) -> tuple[float, float]:
    """(E[f(h)^2], E[f'(h)^2]) for h ~ N(0, q).

    Args:
        fn: `z -> (f(z), f'(z))`, as `harness.catalog.slopes.elementwise` returns.
        q: the variance of h (0 or more).

    Example:
        >>> gaussian_moments(slopes.elementwise("relu"), 2.0)   # q / 2 and 1 / 2
        (1.0, 0.5)
    """
    if not q > 0:
        value, slope = fn(np.zeros(1))
        return float(value[0] ** 2), float(slope[0] ** 2)
    if not math.isfinite(q):
        return math.inf, math.nan
    sd = math.sqrt(q)
    # Panels of PANEL / k, so that the multiples of PANEL stay panel edges, and narrow enough
    # (half a standard deviation) that 8 nodes a panel integrate the Gaussian itself exactly.
    width = PANEL / math.ceil(PANEL / (0.5 * sd))
    half = math.ceil(TAIL * sd / width)
    if half > MAX_PANELS // 2:  # a huge q: wider panels (no kink is resolved at that scale anyway)
        half, width = MAX_PANELS // 2, TAIL * sd / (MAX_PANELS // 2)
    mid = (np.arange(-half, half) + 0.5) * width
    h = (mid[:, None] + 0.5 * width * _GL_X).ravel()
    weight = np.tile(0.5 * width * _GL_W, len(mid)) * np.exp(-0.5 * h * h / q) / math.sqrt(
        2 * math.pi * q)
    value, slope = fn(h)
    return float(np.sum(weight * np.square(value))), float(np.sum(weight * np.square(slope)))


def kernel_variance(spec, fan_in: int, fan_out: int) -> float:
    """Var(W) of a kernel drawn by an initializer, from Keras' definitions.

    Args:
        spec: the config's `model.initializer` (a name or a mapping with parameters).
        fan_in, fan_out: the kernel's rows and columns.

    Returns:
        The variance of one weight (for `orthogonal`: its mean square).

    Raises:
        NotApplicable: the weights do not have mean 0 (`ones`, `constant`, a shifted normal).
    """
    name, params = (spec, {}) if isinstance(spec, str) else (
        spec["name"], {k: v for k, v in spec.items() if k != "name"})
    mean = 0.0
    if name in _SCALED or name == "variance_scaling":
        scale, mode = _SCALED.get(name, (params.get("scale", 1.0), params.get("mode", "fan_in")))
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = scale / max(1.0, fan)  # any distribution: Keras scales each to this variance
    elif name in ("random_normal", "truncated_normal"):
        mean, stddev = params.get("mean", 0.0), params.get("stddev", 0.05)
        variance = stddev ** 2 * (TRUNCATED_VARIANCE if name == "truncated_normal" else 1.0)
    elif name == "random_uniform":
        low, high = params.get("minval", -0.05), params.get("maxval", 0.05)
        mean, variance = (low + high) / 2, (high - low) ** 2 / 12
    elif name == "orthogonal":  # min(fan_in, fan_out) orthonormal vectors, times the gain
        variance = params.get("gain", 1.0) ** 2 * min(fan_in, fan_out) / (fan_in * fan_out)
    elif name in ("zeros", "constant", "ones"):
        mean, variance = {"zeros": 0.0, "ones": 1.0}.get(name, params.get("value", 0.0)), 0.0
    else:
        raise NotApplicable(f"initializer {name!r} has no variance formula here")
    if mean != 0:
        raise NotApplicable(f"initializer {name!r} draws weights with mean {mean:g}, not 0: the "
                            "recursion assumes zero-mean weights")
    return float(variance)


class Prediction(NamedTuple):
    """What the recursion predicts for a network at initialisation.

    Attributes:
        layers: one row per Dense layer (`hidden_1` .. `hidden_N`, then `output` when the number
            of outputs is known): `layer`, `sigma_w2` (fan_in Var(W)), `theory_preact_std`
            (sqrt(q_l), the root mean square of z), `theory_chi`, `theory_grad_ratio` (the kernel
            gradient's root mean square relative to the last hidden layer's, the quantity
            `harness.base.frames.vanishing_ratio` divides, as `grad_rms` in layers.csv) and
            `theory_preact_grad_ratio` (the same for dL/dz, as `preact_grad_rms`). Empty when
            `reason` is set.
        vanishing_ratio: the predicted `grad_rms(hidden_1) / grad_rms(hidden_N)`; NaN when it does
            not apply or either gradient is predicted 0 (as the measured ratio is then).
        reason: why the recursion does not apply to this network, or None.
    """

    layers: pd.DataFrame
    vanishing_ratio: float
    reason: str | None = None

    def tidy(self, epoch: int = 0) -> pd.DataFrame:
        """The per-layer predictions as `epoch, layer, metric, value` rows (as in layers.csv)."""
        if self.layers.empty:
            return pd.DataFrame(columns=["epoch", "layer", "metric", "value"])
        long = self.layers.melt(id_vars="layer", var_name="metric", value_name="value")
        return long.assign(epoch=epoch)[["epoch", "layer", "metric", "value"]]


COLUMNS = ["layer", "sigma_w2", "theory_preact_std", "theory_chi", "theory_grad_ratio",
           "theory_preact_grad_ratio"]


def applies(model_cfg) -> str | None:
    """Why the recursion does not describe a `ModelConfig`'s network, or None when it does.

    The model's type says whether it is a Dense stack the recursion describes (its entry's
    `meanfield`, `harness.models.types`); then the options that leave the plain stack.
    """
    reason = model_cfg.model_type().meanfield
    if reason:
        return reason
    if model_cfg.depth == 0:
        return "no hidden layer: nothing propagates"
    if model_cfg.batch_norm != "none":
        return ("batch norm rescales every layer's pre-activations to unit variance, so q_l does "
                "not follow from the layer below")
    if model_cfg.residual:
        return ("skip connections add a layer's input to its output, which the plain recursion "
                "leaves out")
    if any(model_cfg.dropouts()):
        return "dropout zeroes and rescales activations in training, which the recursion leaves out"
    return None


def predict(model_cfg, n_features: int, input_second_moment: float,
            n_outputs: int | None = None) -> Prediction:
    """The mean-field prediction for a `ModelConfig` at initialisation.

    Args:
        model_cfg: `config.model`.
        n_features: inputs per example.
        input_second_moment: the inputs' mean square, mean(x^2) over examples and features
            (`second_moment`).
        n_outputs: the output layer's units (`Head.units`); None leaves the output row out.

    Returns:
        A `Prediction`; with `reason` set (and no numbers) where the recursion does not apply.

    The predicted vanishing ratio follows the measured one: the kernel gradient of layer l is
    a_{l-1}^T delta_l, so its mean square is m_{l-1} E[delta_l^2] (m: the layer input's mean
    square), and going back through layer l+1 multiplies E[delta^2] by
    E[f'(h_l)^2] fan_out Var(W_{l+1}) (chi_{l+1}'s weights with layer l's slope; at equal widths
    fan_out Var = sigma_w^2). Hence
    ratio^2 = (m_0 / m_{N-1}) prod_{l=1}^{N-1} E[f'(h_l)^2] n_{l+1} Var(W_{l+1}).
    """
    reason = applies(model_cfg)
    fns = {}
    if reason is None:
        try:
            for name in dict.fromkeys(model_cfg.activations()):
                fns[name] = slopes.elementwise(name)
            widths = model_cfg.widths()
            outs = [*widths, n_outputs or 1]
            fans = [n_features, *widths]
            variance = [kernel_variance(model_cfg.initializer, fans[i], outs[i])
                        for i in range(len(outs))]
        except (NotApplicable, slopes.NotElementwise) as e:
            reason = str(e)
    if reason is not None:
        return Prediction(pd.DataFrame(columns=COLUMNS), math.nan, reason)
    depth = model_cfg.depth
    sigma_w2 = [fans[i] * variance[i] for i in range(len(outs))]
    q, m = [], [float(input_second_moment)]  # m[l]: mean square of layer l's input
    slope2 = []
    for i, name in enumerate(model_cfg.activations()):
        q.append(sigma_w2[i] * m[-1] + BIAS_VARIANCE)
        value2, d2 = gaussian_moments(fns[name], q[-1])
        m.append(value2)
        slope2.append(d2)
    q_out = sigma_w2[depth] * m[-1] + BIAS_VARIANCE
    # E[delta_l^2] relative to the last hidden layer's, from the top down
    delta2 = [1.0] * depth
    for i in range(depth - 2, -1, -1):
        delta2[i] = delta2[i + 1] * slope2[i] * outs[i + 1] * variance[i + 1]
    grad = [m[i] * delta2[i] / (m[depth - 1] * delta2[depth - 1]) if m[depth - 1] else math.nan
            for i in range(depth)]
    rows = [{"layer": f"hidden_{i + 1}", "sigma_w2": sigma_w2[i],
             "theory_preact_std": math.sqrt(q[i]), "theory_chi": sigma_w2[i] * slope2[i],
             "theory_grad_ratio": math.sqrt(grad[i]) if grad[i] >= 0 else math.nan,
             "theory_preact_grad_ratio": math.sqrt(delta2[i])}
            for i in range(depth)]
    if n_outputs is not None:
        # delta_N = f'(z_N) (W_out delta_out): E[delta_N^2] = E[f'^2] n_out Var(W_out) E[d_out^2]
        back = slope2[-1] * n_outputs * variance[depth]
        out_grad = m[depth] / (m[depth - 1] * back) if m[depth - 1] and back else math.nan
        rows.append({"layer": "output", "sigma_w2": sigma_w2[depth],
                     "theory_preact_std": math.sqrt(q_out), "theory_chi": math.nan,
                     "theory_grad_ratio": math.sqrt(out_grad) if out_grad >= 0 else math.nan,
                     "theory_preact_grad_ratio": 1 / math.sqrt(back) if back else math.nan})
    ratio = rows[0]["theory_grad_ratio"] if depth >= 2 else math.nan
    if not (math.isfinite(ratio) and ratio > 0):
        ratio = math.nan
    return Prediction(pd.DataFrame(rows, columns=COLUMNS), float(ratio))


def second_moment(x: np.ndarray) -> float:
    """mean(x^2) over examples and features: m_0 of the recursion."""
    return float(np.mean(np.square(np.asarray(x, dtype=float))))


def predict_for(cfg, data) -> Prediction:
    """`predict` for a whole `Config` and its loaded `Dataset` (training inputs)."""
    head = heads.HEADS.get(cfg.model.head)
    return predict(cfg.model, data.n_features, second_moment(data.x_train),
                   head.units(data.n_classes))

