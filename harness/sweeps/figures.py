"""A sweep page's figures, in page order: two tables of `harness.report.entry.FigureEntry`.

`SWEEP_FIGURES` is drawn once for the whole `Study` (the vanishing ratio against depth, when depth
varies); `FACET_FIGURES` once per `Facet`. With two or more grid keys, each value of one of them
(depth when it varies, else the first key other than the activation: `choose_facet`) gets its own
figures, lines coloured by the group (the cell without that key's value), seeds averaged into a
line and a band.

    study = Study(exp, runs)
    drawn = draw_entries(SWEEP_FIGURES, study, out)
    for facet in facets(exp, loaded):
        drawn = draw_entries(FACET_FIGURES, facet, out, facet.suffix)
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from harness.base.frames import is_hidden
from harness.base.labels import folder_name
from harness.models.types import lead_figures
from harness.report.compare.grouped import (
    group_band,
    group_colors,
    group_style,
    plot_grouped_grad_norms,
    plot_grouped_history,
)
from harness.report.compare.layers import plot_compare_histograms, plot_compare_update_ratio
from harness.report.draw.style import (
    OTHER_COLORS,
    NothingToPlot,
    shared_gradient_metric,
    size_words,
)
from harness.report.entry import FigureEntry
from harness.report.run.health import stat_labels
from harness.report.run.time import plot_time_overlay
from harness.sweeps.experiment import Experiment

DEPTH, ACTIVATION = "model.depth", "model.activation"
HISTORY = ("loss", "val_loss", "accuracy", "val_accuracy", "rmse", "val_rmse")


@dataclass(frozen=True)
class Study:
    """A whole sweep, as its headline figure reads it: the `Experiment` and `runs.csv`."""

    exp: Experiment
    runs: pd.DataFrame

    def by_depth(self) -> bool:
        """Whether the grid varies the depth (then the page opens with the ratio against it)."""
        return len(self.exp.grid.get(DEPTH, [])) > 1


@dataclass(frozen=True)
class Facet:
    """One value of the facet key (or the whole sweep, without one), as its figures read it.

    Attributes:
        where: the value as the titles say it, e.g. `"depth=10"`, or `"all runs"`.
        folders: the run folders of its points, whether or not they exist.
        suffix: put in each file's name, e.g. `"_depth=10"` ('' without a facet key).
        colors: group -> colour, the same in every facet.
        layers, history, health: its runs' frames with `run` and `group` columns; `health` per
            epoch, the mean over the hidden layers of `dead_fraction` and `saturation`.
        first: group -> the `Run` of its first seed (histograms do not average).
        styles: group -> line style of that first seed.
        steps: group -> the first seed's `timesteps.csv` (empty when it is not recurrent).
    """

    where: str
    folders: list
    suffix: str
    colors: dict
    layers: pd.DataFrame
    history: pd.DataFrame
    health: pd.DataFrame
    first: dict
    styles: dict
    steps: dict

    def titled(self, fig: Figure, title: str) -> Figure:
        """`fig` under a bold title ending in this facet's value."""
        fig.suptitle(f"{title}, {self.where}", fontweight="bold")
        return fig


def lead_names(exp) -> tuple[str, ...]:
    """The figures the sweep's page puts first: the headline figures of its runs' model types
    (`ModelType.lead_figures`: a recurrent sweep opens with `sweep_time.png`), in grid order."""
    return lead_figures(*(p.config.model.type for p in exp.points))


def facets(exp, loaded: dict) -> list[Facet]:
    """The sweep's facets, in grid order.

    Args:
        exp: the `Experiment`.
        loaded: run folder name -> `Run`, for the runs whose folder exists.
    """
    key = choose_facet(exp.grid)
    groups = {p.folder: _group(p, key) for p in exp.points}
    colors = _colors(list(dict.fromkeys(groups.values())))
    found = []
    for where, points in _split(exp.points, key):
        here = [(loaded[p.folder], {"run": p.folder, "group": groups[p.folder]})
                for p in points if p.folder in loaded]  # (Run, the columns that tag its rows)
        first = {}
        for run, tag in here:
            first.setdefault(tag["group"], run)
        found.append(Facet(
            where=where, folders=[p.folder for p in points], colors=colors,
            suffix=f"_{folder_name([('', where)]).lstrip('=')}" if key else "",
            layers=_concat([r.layers.assign(**tag) for r, tag in here if not r.layers.empty]),
            history=_concat([r.history.assign(**tag) for r, tag in here if not r.history.empty]),
            health=_concat([_health(r.layers).assign(**tag) for r, tag in here
                            if not r.layers.empty]),
            first=first, styles={g: {"color": colors[g], **_line(i)} for i, g in enumerate(first)},
            steps={g: r.table("timesteps.csv") for g, r in first.items()}))
    return found


def choose_facet(grid: dict) -> str | None:
    """The grid key that gets a figure per value: depth if it varies, else the first varying key
    other than the activation (which stays in each figure, as colours); None with one such key."""
    varied = [key for key, values in grid.items() if len(values) > 1]
    if len(varied) < 2:
        return None
    return DEPTH if DEPTH in varied else next(key for key in varied if key != ACTIVATION)


def plot_ratio_by_depth(frame: pd.DataFrame, colors: dict) -> Figure:
    """Vanishing ratio at initialisation and after training against depth, one line per group.

    Args:
        frame: `runs.csv` rows with a `group` column (the cell without its depth).
        colors: group -> colour.

    Returns:
        A Figure with two panels sharing a log y axis, or the first alone when no run trained
        an epoch (its "final" ratio is the initial one again).
    """
    panels = [("vanishing_ratio_init", "at initialisation")]
    if "epochs_run" in frame and (pd.to_numeric(frame["epochs_run"], errors="coerce") > 0).any():
        trained = pd.to_numeric(frame["epochs_run"], errors="coerce") > 0
        frame = frame.assign(vanishing_ratio_final=frame["vanishing_ratio_final"].where(trained))
        panels.append(("vanishing_ratio_final", "after the last epoch"))
    fig = Figure(figsize=(11 if len(panels) > 1 else 6.5, 4.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels), sharey=True))
    drawn = False
    for ax, (column, title) in zip(axes, panels):
        stats = group_band(frame, DEPTH, column, "minmax", log=True)
        for i, (group, line) in enumerate(stats.groupby("group", sort=False)):
            ax.fill_between(line[DEPTH], line["low"], line["high"], color=colors[group],
                            alpha=0.2, linewidth=0)
            ax.plot(line[DEPTH], line["mean"], color=colors[group], label=group,
                    **group_style(i))
            drawn = True
        ax.axhline(1.0, color="#888", linestyle=":", linewidth=1)
        ax.set(yscale="log", title=title, xlabel="depth (hidden layers)")
        ax.set_xticks(sorted(frame[DEPTH].unique()))
        ax.grid(True, alpha=0.3)
    if not drawn:
        raise NothingToPlot("no run has a vanishing ratio (it needs 2+ hidden layers)")
    axes[0].set_ylabel("vanishing ratio: hidden_1 / hidden_N gradient (log)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=9, frameon=False)
    fig.suptitle("How much gradient reaches the first layer", fontweight="bold")
    return fig


def _trained(layers: pd.DataFrame) -> bool:
    """Whether any run of these `layers.csv` rows has an epoch after initialisation."""
    return "epoch" in layers and bool((layers["epoch"] > 0).any())


def _ratio_by_depth(s: Study) -> Figure:
    frame = s.runs.assign(group=[_group(p, DEPTH) for p in s.exp.points])
    return plot_ratio_by_depth(frame, _colors(list(dict.fromkeys(frame["group"]))))


def _histograms(f: Facet) -> Figure:
    frames = [r.table("histograms.csv").assign(run=g) for g, r in f.first.items()]
    return f.titled(plot_compare_histograms(_concat(frames), f.styles),
                    "Distributions in the first, a middle and the last hidden layer")


def _update_ratio(f: Facet) -> Figure:
    frames = [r.layers.assign(run=g) for g, r in f.first.items() if not r.layers.empty]
    return f.titled(plot_compare_update_ratio(_concat(frames), f.styles),
                    "How far each step moves each layer's weights")


SWEEP_FIGURES = (
    FigureEntry(
        name="sweep_ratio_by_depth.png", title="Vanishing ratio against depth",
        applies=Study.by_depth, draw=_ratio_by_depth,
        caption="grad_rms(hidden_1) / grad_rms(last hidden layer) for each depth: the geometric "
                "mean over seeds, the band from the lowest to the highest seed. 1 (dotted) means "
                "the first layer gets as much gradient as the last; every factor of 10 below is a "
                "decade less."),
)

FACET_FIGURES = (
    FigureEntry(
        name="sweep_grad_norms.png", title=lambda f: f"Gradient size per layer, {f.where}",
        draw=lambda f: f.titled(plot_grouped_grad_norms(f.layers, colors=f.colors),
                                "Gradient size per layer"),
        caption=lambda f: (
            f"Kernel gradient {size_words(shared_gradient_metric(f.layers))} of each layer (1 = "
            "next to the input) at initialisation" + (
                " (left) and after the last epoch (right)" if _trained(f.layers)
                else " (no run trained an epoch: there is no after)") + ": the "
            "geometric mean over seeds, the band from the lowest to the highest seed. A line "
            "climbing steeply to the right is a network whose first layers get orders of "
            "magnitude less gradient than its last ones.")),
    FigureEntry(
        name="sweep_history.png", title=lambda f: f"Learning curves, {f.where}",
        draw=lambda f: f.titled(plot_grouped_history(f.history, HISTORY, colors=f.colors),
                                "Learning curves"),
        caption="Training and validation loss and accuracy (or RMSE) per epoch: the mean over "
                "seeds, the band from the lowest to the highest seed. A quantity's two panels "
                "share their y axis: training above validation accuracy is overfitting (training "
                "metrics are taken as the model trains, with dropout on and the weight penalty in "
                "the loss)."),
    FigureEntry(
        name="sweep_histograms.png", title=lambda f: f"Distributions per layer, {f.where}",
        draw=_histograms,
        caption="Activations and weight gradients (log10|g|) of the first, a middle and the last "
                "hidden layer at initialisation and at the last logged epoch, the first seed of "
                "each cell overlaid."),
    FigureEntry(
        name="sweep_update_ratio.png",
        title=lambda f: f"Update-to-weight ratio per layer, {f.where}", draw=_update_ratio,
        caption="std(ΔW) / std(W) per layer after the first and the last epoch, the first seed "
                "of each cell; 1e-3 (dashed) is a usual healthy size."),
    FigureEntry(  # recurrent runs
        name="sweep_time.png", title=lambda f: f"Gradient over time, {f.where}",
        applies=lambda f: any(not frame.empty for frame in f.steps.values()),
        draw=lambda f: f.titled(plot_time_overlay(f.steps, f.styles), "Gradient over time"),
        caption="||dL/dh_t|| of the last recurrent layer at every step t, through the whole "
                "recurrence, at initialisation (left) and after training (right), the first seed "
                "of each cell: a line falling to the left is the gradient vanishing back through "
                "time."),
    FigureEntry(
        name="sweep_health.png", title=lambda f: f"Dead units and saturation, {f.where}",
        draw=lambda f: f.titled(plot_grouped_history(f.health, ("dead_fraction", "saturation"),
                                                     colors=f.colors),
                                "Dead units and saturation"),
        caption=lambda f: (
            "Mean over the hidden layers of the share of "
            f"{stat_labels(f.layers)['dead_fraction'][0]} and of saturated outputs (in the flat "
            "tails of sigmoid or tanh), per epoch; epoch 0 is the network at initialisation.")),
)


def _group(point, facet) -> str:
    """The label seeds share, without the facet's value (each facet has its own figure)."""
    parts = [f"{short}={label}" for key, short, label in point.parts if key != facet]
    return ", ".join(parts) or "all runs"


def _colors(groups: list[str]) -> dict:
    """Activation colours when they tell the groups apart, else a cycle of distinct colours."""
    colors = group_colors(groups)
    if len(set(colors.values())) < len(groups):
        palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b",
                   "#e377c2", *OTHER_COLORS]
        colors = {g: palette[i % len(palette)] for i, g in enumerate(groups)}
    return colors


def _split(points, facet) -> list[tuple[str, list]]:
    """(title, points) per value of the facet key, e.g. ("depth=10", [...])."""
    if facet is None:
        return [("all runs", points)]
    titles = {p.folder: ", ".join(f"{s}={v}" for k, s, v in p.parts if k == facet) for p in points}
    return [(t, [p for p in points if titles[p.folder] == t])
            for t in dict.fromkeys(titles.values())]


def _health(layers: pd.DataFrame) -> pd.DataFrame:
    """Per epoch: the mean over hidden layers of `dead_fraction` and `saturation`."""
    rows = layers[layers["layer"].astype(str).map(is_hidden)
                  & layers["metric"].isin(["dead_fraction", "saturation"])]
    return rows.pivot_table(index="epoch", columns="metric", values="value").reset_index()


def _concat(frames: list) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["run", "group", "epoch", "layer", "metric", "value"])


def _line(i: int) -> dict:
    style = group_style(i)
    return {k: style[k] for k in ("linestyle", "marker", "linewidth")}
