"""Learning curves of one run: loss and accuracy, or loss, MAE and RMSE for regression.

Takes the `history.csv` frame (one row per epoch, `results/README.md`) and returns a matplotlib
`Figure`, like the functions in `harness.report.run.gradients`.
"""

import numpy as np
from matplotlib.figure import Figure

from harness.report.draw.style import LOG_SPAN, NothingToPlot, activation_color
from harness.report.draw.ticks import epoch_axis


def plot_history(history, activation: str = "", loss_name: str = "",
                 diverged_epoch: int | None = None, chance: dict | None = None) -> Figure:
    """Training and validation curves: loss and accuracy, or loss, MAE and RMSE for regression.

    Args:
        history: the `history.csv` frame, one row per epoch.
        activation: the hidden activation, for the colour.
        loss_name: the configured loss, for the y label.
        diverged_epoch: drawn as a red line when the run diverged.
        chance: `{"accuracy": a, "loss": l}` (summary.json's chance level), drawn dotted.

    Returns:
        A Figure. Non-finite values (a diverged epoch) are left out of the lines.
    """
    if history.empty or "epoch" not in history.columns:
        raise NothingToPlot("history.csv has no rows: no epoch finished")
    panels = [("loss", f"loss ({loss_name})" if loss_name else "loss")]
    if "mae" in history.columns:
        panels += [("mae", "mean absolute error"), ("rmse", "root mean squared error")]
    else:
        panels += [("accuracy", "accuracy (fraction correct)")]
    panels = [(m, label) for m, label in panels if m in history or f"val_{m}" in history]
    color = activation_color(activation)
    fig = Figure(figsize=(4.4 * len(panels), 3.8))
    fig.subplots_adjust(left=0.1 if len(panels) < 3 else 0.07, right=0.98, bottom=0.14, top=0.86,
                        wspace=0.28)
    epochs = history["epoch"].to_numpy()
    marker = "o" if len(epochs) <= 30 else None
    for ax, (metric, label) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels):
        drawn = []
        for column, style, name in [(metric, "-", "train"), (f"val_{metric}", "--", "validation")]:
            if column in history:
                y = history[column].to_numpy(float)
                ok = np.isfinite(y)
                ax.plot(epochs[ok], y[ok], style, marker=marker, markersize=4, color=color,
                        alpha=1.0 if name == "train" else 0.7, label=name)
                drawn.append(y[ok])
        values = np.concatenate(drawn) if drawn else np.array([])
        level = (chance or {}).get(metric)
        if level is not None:
            ax.axhline(level, color="#555555", linestyle=":", linewidth=1.2,
                       label=f"chance ({level:.3g})")
        if metric == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        elif values.size and values.min() > 0 and values.max() / values.min() > LOG_SPAN:
            ax.set_yscale("log")
            label += " (log)"
        elif values.size and values.min() >= 0:  # from 0, so that noise does not look like drama
            ax.set_ylim(0, 1.05 * max(values.max(), level or 0))
        if not values.size:
            ax.set_yticks([])
            ax.text(0.5, 0.35, "no finite values\n(NaN or infinite)", ha="center", va="center",
                    transform=ax.transAxes, bbox=dict(facecolor="white", edgecolor="none"))
        if diverged_epoch is not None:
            ax.axvline(diverged_epoch, color="red", linestyle=":",
                       label=f"diverged (epoch {diverged_epoch})")
        epoch_axis(ax, epochs)
        ax.set(xlabel="epoch", ylabel=label)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=9)
    fig.suptitle(f"Learning curves{f': {activation}' if activation else ''}", fontweight="bold")
    return fig
