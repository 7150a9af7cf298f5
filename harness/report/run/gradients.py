"""Figures of one run's gradients: their size per layer, and per layer and epoch.

Every function takes DataFrames as `harness.rundir.run.load_run` reads them and returns a matplotlib
`Figure`; writing it is the caller's job (`harness.report.draw.png.save_figure`). Figures are built
with `matplotlib.figure.Figure`, not pyplot, so no GUI backend is touched, nothing global changes
when a notebook imports this module, and nothing needs closing. A function raises `NothingToPlot`
when the frames hold nothing it can draw.
"""

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from harness.base.frames import is_hidden, layer_tick, metric_table, vanishing_ratio
from harness.report.draw.style import (
    ACTIVATION_COLORS,
    NORMS,
    NothingToPlot,
    activation_color,
    gradient_metric,
    norm_label,
)
from harness.report.draw.ticks import label_ticks


def plot_grad_norms(layers, activation: str = "", metric: str | None = None,
                    activations: list | None = None) -> Figure:
    """Per-layer gradient size at initialisation and at the last epoch (log y), and beside it
    the mean activation derivative |f'(z)| per layer when the run recorded `act_deriv_mean`.

    Args:
        layers: the tidy `layers.csv` frame.
        activation: the hidden activation, for the colour and the title.
        metric: which norm to draw; by default `grad_rms` when recorded, else `grad_norm`.
        activations: one activation per hidden layer (mixed networks); labels the layer ticks.

    Returns:
        A Figure. Exact zeros (no gradient at all) are drawn as triangles on the bottom edge.
    """
    metric = metric or gradient_metric(layers)
    table = metric_table(layers, metric)
    if table.empty or not (table.to_numpy() > 0).any():
        raise NothingToPlot(f"layers.csv has no non-zero `{metric}` values")
    first, last = table.columns[0], table.columns[-1]
    deriv = metric_table(layers, "act_deriv_mean")
    fig = Figure(figsize=(11.5 if not deriv.empty else 7.5, 5.2 if not deriv.empty else 4.3))
    fig.subplots_adjust(left=0.08 if not deriv.empty else 0.12, right=0.98,
                        bottom=0.3 if not deriv.empty else 0.14,
                        top=0.86 if not deriv.empty else 0.83, wspace=0.25)
    axes = np.atleast_1d(fig.subplots(1, 2 if not deriv.empty else 1,
                                      width_ratios=[1.5, 1] if not deriv.empty else None))
    ax = axes[0]
    lines = [(first, "--", "o", 0.55, _epoch_name(first))]
    if last != first:
        lines.append((last, "-", "s", 1.0, _epoch_name(last, final=True)))
    for epoch, style, marker, alpha, label in lines:
        _layer_line(ax, table, epoch, activation_color(activation), style, marker, alpha, label)
    if not deriv.empty:
        _deriv_panel(axes[1], layers, deriv, activation, activations)
    ax.set_yscale("log")
    shown = table[list(dict.fromkeys([first, last]))].to_numpy(float)
    shown = shown[shown > 0]
    if shown.size and shown.max() / shown.min() < 10:
        ax.set_ylim(*_decade_limits(shown))
    _layer_axis(ax, table.index, activations)
    ax.set_ylabel(norm_label(metric))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    what = "Gradient size" if metric.endswith("_rms") else "Gradient norm"
    fig.suptitle(f"{what} per layer: {_net(activation, table.index)}", fontweight="bold")
    ax.set_title(_ratio_text(layers, first, last), fontsize=9, color="#444444")
    return fig


def layer_factors(layers) -> pd.DataFrame:
    """What each hidden layer multiplies the gradient by on its way down, measured: the RMS of
    dL/dz at the layer over that at the layer above (`preact_grad_rms`), a layer x epoch table.

    Backpropagation multiplies dL/dz by the weights (their gain) and the slopes f'(z) once per
    layer; the mean slope |f'(z)| alone is half of that story (ReLU's is ~0.5 where the gradient
    does not shrink, because He-scaled weights double it). Empty without `preact_grad_rms`.
    """
    rms = metric_table(layers, "preact_grad_rms")
    if rms.empty or len(rms) < 2:
        return rms.iloc[0:0]
    below, above = rms.iloc[:-1].to_numpy(float), rms.iloc[1:].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(above > 0, below / above, np.nan)
    table = rms.iloc[:-1].copy()
    table[:] = factor
    return table.loc[[n for n in table.index if is_hidden(n)]]


def _deriv_panel(ax, layers, deriv, activation, activations):
    """The per-layer factor of the gradient, measured (and sqrt(chi) of the theory at
    initialisation), beside the mean slope |f'(z)| it is often mistaken for."""
    factors = layer_factors(layers)
    color = activation_color(activation)
    if not factors.empty:
        first, last = factors.columns[0], factors.columns[-1]
        _layer_line(ax, factors, first, color, "--", "o", 0.55,
                    "factor, " + _epoch_name(first), log=False)
        if last != first:
            _layer_line(ax, factors, last, color, "-", "s", 1.0,
                        "factor, " + _epoch_name(last, final=True), log=False)
    chi = metric_table(layers, "theory_chi")
    if not chi.empty and 0 in chi.columns:
        names = [n for n in chi.index if is_hidden(n)]
        ax.plot(np.arange(1, len(names) + 1), np.sqrt(chi.loc[names, 0].to_numpy(float)),
                color="#444444", linewidth=1.5, label="theory at init: sqrt(chi)")
    slope = deriv.columns[0]
    hidden = [n for n in deriv.index if is_hidden(n)]  # the head's slope is no layer's factor
    ax.plot(np.arange(1, len(hidden) + 1), deriv.loc[hidden, slope].to_numpy(float), ":",
            marker=".", color="#999999", label=f"mean slope |f'(z)| alone, epoch {slope}")
    names = set(activations or []) | {activation}
    if "sigmoid" in names:
        ax.axhline(0.25, color=ACTIVATION_COLORS["sigmoid"], linestyle=":", linewidth=1.2,
                   label="0.25: sigmoid's largest slope")
    ax.axhline(1.0, color="#888888", linestyle="-", linewidth=0.8, label="1: passes unchanged")
    values = np.concatenate([factors.to_numpy(float).ravel(), deriv.to_numpy(float).ravel()])
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    ax.set_ylim(0, min(max(1.5, top * 1.35), 5.0))  # headroom for the legend; a spike leaves
    _layer_axis(ax, deriv.index, activations)
    ax.set(ylabel="dL/dz's RMS: this layer / the one above")
    ax.set_title("dL/dz's factor per layer on its way down, measured\n"
                 "(the weights' gain x the slopes)", fontsize=9, color="#444444")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2,
              frameon=False)


def plot_grad_heatmaps(layers, metrics=None) -> Figure:
    """Layer x epoch heatmaps of gradient norms on a log colour scale, one panel per metric.

    Zeros (e.g. a step activation passes no gradient) and NaN cannot sit on a log scale: they are
    masked and drawn grey, and the panel title says how many there are.

    Args:
        layers: the tidy `layers.csv` frame.
        metrics: the norms to draw, one panel each; metrics not recorded are left out. By default
            the size-fair RMS (`grad_rms`, `preact_grad_rms`) when recorded, else the L2 norms.

    Returns:
        A Figure.
    """
    metrics = metrics or (gradient_metric(layers), gradient_metric(layers, "preact_grad_rms",
                                                                   "preact_grad_norm"))
    tables = {m: metric_table(layers, m) for m in metrics}
    tables = {m: t for m, t in tables.items() if not t.empty}
    if not tables:
        raise NothingToPlot("layers.csv has no gradient-norm rows")
    n_layers = max(len(t) for t in tables.values())
    height = max(3.4, 0.32 * n_layers + 2.0)
    fig = Figure(figsize=(5.6 * len(tables), height))
    fig.subplots_adjust(left=0.09, right=0.97, bottom=0.55 / height + 0.02,
                        top=1 - 0.75 / height, wspace=0.3)
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#cccccc")
    for ax, (metric, table) in zip(fig.subplots(1, len(tables), squeeze=False)[0], tables.items()):
        values = table.to_numpy(float)  # (layers, epochs)
        drawable = np.isfinite(values) & (values > 0)
        shown = np.ma.masked_where(~drawable, values)
        positive = values[drawable]
        name, symbol = NORMS.get(metric, (metric, ""))
        title = f"{name} {symbol}"
        zeros, missing = int((values == 0).sum()), int((~np.isfinite(values)).sum())
        if zeros or missing:
            parts = [f"{zeros} exactly 0"] * bool(zeros) + [f"{missing} NaN/inf"] * bool(missing)
            title += f"\ngrey = masked ({', '.join(parts)}; a log scale cannot show them)"
        if positive.size:
            low, high = positive.min(), positive.max()
            norm = LogNorm(low, high) if high / low >= 10 else LogNorm(*_decade_limits(positive))
            mesh = _cells(ax, shown, cmap, norm)
            fig.colorbar(mesh, ax=ax, label=f"{symbol or metric} (log)")
        else:
            _cells(ax, shown, cmap)
            ax.text(0.5, 0.5, "no non-zero values", ha="center", va="center",
                    transform=ax.transAxes)
        epochs = list(table.columns)
        ticks = _round_epochs(epochs)
        label_ticks(ax.xaxis, [i + 0.5 for i in ticks], [str(epochs[i]) for i in ticks])
        rows = _thin(range(len(table)), 16, keep_last=True)
        label_ticks(ax.yaxis, [i + 0.5 for i in rows], [str(table.index[i]) for i in rows])
        if len(epochs) > 1 and epochs[0] == 0:
            ax.axvline(1, color="white", linewidth=2)  # epoch 0 is a probe batch, not a mean
        ax.set_xlabel("epoch (0 = at initialisation)")
        ax.set_ylabel("layer (input at the bottom)")
        ax.set_title(title, fontsize=10)
    fig.suptitle("Gradient size per layer over training (dark = little gradient)",
                 fontweight="bold")
    return fig


def _cells(ax, values, cmap, norm=None):
    """A (rows, columns) table as cells of one unit each, row 0 at the bottom: the picture of
    `pcolormesh`, drawn as one image."""
    rows, columns = values.shape
    return ax.imshow(values, cmap=cmap, norm=norm, origin="lower", aspect="auto",
                     interpolation="nearest", extent=(0, columns, 0, rows))


def _round_epochs(epochs) -> list[int]:
    """Positions of about six round epochs (0, 20, 40, ...) among the columns, to label."""
    steps = MaxNLocator(nbins=6, integer=True, steps=[1, 2, 5, 10]).tick_values(
        epochs[0], epochs[-1])
    where = {epoch: i for i, epoch in enumerate(epochs)}
    found = [where[int(e)] for e in steps if e in where]
    return found if len(found) >= 2 else _thin(range(len(epochs)), 12)


def _layer_line(ax, table, epoch, color, style, marker, alpha, label, log=True):
    """One epoch of a layer x epoch table as a line over layer positions 1..L."""
    y = table[epoch].to_numpy(float)
    x = np.arange(1, len(y) + 1)
    shown = np.where(y > 0, y, np.nan) if log else y
    ax.plot(x, shown, linestyle=style, marker=marker, color=color, alpha=alpha, label=label,
            markerfacecolor=color if style == "-" else "white")
    zero = y == 0
    if log and zero.any():
        seen = any(h.get_label() == _ZERO_LABEL for h in ax.get_lines())
        ax.plot(x[zero], np.zeros(zero.sum()), "v", color=color, alpha=alpha, markersize=9,
                transform=ax.get_xaxis_transform(), clip_on=False,
                label="_" if seen else _ZERO_LABEL)


_ZERO_LABEL = "exactly 0 (cannot sit on a log axis)"


def _decade_limits(values) -> tuple[float, float]:
    """Limits spanning whole decades around the positive values, so a log axis shows 10^k ticks."""
    positive = values[values > 0]
    low, high = positive.min(), positive.max()
    return 10.0 ** np.floor(np.log10(low)), 10.0 ** np.ceil(np.log10(high) + 1e-9)


def _layer_axis(ax, names, activations=None):
    """Layer ticks 1..N then `output`; mixed networks get each layer's activation under it."""
    ticks = _thin(range(len(names)), 16, keep_last=True)
    mixed = activations and len(set(activations)) > 1
    labels = [layer_tick(names[i]) + (f"\n{activations[i]}" if mixed and i < len(activations)
                                      else "") for i in ticks]
    label_ticks(ax.xaxis, [i + 1 for i in ticks], labels, fontsize=7 if mixed else None)
    ax.set_xlabel("hidden layer (1 = next to the input), then output")


def _thin(positions, most: int, keep_last: bool = False) -> list[int]:
    positions = list(positions)
    step = max(1, -(-len(positions) // most))
    kept = positions[::step]
    if keep_last and kept and kept[-1] != positions[-1]:
        if positions[-1] - kept[-1] < step / 2 and len(kept) > 1:
            kept.pop()  # too close to the last label to fit beside it
        kept.append(positions[-1])
    return kept


def _epoch_name(epoch, final: bool = False) -> str:
    if epoch == 0:
        return "epoch 0 (at initialisation)"
    return f"epoch {epoch} (last)" if final else f"epoch {epoch}"


def _net(activation, layer_names) -> str:
    depth = sum(1 for name in layer_names if is_hidden(name))
    return f"{activation or 'network'}, {depth} hidden layers"


def _ratio_text(layers, first, last) -> str:
    parts = []
    for epoch in dict.fromkeys([first, last]):
        ratio = vanishing_ratio(layers, epoch)
        parts.append(f"{'n/a' if np.isnan(ratio) else f'{ratio:.2g}'} at epoch {epoch}")
    return "vanishing ratio (first / last hidden layer): " + ", ".join(parts)
