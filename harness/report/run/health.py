"""Activation health per layer: saturation, dead units and the spread of each layer's outputs.

Hidden layers are drawn as lines over layer positions; the output layer (the head) stands apart,
as a lone grey marker: a confident sigmoid or softmax head saturates by design, which is not the
warning sign a saturated hidden layer is. One y-scale rule for every run: shares on 0..1, the
spread on a log axis, so two runs' panels read alike.
"""

import numpy as np
from matplotlib.figure import Figure

from harness.base.frames import is_hidden, layer_tick, metric_table
from harness.report.draw.style import NothingToPlot, activation_color
from harness.report.draw.ticks import label_ticks

HEAD_COLOR = "#777777"
SHARES = ("saturation", "dead_fraction")


def stat_labels(layers) -> dict:
    """metric -> (panel title, y label); the dead-unit title says which measure the run has."""
    over_epoch = not layers.empty and (layers["metric"] == "dead_fraction_batch").any()
    dead = ("dead units (output 0 for every example of the epoch)" if over_epoch
            else "dead units (output 0 for the whole batch)")
    return {"saturation": ("saturation (flat tails of sigmoid/tanh)", "share of outputs"),
            "dead_fraction": (dead, "share of units"),
            "act_std": ("spread of the layer's outputs", "standard deviation (log)"),
            "act_mean": ("mean of the layer's outputs", "mean")}


def plot_activation_stats(layers, activation: str = "",
                          metrics=("saturation", "dead_fraction", "act_std"),
                          activations: list | None = None, head: str = "") -> Figure:
    """Per-layer activation statistics at initialisation and at the last epoch, one panel each.

    Args:
        layers: the tidy `layers.csv` frame.
        activation: the hidden activation, for the colour and the title.
        metrics: the statistics to draw.
        activations: one activation per hidden layer (mixed networks label each layer with it).
        head: the output head's name, for its label.

    Returns:
        A Figure. Shares (saturation, dead fraction) use a 0..1 axis, the spread a log axis.
    """
    tables = {m: metric_table(layers, m) for m in metrics}
    tables = {m: t for m, t in tables.items() if not t.empty}
    if not tables:
        raise NothingToPlot("layers.csv has no activation statistics")
    labels = stat_labels(layers)
    color = activation_color(activation)
    fig = Figure(figsize=(4.4 * len(tables), 4.0))
    mixed = bool(activations) and len(set(activations)) > 1
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.2 if mixed else 0.15, top=0.76,
                        wspace=0.28)
    axes = fig.subplots(1, len(tables), squeeze=False)[0]
    for ax, (metric, table) in zip(axes, tables.items()):
        hidden = table.loc[[n for n in table.index if is_hidden(n)]]
        others = [n for n in table.index if not is_hidden(n)]
        first, last = table.columns[0], table.columns[-1]
        x = np.arange(1, len(hidden) + 1)
        epochs = [(first, "--", "o", 0.55)] + ([(last, "-", "s", 1.0)] if last != first else [])
        for epoch, style, marker, alpha in epochs:
            name = "init (epoch 0)" if epoch == 0 else f"epoch {epoch}"
            ax.plot(x, hidden[epoch].to_numpy(float), linestyle=style, marker=marker,
                    color=color, alpha=alpha, label=f"hidden, {name}",
                    markerfacecolor=color if style == "-" else "white")
            for k, layer in enumerate(others):  # the head, apart from the hidden line
                ax.plot([len(hidden) + 1.5 + k], [table.at[layer, epoch]], marker=marker,
                        color=HEAD_COLOR, alpha=alpha, linestyle="none",
                        markerfacecolor=HEAD_COLOR if style == "-" else "white",
                        label=f"head ({head or 'output'}), {name}" if k == 0 else "_")
        if others:
            ax.axvline(len(hidden) + 0.75, color="#cccccc", linewidth=1)
        title, unit = labels.get(metric, (metric, metric))
        values = table.to_numpy(float)
        values = values[np.isfinite(values)]
        if metric in SHARES:
            ax.set_ylim(-0.03, 1.03)
        elif metric == "act_std" and values.size and values.min() > 0:
            ax.set_yscale("log")
        ticks = list(x) + [len(hidden) + 1.5 + k for k in range(len(others))]
        names = [layer_tick(n) for n in hidden.index] + ["head" if n == "output" else n
                                                         for n in others]
        if mixed:
            names = [f"{n}\n{a}" for n, a in zip(names, activations)] + names[len(activations):]
        label_ticks(ax.xaxis, ticks, names, fontsize=7 if len(ticks) > 12 or mixed else None)
        ax.set(title=title, ylabel=unit, xlabel="hidden layer (1 = next to the input), head")
        ax.title.set_fontsize(9)
        ax.grid(True, alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 0.92), ncols=4,
               fontsize=8, frameon=False)  # one legend: the panels share it
    depth = sum(1 for n in next(iter(tables.values())).index if is_hidden(n))
    fig.suptitle(f"Activation statistics per layer: {activation or 'network'}, {depth} hidden "
                 "layers (the head apart, in grey)", fontweight="bold")
    return fig
