"""A sweep's `report.html`: seeds grouped per grid cell, one set of figures per depth.

Built from the run folders with the report package's page helpers and grouped plots (no TensorFlow).
With two or more grid keys, each value of one of them (depth when it varies, else the first key
other than the activation) gets its own figures, lines coloured by activation; when that key is
depth, a first figure shows the vanishing ratio against depth.
"""

import os
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from harness.base.files import write_text
from harness.base.frames import is_hidden, masked_counts
from harness.base.labels import folder_name
from harness.report import page
from harness.report.compare.grouped import (
    group_band,
    group_colors,
    group_style,
    plot_grouped_grad_norms,
    plot_grouped_history,
)
from harness.report.compare.layers import plot_compare_histograms, plot_compare_update_ratio
from harness.report.draw.png import build_figure, save_figure
from harness.report.draw.style import (
    OTHER_COLORS,
    NothingToPlot,
    shared_gradient_metric,
    size_words,
)
from harness.report.run.health import stat_labels
from harness.report.run.time import plot_time_overlay
from harness.rundir.run import read_table

DEPTH, ACTIVATION = "model.depth", "model.activation"
# Between ± (or ×/÷) and the spread: a narrow window wraps a cell as "0.553 / ± 0.157", so the
# summary table fits the page instead of cutting its last columns (issue 18: at 1,400 px).
NBSP = "\u00a0"
TIMES_DIVIDE = "×\u2060/\u2060÷"  # ×/÷ held together by word joiners: no break at the slash
SHOWN = ["test_accuracy", "train_accuracy", "test_rmse", "test_loss", "vanishing_ratio_init",
         "vanishing_ratio_final", "dead_fraction_final", "saturation_final", "wall_time_s"]


def write_report(out: Path, exp, runs: pd.DataFrame, summary: pd.DataFrame, loaded: dict) -> Path:
    """Writes the figures and `report.html` of a sweep into `out`; returns the page's path.

    Args:
        out: the sweep folder.
        exp: the `Experiment`.
        runs, summary: the `runs.csv` and `summary.csv` frames.
        loaded: run folder name -> `Run`, for the runs whose folder exists.
    """
    facet = choose_facet(exp.grid)
    groups = {p.folder: _group(p, facet) for p in exp.points}
    colors = _colors(list(dict.fromkeys(groups.values())))
    figures, notes, drawn, cell_figure = [], [], set(), {}

    def add(name, title, caption, draw):
        try:
            drawn.add(name)
            path = save_figure(out / name, build_figure(draw))
            figures.append(page.figure(path, title, caption))
        except NothingToPlot as reason:
            drawn.discard(name)
            (out / name).unlink(missing_ok=True)
            notes.append(f"{title}: not drawn: {reason}.")

    if len(exp.grid.get(DEPTH, [])) > 1:
        frame = runs.assign(group=[_group(p, DEPTH) for p in exp.points])
        depth_colors = _colors(list(dict.fromkeys(frame["group"])))
        add("sweep_ratio_by_depth.png", "Vanishing ratio against depth",
            "grad_rms(hidden_1) / grad_rms(last hidden layer) for each depth: the geometric mean "
            "over seeds, the band from the lowest to the highest seed. 1 (dotted) means the first "
            "layer gets as much gradient as the last; every factor of 10 below is a decade less.",
            lambda: plot_ratio_by_depth(frame, depth_colors))
    for where, points in _facets(exp.points, facet):
        suffix = f"_{folder_name([('', where)]).lstrip('=')}" if facet else ""
        here = [(loaded[p.folder], {"run": p.folder, "group": groups[p.folder]})
                for p in points if p.folder in loaded]  # (Run, the columns that tag its rows)
        layers = _concat([r.layers.assign(**tag) for r, tag in here if not r.layers.empty])
        history = _concat([r.history.assign(**tag) for r, tag in here if not r.history.empty])
        health = _concat([_health(r.layers).assign(**tag) for r, tag in here if not r.layers.empty])
        add(f"sweep_grad_norms{suffix}.png", f"Gradient size per layer, {where}",
            f"Kernel gradient {size_words(shared_gradient_metric(layers))} of each layer (1 = "
            "next to the input) at initialisation (left) and after the last epoch (right): the "
            "geometric mean over seeds, the band from the lowest to the highest seed. A line "
            "climbing steeply to the right is a network whose first layers get orders of "
            "magnitude less gradient than its last ones.",
            lambda: _titled(plot_grouped_grad_norms(layers, colors=colors),
                            f"Gradient size per layer, {where}"))
        add(f"sweep_history{suffix}.png", f"Learning curves, {where}",
            "Training and validation loss and accuracy (or RMSE) per epoch: the mean over seeds, "
            "the band from the lowest to the highest seed. A quantity's two panels share their "
            "y axis: training above validation accuracy is overfitting (training metrics are "
            "taken as the model trains, with dropout on and the weight penalty in the loss).",
            lambda: _titled(plot_grouped_history(
                history, ("loss", "val_loss", "accuracy", "val_accuracy", "rmse", "val_rmse"),
                colors=colors), f"Learning curves, {where}"))
        if f"sweep_grad_norms{suffix}.png" in drawn:
            cell_figure.update({p.folder: f"sweep_grad_norms{suffix}_png" for p in points})
        first = _first_seeds(here)  # one run per cell: histograms do not average
        styles = {g: {"color": colors[g], **_line(i)} for i, g in enumerate(first)}
        add(f"sweep_histograms{suffix}.png", f"Distributions per layer, {where}",
            "Activations and weight gradients (log10|g|) of the first, a middle and the last "
            "hidden layer at initialisation and at the last logged epoch, the first seed of "
            "each cell overlaid.",
            lambda: _titled(plot_compare_histograms(_concat([
                read_table(r.dir / "histograms.csv").assign(run=g)
                for g, r in first.items()]), styles),
                f"Distributions in the first, a middle and the last hidden layer, {where}"))
        add(f"sweep_update_ratio{suffix}.png", f"Update-to-weight ratio per layer, {where}",
            "std(ΔW) / std(W) per layer after the first and the last epoch, the first seed of "
            "each cell; 1e-3 (dashed) is a usual healthy size.",
            lambda: _titled(plot_compare_update_ratio(_concat([
                r.layers.assign(run=g) for g, r in first.items() if not r.layers.empty]), styles),
                f"How far each step moves each layer's weights, {where}"))
        steps = {g: read_table(r.dir / "timesteps.csv") for g, r in first.items()}
        if any(not frame.empty for frame in steps.values()):  # recurrent runs
            add(f"sweep_time{suffix}.png", f"Gradient over time, {where}",
                "||dL/dh_t|| of the last recurrent layer at every step t, through the whole "
                "recurrence, at initialisation (left) and after training (right), the first "
                "seed of each cell: a line falling to the left is the gradient vanishing back "
                "through time.", lambda: _titled(plot_time_overlay(steps, styles),
                                                 f"Gradient over time, {where}"))
        add(f"sweep_health{suffix}.png", f"Dead units and saturation, {where}",
            "Mean over the hidden layers of the share of "
            f"{stat_labels(layers)['dead_fraction'][0]} and of saturated outputs (in the flat "
            "tails of sigmoid or tanh), per epoch; epoch 0 is the network at initialisation.",
            lambda: _titled(plot_grouped_history(health, ("dead_fraction", "saturation"),
                                                 colors=colors),
                            f"Dead units and saturation, {where}"))

    zeros = [p.group for p in exp.points if p.folder in loaded
             and masked_counts(loaded[p.folder].layers, "grad_norm")[0]]
    if zeros:
        notes.append(f"{len(zeros)} runs ({', '.join(dict.fromkeys(zeros))}) have gradient norms "
                     "of exactly 0: no gradient passes (as through a step). A log axis cannot show "
                     "0, so those layers are missing from the gradient figures.")
    failed = runs[runs["status"] != "completed"]
    headline, rest = figures[:1], figures[1:]
    body = [f"<h1>Sweep: {page.esc(exp.name)}</h1>",
            f'<p class="sub">{len(runs)} runs: {page.esc(_grid_text(exp))}; '
            f"{len(runs) - len(failed)} completed, {len(failed)} not.<br>"
            f"<code>{page.esc(exp.path)}</code> over <code>{page.esc(exp.base)}</code>"
            + (f", with {page.esc(_fixed_text(exp))}" if exp.fixed else "") + "</p>",
            page.notes([_failure(row) for _, row in failed.iterrows()], css="warn"),
            page.notes(notes), *headline,
            summary_section(summary, list(exp.grid)),
            "<h2>Figures</h2>", *rest,
            "<h2>Runs</h2>", _runs_table(runs, exp, out, cell_figure)]
    return write_text(out / "report.html", page.page(f"Sweep: {exp.name}", body))


def plot_ratio_by_depth(frame: pd.DataFrame, colors: dict) -> Figure:
    """Vanishing ratio at initialisation and after training against depth, one line per group.

    Args:
        frame: `runs.csv` rows with a `group` column (the cell without its depth).
        colors: group -> colour.

    Returns:
        A Figure with two panels sharing a log y axis.
    """
    fig = Figure(figsize=(11, 4.4), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    drawn = False
    for ax, column, title in [(axes[0], "vanishing_ratio_init", "at initialisation"),
                              (axes[1], "vanishing_ratio_final", "after the last epoch")]:
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


def choose_facet(grid: dict) -> str | None:
    """The grid key that gets a figure per value: depth if it varies, else the first varying key
    other than the activation (which stays in each figure, as colours); None with one such key."""
    varied = [key for key, values in grid.items() if len(values) > 1]
    if len(varied) < 2:
        return None
    return DEPTH if DEPTH in varied else next(key for key in varied if key != ACTIVATION)


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


def _facets(points, facet) -> list[tuple[str, list]]:
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


def _titled(fig: Figure, title: str) -> Figure:
    fig.suptitle(title, fontweight="bold")
    return fig


def _concat(frames: list) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["run", "group", "epoch", "layer", "metric", "value"])


def summary_section(summary: pd.DataFrame, keys: list[str]) -> str:
    """The page's "Summary over seeds": one row per grid cell, mean ± sd (ratios: geometric mean
    ×/÷ geometric sd), cells that wrap before the spread rather than run off a narrow page."""
    return ("<h2>Summary over seeds</h2>" + page.frame_table(_summary_view(summary, keys))
            + '<p class="hint">Ratios: geometric mean ×/÷ geometric standard deviation over the '
            "seeds of each cell (the mean of log10, as the figures draw them); other columns: "
            "mean ± standard deviation. Vanishing ratio = grad_rms(hidden_1) / grad_rms(last "
            "hidden layer), n/a with fewer than 2 hidden layers. summary.csv holds every column's "
            "plain mean and std, and the ratios' geometric ones (_gmean, _gsd); every run is in "
            "runs.csv.</p>")


def _summary_view(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    view = summary[[*keys, "n", "n_completed"]].copy()
    for metric in SHOWN:
        if f"{metric}_mean" in summary and summary[f"{metric}_mean"].notna().any():
            if f"{metric}_gmean" in summary:  # a ratio: its seeds averaged in log10
                view[metric] = [_geometric(g, s, metric) for g, s in
                                zip(summary[f"{metric}_gmean"], summary[f"{metric}_gsd"])]
            else:
                view[metric] = [_mean_std(m, s, metric) for m, s in
                                zip(summary[f"{metric}_mean"], summary[f"{metric}_std"])]
    if "expect" in summary:  # the experiment's expect: block, per cell
        view["expect"] = summary["expect"]
    return view


def _geometric(gmean, gsd, metric) -> str:
    """`gm ×/÷ gsd` (summary.csv's `_gmean`, `_gsd`): a ratio as the figures average it."""
    if pd.isna(gmean):
        return "n/a"
    return page.fmt(gmean, metric) + ("" if pd.isna(gsd) else f" {TIMES_DIVIDE}{NBSP}{gsd:.2g}")


def _line(i: int) -> dict:
    style = group_style(i)
    return {k: style[k] for k in ("linestyle", "marker", "linewidth")}


def _first_seeds(here) -> dict:
    """group -> the Run of its first seed, in the order the groups appear."""
    first = {}
    for run, tag in here:
        first.setdefault(tag["group"], run)
    return first


def _mean_std(mean, std, name) -> str:
    if pd.isna(mean):
        return "n/a"
    return page.fmt(mean, name) + ("" if pd.isna(std) else f" ±{NBSP}{page.fmt(std, name)}")


def _runs_table(runs: pd.DataFrame, exp, out: Path, cell_figure: dict) -> str:
    """One row per run, linking its report; a run without one (sweeps build them only with
    `--run-reports`, to keep a study fast) links its cell's figures on this page and its folder."""
    metric = "test_accuracy" if "test_accuracy" in runs else "test_rmse"
    head = "".join(f"<th>{page.esc(c)}</th>" for c in
                   ["run", "seed", "status", metric, "ratio at init", "ratio at end", "report"])
    rows = []
    for point, (_, row) in zip(exp.points, runs.iterrows()):
        report = Path(row["dir"]) / "report.html"
        target = report if report.is_file() else report.parent  # the folder until a report exists
        link = (f'<a href="{page.esc(Path(os.path.relpath(target, out)).as_posix())}">'
                f'{"report" if report.is_file() else "folder"}</a>')
        if not report.is_file() and point.folder in cell_figure:
            link = f'<a href="#{page.esc(cell_figure[point.folder])}">cell figures</a> · {link}'

        cells = [point.group, row["seed"], row["status"]]
        numbers = [(row.get(metric), metric), (row["vanishing_ratio_init"], "ratio"),
                   (row["vanishing_ratio_final"], "ratio")]
        rows.append("<tr>" + "".join(f"<td>{page.esc(c)}</td>" for c in cells)
                    + "".join(f'<td class="num">{page.fmt(v, n)}</td>' for v, n in numbers)
                    + f"<td>{link}</td></tr>")
    missing = [Path(d) for d in runs["dir"] if not (Path(d) / "report.html").is_file()]
    hint = ("" if not missing else
            f'<p class="hint">{len(missing)} runs have no report of their own yet: build one with '
            f"<code>python -m harness report {page.esc(missing[0].as_posix())}</code>, or every "
            "one by running the sweep again with <code>--run-reports</code> (the trained runs are "
            "skipped; ~0.7 s per report).</p>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{hint}"


def _failure(row) -> str:
    error = f": {row['error']}" if row["error"] else ""
    return f"{Path(row['dir']).name}: {row['status']}{error}"


def _grid_text(exp) -> str:
    axes = [f"{key} [{', '.join(map(str, dict.fromkeys(p.labels[key] for p in exp.points)))}]"
            for key in exp.grid]
    return " x ".join([*axes, f"seeds {exp.seeds}"])


def _fixed_text(exp) -> str:
    return ", ".join(f"{k}={v}" for k, v in exp.fixed.items())
