"""What every report figure shares: activation colours, names of gradient sizes, `NothingToPlot`.

One run's figures, comparisons, sweeps and the command line's explorer draw an activation in the
same colour and call a gradient size by the same words; a drawing function that cannot draw from
a run's files raises `NothingToPlot`, whose message a page shows in place of the figure.
"""

import zlib

from harness.errors import HarnessError


class NothingToPlot(HarnessError):
    """A figure cannot be drawn from a run's files; the message says why (shown in the report)."""


# One colour per activation, used by every figure (single runs, comparisons, sweeps).
ACTIVATION_COLORS = {
    "sigmoid": "#d62728",
    "tanh": "#ff7f0e",
    "relu": "#1f77b4",
    "leaky_relu": "#17becf",
    "elu": "#2ca02c",
    "gelu": "#9467bd",
    "swish": "#e377c2",
    "selu": "#8c564b",
    "linear": "#7f7f7f",
    "step": "#222222",
}


_ALIASES = {"silu": "swish", "leakyrelu": "leaky_relu", "identity": "linear", "heaviside": "step"}
OTHER_COLORS = ["#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
                "#e6550d"]
LOG_SPAN = 30  # use a log axis when positive values span more than this factor
NORMS = {  # metric -> (what it is, symbol)
    # plain Unicode rather than mathtext: see `ticks.plain_log_ticks`
    "grad_rms": ("kernel gradient RMS", "‖∂L/∂W‖₂/√n"),
    "preact_grad_rms": ("pre-activation gradient RMS", "‖∂L/∂z‖₂/√n"),
    "grad_norm": ("kernel gradient", "‖∂L/∂W‖₂"),
    "preact_grad_norm": ("pre-activation gradient", "‖∂L/∂z‖₂"),
    "bias_grad_norm": ("bias gradient", "‖∂L/∂b‖₂"),
}


def activation_color(name) -> str:
    """The fixed colour of an activation; unknown names get a stable colour from a cycle.

    Example:
        >>> activation_color("sigmoid")
        '#d62728'
    """
    key = str(name).lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key in ACTIVATION_COLORS:
        return ACTIVATION_COLORS[key]
    return OTHER_COLORS[zlib.crc32(key.encode()) % len(OTHER_COLORS)]


def activation_name(value) -> str:
    """`model.activation` as one name: a per-layer list becomes its distinct names joined by `+`.

    Example:
        >>> activation_name(["relu", "relu", "sigmoid"])
        'relu+sigmoid'
    """
    if isinstance(value, (list, tuple)):
        return "+".join(dict.fromkeys(map(str, value)))
    return "" if value is None else str(value)


def norm_label(metric: str) -> str:
    """Axis label of a gradient norm on a log axis: `kernel gradient norm ||dL/dW||_2 (log)`."""
    name, symbol = NORMS.get(metric, (metric, ""))
    return f"{name} {symbol} (log)" if metric.endswith("_rms") else f"{name} norm {symbol} (log)"


def gradient_metric(layers, rms: str = "grad_rms", norm: str = "grad_norm") -> str:
    """The size-fair RMS when the run recorded it (CONTRACT.md), else the plain L2 norm."""
    if not layers.empty and "metric" in layers and (layers["metric"] == rms).any():
        return rms
    return norm


def shared_gradient_metric(layers_by_run, rms: str = "grad_rms", norm: str = "grad_norm") -> str:
    """`rms` when every run in a frame with a `run` column recorded it, else `norm`: figures
    overlaying runs draw one measure, the size-fair one the vanishing ratio uses when they can."""
    if layers_by_run.empty or "run" not in layers_by_run:
        return gradient_metric(layers_by_run, rms, norm)
    every = all(gradient_metric(rows, rms, norm) == rms
                for _, rows in layers_by_run.groupby("run", sort=False))
    return rms if every else norm


def size_words(metric: str) -> str:
    """What a caption calls `metric` after "kernel gradient": the RMS, or the plain norm."""
    if metric == "grad_rms":
        return "RMS per weight (||dL/dW|| / sqrt(number of weights), fair across layer sizes)"
    return "norm ||dL/dW||"
