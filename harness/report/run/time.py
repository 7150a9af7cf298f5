"""Figures of a recurrent run's gradient over time (`timesteps.csv`).

||dL/dh_t|| for every step t of each recurrent layer: how much of the loss's gradient reaches the
state at step t through the whole recurrence. A line that falls from the last step (right) to
the first (left) is the gradient vanishing back through time; the cells that learn long
dependencies are those whose line flattens as they train.
"""

import matplotlib
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot

METRIC_LABELS = {"h_grad_norm": "||dL/dh_t||", "c_grad_norm": "||dL/dc_t|| (LSTM cell state)"}


def _panels(timesteps):
    """(layer, metric) pairs in network order, each one panel."""
    if timesteps is None or timesteps.empty:
        raise NothingToPlot("no timesteps.csv (not a recurrent run, or no epoch recorded)")
    layers = sorted(timesteps["layer"].astype(str).unique(),
                    key=lambda n: int(n.rsplit("_", 1)[1]) if n.rsplit("_", 1)[-1].isdigit()
                    else 0)
    metrics = [m for m in METRIC_LABELS if m in set(timesteps["metric"])]
    return [(layer, metric) for layer in layers for metric in metrics]


def plot_time(timesteps, title: str = "") -> Figure:
    """The gradient over time: one panel per layer and state, one line per logged epoch, log y.

    Args:
        timesteps: the tidy `timesteps.csv` frame (epoch, layer, step, metric, value).
        title: the figure's title (e.g. the cell and activation).
    """
    panels = _panels(timesteps)
    fig = Figure(figsize=(5.2 * min(len(panels), 3), 3.8 * -(-len(panels) // 3)),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(-(-len(panels) // 3), min(len(panels), 3), squeeze=False)
                         ).ravel()
    epochs = sorted(timesteps["epoch"].unique())
    cmap = matplotlib.colormaps["viridis"]
    for ax, (layer, metric) in zip(axes, panels):
        rows = timesteps[(timesteps["layer"].astype(str) == layer)
                         & (timesteps["metric"] == metric)]
        for i, epoch in enumerate(epochs):
            line = rows[rows["epoch"] == epoch].sort_values("step")
            values = line["value"].to_numpy(dtype=float)
            label = "initialisation" if epoch == 0 else f"epoch {epoch}"
            if (bad := int((~np.isfinite(values)).sum())):  # a diverged epoch: say what is left out
                label += f" ({bad} of {len(values)} steps NaN/inf, not drawn)"
            values = np.where(np.isfinite(values) & (values > 0), values, np.nan)  # 0: underflow
            ax.plot(line["step"], values, color=cmap(i / max(len(epochs) - 1, 1)),
                    linewidth=2.0 if epoch in (epochs[0], epochs[-1]) else 1.0, label=label)
        ax.set_yscale("log")
        ax.set_xlabel("step t (the head reads the last)")
        ax.set_ylabel(METRIC_LABELS[metric])
        ax.set_title(layer)
        ax.grid(True, which="major", alpha=0.3)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, loc="best")
    if title:
        fig.suptitle(title)
    return fig


def plot_time_heatmap(timesteps, metric: str = "h_grad_norm") -> Figure:
    """Step x epoch heatmap of one state's gradient norm, one panel per recurrent layer.

    Args:
        timesteps: the tidy `timesteps.csv` frame.
        metric: h_grad_norm, or LSTM's c_grad_norm.
    """
    panels = [p for p in _panels(timesteps) if p[1] == metric]
    if not panels:
        raise NothingToPlot(f"no {metric} in timesteps.csv")
    fig = Figure(figsize=(5.2 * len(panels), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels), squeeze=False)).ravel()
    values = timesteps[timesteps["metric"] == metric]["value"].to_numpy(dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        raise NothingToPlot(f"every {metric} is 0 (underflow)" if np.isfinite(values).all()
                            else f"no finite {metric} above 0 (the run diverged)")
    norm = LogNorm(vmin=positive.min(), vmax=positive.max())
    for ax, (layer, _) in zip(axes, panels):
        rows = timesteps[(timesteps["layer"].astype(str) == layer)
                         & (timesteps["metric"] == metric)]
        # dropna=False: a diverged epoch's NaN cells are kept, to be shown as such
        table = rows.pivot_table(index="epoch", columns="step", values="value", dropna=False)
        grid = table.to_numpy(dtype=float)
        shown = np.ma.masked_less_equal(np.ma.masked_invalid(grid), 0)
        bad = int((~np.isfinite(grid)).sum())
        image = ax.pcolormesh(np.arange(table.shape[1] + 1) + 0.5, np.arange(table.shape[0] + 1),
                              shown, norm=norm, cmap=matplotlib.colormaps["magma"].with_extremes(
                                  bad="#cccccc" if bad else "white"))
        ax.set_yticks(np.arange(table.shape[0]) + 0.5,
                      ["init" if e == 0 else str(e) for e in table.index])
        ax.set_xlabel("step t")
        ax.set_ylabel("epoch")
        zeros = f", {int((grid == 0).sum())} exactly 0" if (grid == 0).any() else ""
        ax.set_title(f"{layer}: {METRIC_LABELS[metric]}" + (
            f"\ngrey = masked ({bad} NaN/inf: a diverged epoch{zeros})" if bad else ""))
    fig.colorbar(image, ax=list(axes), label=METRIC_LABELS[metric])
    return fig


def last_layer_h(timesteps):
    """The rows of ||dL/dh_t|| of the last recurrent layer (the one the head reads)."""
    h = timesteps[timesteps["metric"] == "h_grad_norm"]
    names = sorted(h["layer"].astype(str).unique(), key=lambda n: int(n.rsplit("_", 1)[1]))
    return h[h["layer"].astype(str) == names[-1]]


def plot_time_overlay(runs: dict, styles: dict | None = None) -> Figure:
    """Several runs' gradient over time, at initialisation (left) and the last logged epoch
    (right), the last recurrent layer of each: cells (SimpleRNN, LSTM, GRU) side by side.

    Args:
        runs: label -> that run's `timesteps.csv` frame.
        styles: label -> matplotlib line keywords (colour, line style).
    """
    runs = {label: frame for label, frame in runs.items()
            if frame is not None and not frame.empty}
    if not runs:
        raise NothingToPlot("no run has a timesteps.csv (no recurrent run)")
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for label, frame in runs.items():
        h = last_layer_h(frame)
        style = (styles or {}).get(label, {})
        for ax, epoch in zip(axes, (0, int(h["epoch"].max()))):
            line = h[h["epoch"] == epoch].sort_values("step")
            values = line["value"].to_numpy(dtype=float)
            ax.plot(line["step"], np.where(values > 0, values, np.nan), label=label,
                    **{"linewidth": 1.6, **style, "markevery": max(1, len(values) // 12)})
    axes[0].set_title("at initialisation")
    axes[1].set_title("after training (the last logged epoch)")
    for ax in axes:
        ax.set_yscale("log")
        ax.set_xlabel("step t (the head reads the last)")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("||dL/dh_t|| (last recurrent layer)")
    axes[1].legend(fontsize=8, loc="best")
    return fig
