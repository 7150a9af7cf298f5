"""The phase diagram of an activation at initialisation: where deep networks can train.

Takes `harness.theory.phase.phase_grid` rows (`sigma_w2, sigma_b2, q_star, chi`) per activation and
returns a matplotlib `Figure`: chi over the (sigma_w^2, sigma_b^2) plane, the line chi = 1 between
the ordered phase (gradients vanish) and the chaotic one (they explode), and the config's point.
"""

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot


def chi_norm(grids: dict) -> LogNorm:
    """The colour scale of chi: symmetric about 1 (white) in decades, wide enough for every
    value drawn (clipped to 1e-3..1e3), at least 0.1..10, so that no part of the plane is one
    clipped colour (sigmoid's chi sits between 1e-3 and 0.25)."""
    values = np.concatenate([g["chi"].to_numpy(float) for g in grids.values()])
    values = np.clip(values[np.isfinite(values) & (values > 0)], 1e-3, 1e3)
    span = max(1.0, float(np.abs(np.log10(values)).max())) if values.size else 1.0
    return LogNorm(10 ** -span, 10 ** span)


def plot_phase(grids: dict, points: dict | None = None) -> Figure:
    """One panel per activation: chi coloured on a log scale (1 white), the chi = 1 line.

    Args:
        grids: activation name -> its `phase_grid` frame.
        points: activation name -> [(sigma_w2, sigma_b2, label), ...] to mark (a config's layers).

    Returns:
        A Figure.
    """
    if not grids:
        raise NothingToPlot("no activation to draw a phase diagram for")
    fig = Figure(figsize=(max(7.0, 5.2 * len(grids)), 4.6), layout="constrained")
    axes = fig.subplots(1, len(grids), squeeze=False)[0]
    norm = chi_norm(grids)
    box = dict(facecolor="white", alpha=0.75, edgecolor="none")
    for ax, (name, grid) in zip(axes, grids.items()):
        table = grid.pivot(index="sigma_b2", columns="sigma_w2", values="chi")
        w, b = table.columns.to_numpy(float), table.index.to_numpy(float)
        chi = np.clip(table.to_numpy(float), 1e-3, 1e3)
        mesh = ax.pcolormesh(w, b, chi, cmap="RdBu_r", norm=norm, shading="auto")
        ordered, chaotic = np.nanmin(chi) < 1, np.nanmax(chi) > 1
        if ordered and chaotic:
            ax.contour(w, b, chi, levels=[1.0], colors="black", linewidths=2)
            ax.plot([], [], color="black", linewidth=2, label="chi = 1 (edge of chaos)")
            ax.text(0.03, 0.95, "ordered:\ngradients vanish", transform=ax.transAxes, va="top",
                    fontsize=9, color="#08306b", bbox=box)
            ax.text(0.97, 0.05, "chaotic:\ngradients explode", transform=ax.transAxes,
                    ha="right", fontsize=9, color="#67000d", bbox=box)
        else:
            words = ("chi < 1 everywhere here: ordered, gradients vanish with depth" if ordered
                     else "chi > 1 everywhere here: chaotic, gradients explode with depth")
            ax.text(0.5, 0.5, words, transform=ax.transAxes, ha="center", fontsize=9, bbox=box)
        for sw2, sb2, label in (points or {}).get(name, []):
            ax.plot(sw2, sb2, marker="*", markersize=16, color="gold", markeredgecolor="black",
                    linestyle="none", label=label, clip_on=False)
        ax.set(xlabel="sigma_w^2 = fan_in Var(W)", ylabel="sigma_b^2 (bias variance)",
               title=name)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="upper right")
    fig.colorbar(mesh, ax=list(axes), label="chi = sigma_w^2 E[f'(h)^2] at the fixed point q*")
    fig.suptitle("Phase diagram at initialisation:\ndeep networks train near chi = 1",
                 fontweight="bold")
    return fig
