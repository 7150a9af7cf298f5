"""Made-up versions of the files branch `stats` records (CONTRACT.md), for report tests.

`layers.csv`'s newer metrics, `histograms.csv`, `neurons.csv` and `first_layer_weights.csv`, with
numbers that look like the real thing: a sigmoid's activations pile up near 0 and 1 in deep
layers, its gradients shrink layer by layer on the log10|g| axis, a ReLU's stay put.
"""

import math

import numpy as np
import pandas as pd

DERIV = {"sigmoid": 0.2, "tanh": 0.6, "relu": 0.5, "leaky_relu": 0.55, "step": 0.0}
BINS = 24


def layer_metrics(activation, grad, fan_in, width, epoch, dead) -> dict:
    """The CONTRACT.md metrics of one layer at one epoch, from its (fake) kernel gradient norm."""
    weights = fan_in * width
    metrics = {"grad_rms": grad / math.sqrt(weights),
               "preact_grad_rms": 0.8 * grad / math.sqrt(32 * width),
               "act_deriv_mean": DERIV.get(activation, 0.7),
               "weight_norm": math.sqrt(weights / fan_in) * (1 + 0.05 * epoch),
               "grad_data_ratio": grad / math.sqrt(weights) * math.sqrt(fan_in),
               "distance_from_init": 0.1 * epoch,
               "dead_fraction_batch": dead}
    if epoch:
        metrics["update_ratio"] = max(1e-9, 1e-2 * grad / 0.3)  # the lr x grad over the weights
    return metrics


def histograms(activation, depth, epochs, rng) -> pd.DataFrame:
    """`histograms.csv` rows: 4 quantities per layer at each logged epoch."""
    rows = []
    for epoch in epochs:
        for k in range(1, depth + 2):
            layer = "output" if k == depth + 1 else f"hidden_{k}"
            spread = 0.7 ** k if activation in ("sigmoid", "tanh") else 1.0
            z = rng.normal(0, 3 * spread + 0.2 * epoch, 2000)
            shrink = 4.0 ** -(depth - k) if activation == "sigmoid" else 1.0
            grads = np.abs(rng.normal(0, 1e-2 * shrink, 2000)) + 1e-12
            act = {"sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z)}.get(
                activation, np.maximum(z, 0))
            for quantity, scale, values, edges in [
                    ("activation", "linear", act, _edges(activation)),
                    ("preactivation", "linear", z, np.linspace(-10, 10, BINS + 1)),
                    ("preact_grad", "log10_abs", np.log10(0.5 * grads), np.linspace(-12, 0,
                                                                                    BINS + 1)),
                    ("kernel_grad", "log10_abs", np.log10(grads), np.linspace(-12, 0, BINS + 1))]:
                counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), edges)
                rows += [(epoch, layer, quantity, scale, lo, hi, int(c))
                         for lo, hi, c in zip(edges[:-1], edges[1:], counts)]
    frame = pd.DataFrame(rows, columns=["epoch", "layer", "quantity", "scale", "bin_left",
                                        "bin_right", "count"])
    # As the real file: empty bins left out but each histogram's first and last.
    left = frame.groupby(["epoch", "layer", "quantity"])["bin_left"]
    first, last = left.transform("min"), left.transform("max")
    keep = (frame["count"] > 0) | (frame["bin_left"] == first) | (frame["bin_left"] == last)
    return frame[keep].reset_index(drop=True)


def _edges(activation):
    low, high = {"sigmoid": (0, 1), "tanh": (-1, 1)}.get(activation, (0, 5))
    return np.linspace(low, high, BINS + 1)


def neurons(depth, width, epoch, rng, cap: int = 8, steps: int = 21) -> pd.DataFrame:
    """`neurons.csv`: each hidden unit's output over a coarse 2-D grid (at most `cap` per layer)."""
    axis = np.linspace(-6, 6, steps)
    x1, x2 = (g.ravel() for g in np.meshgrid(axis, axis))
    frames = []
    for k in range(1, depth + 1):
        for unit in range(min(width, cap)):
            a, b, c = rng.normal(0, 1, 3)
            value = np.tanh(a * x1 / 3 + b * x2 / 3 + c) * (1 + 0.3 * np.sin(k * x1 / 4))
            frames.append(pd.DataFrame({"epoch": epoch, "layer": f"hidden_{k}", "unit": unit,
                                        "x1": x1, "x2": x2, "value": value}))
    return pd.concat(frames, ignore_index=True)


def first_layer_weights(last, rng, units: int = 6, side: int = 28) -> pd.DataFrame:
    """`first_layer_weights.csv`: random weights at epoch 0, a digit-like stroke by the last."""
    yy, xx = np.mgrid[0:side, 0:side] / side
    frames = []
    for epoch in sorted({0, last}):
        for unit in range(units):
            w = rng.normal(0, 0.05, side * side)
            if epoch:
                stroke = np.exp(-((np.hypot(xx - 0.5, yy - 0.5) - 0.1 * (unit + 1)) ** 2) / 0.005)
                w = w + 0.2 * np.sign(unit % 2 - 0.5) * stroke.ravel()
            frames.append(pd.DataFrame({"epoch": epoch, "unit": unit,
                                        "input": np.arange(side * side), "value": w}))
    return pd.concat(frames, ignore_index=True)
