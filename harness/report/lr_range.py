"""The learning-rate range test's figure: the loss against an exponentially growing learning rate.

Takes the `lr_range.csv` frame (`step, learning_rate, loss, smoothed_loss`, written by
`harness preflight`) and returns a matplotlib `Figure`.
"""

import numpy as np
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot


def plot_lr_range(frame, suggested: float | None = None, configured: float | None = None
                  ) -> Figure:
    """Loss per step (pale) and smoothed (bold) against the learning rate, on a log axis.

    Args:
        frame: the `lr_range.csv` rows.
        suggested: the suggested rate (a tenth of where the smoothed loss was lowest), drawn dashed.
        configured: the config's `train.learning_rate`, drawn dotted.

    Returns:
        A Figure.
    """
    if frame is None or frame.empty:
        raise NothingToPlot("lr_range.csv has no rows: the range test did not run")
    rate = frame["learning_rate"].to_numpy(float)
    loss, smooth = frame["loss"].to_numpy(float), frame["smoothed_loss"].to_numpy(float)
    ok = np.isfinite(smooth)
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    shown = np.isfinite(loss)
    ax.plot(rate[shown], loss[shown], color="#1f77b4", alpha=0.3, linewidth=1,
            label="loss of each step")
    ax.plot(rate[ok], smooth[ok], color="#1f77b4", linewidth=2.2, label="smoothed (EMA 0.98)")
    if ok.any():
        low = int(np.argmin(np.where(ok, smooth, np.inf)))
        ax.plot(rate[low], smooth[low], "o", color="#1f77b4", markersize=7,
                label=f"lowest at {rate[low]:.2g}")
        start = smooth[ok][min(5, ok.sum() - 1)]
        top = max(1.5 * start, smooth[ok][: low + 1].max() * 1.05)
        ax.set_ylim(max(0.0, smooth[low] - 0.1 * (top - smooth[low])), top)
    if suggested is not None:
        ax.axvline(suggested, color="#2ca02c", linestyle="--", linewidth=1.6,
                   label=f"suggested {suggested:.2g} (lowest / 10)")
    if configured is not None:
        ax.axvline(configured, color="#555555", linestyle=":", linewidth=1.6,
                   label=f"config's learning_rate {configured:.2g}")
    ax.set_xscale("log")
    ax.set(xlabel="learning rate (log)", ylabel="training loss")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title("Learning-rate range test: flat, then falling, then blowing up",
                 fontweight="bold", fontsize=11)
    return fig
