"""The learning-rate range test's figure: the loss against an exponentially growing learning rate.

Takes the `lr_range.csv` frame (`step, learning_rate, loss, smoothed_loss`, written by
`harness preflight`) and returns a matplotlib `Figure`. Its title is the test's verdict, computed
from the curve it draws, the chance level and the share of it the check asks for
(`harness.checks.lr_curve.learned` with `LEARNED`, which the caller passes in: report/ imports no
checks).
"""

import numpy as np
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot


def verdict(frame, chance: float | None, learned_share: float | None = None) -> str:
    """The figure's title: what the smoothed curve did, from its numbers.

    Args:
        frame: the `lr_range.csv` rows.
        chance: the chance level the check compares with (None: not known).
        learned_share: the check passes when the lowest smoothed loss is at most this share of
            chance (None: no verdict, the curve described only).

    Returns:
        e.g. "passed: the loss fell from 0.69 to 0.21 (0.3x chance), lowest at 0.14" or
        "FAILED: the loss never fell below 98% of chance (lowest 0.70, chance 0.69)".
    """
    smooth = frame["smoothed_loss"].to_numpy(float)
    smooth = smooth[np.isfinite(smooth)]
    if not smooth.size:
        return "no finite loss"
    low, start = float(smooth.min()), float(smooth[min(5, smooth.size - 1)])
    at = float(frame["learning_rate"].to_numpy(float)[np.nanargmin(
        np.where(np.isfinite(frame["smoothed_loss"]), frame["smoothed_loss"], np.inf))])
    if chance is None or not chance > 0 or learned_share is None:
        return f"the smoothed loss went from {start:.3g} to {low:.3g} (lowest at {at:.2g})"
    if low <= learned_share * chance:
        return (f"passed: the smoothed loss fell from {start:.3g} to {low:.3g} "
                f"({low / chance:.2g}x chance), lowest at {at:.2g}")
    return (f"FAILED: the smoothed loss never fell below {learned_share:.0%} of chance (lowest "
            f"{low:.3g}, chance {chance:.3g})")


def loss_limits(loss, smooth, chance: float | None) -> tuple[float, float]:
    """y-limits that keep the raw loss in view up to the blow-up: from the lowest raw loss to a
    little above the start (or chance), so that a loss of 1e6 at the end does not flatten the
    rest; the blow-up leaves through the top edge."""
    finite = loss[np.isfinite(loss)]
    values = np.concatenate([finite, smooth[np.isfinite(smooth)]])
    low = float(values.min())
    start = float(np.median(finite[:10])) if finite.size else float(values.max())
    top = max(start, chance or 0.0, float(np.nanmax(smooth[np.isfinite(smooth)])
                                          if np.isfinite(smooth).any() else start))
    top = min(top, 3 * max(start, chance or 0.0))  # the smoothed blow-up leaves the top too
    pad = 0.06 * (top - low) or 0.1 * abs(top) or 1.0
    return max(0.0, low - pad) if low >= 0 else low - pad, top + pad


def plot_lr_range(frame, suggested: float | None = None, configured: float | None = None,
                  chance: float | None = None, learned_share: float | None = None) -> Figure:
    """Loss per step (pale) and smoothed (bold) against the learning rate, on a log axis.

    Args:
        frame: the `lr_range.csv` rows.
        suggested: the suggested rate (the steepest fall before the lowest point), drawn dashed.
        configured: the config's `train.learning_rate`, drawn dotted.
        chance: the chance level the check compares with, drawn as a horizontal line.
        learned_share: the share of chance the check asks the curve to reach; the title says
            whether it did (`verdict`).

    Returns:
        A Figure.
    """
    if frame is None or frame.empty:
        raise NothingToPlot("lr_range.csv has no rows: the range test did not run")
    rate = frame["learning_rate"].to_numpy(float)
    loss, smooth = frame["loss"].to_numpy(float), frame["smoothed_loss"].to_numpy(float)
    ok = np.isfinite(smooth)
    fig = Figure(figsize=(6.8, 4.4), layout="constrained")
    ax = fig.subplots()
    shown = np.isfinite(loss)
    ax.plot(rate[shown], loss[shown], color="#1f77b4", alpha=0.35, linewidth=1,
            label="loss of each step")
    ax.plot(rate[ok], smooth[ok], color="#1f77b4", linewidth=2.2, label="smoothed (running median)")
    if ok.any():
        low = int(np.argmin(np.where(ok, smooth, np.inf)))
        ax.plot(rate[low], smooth[low], "o", color="#1f77b4", markersize=7,
                label=f"lowest at {rate[low]:.2g}")
        ax.set_ylim(*loss_limits(loss, smooth, chance))
    if chance is not None:
        ax.axhline(chance, color="#d62728", linestyle="-.", linewidth=1.2,
                   label=f"chance {chance:.3g} (as initial_loss)")
    # drawn under the config's line, and wider, so that when the two coincide both show
    if suggested is not None:
        ax.axvline(suggested, color="#2ca02c", linestyle="--", linewidth=3, alpha=0.6, zorder=1,
                   label=f"suggested {suggested:.2g} (steepest fall)")
    if configured is not None:
        ax.axvline(configured, color="#222222", linestyle=":", linewidth=1.6, zorder=2,
                   label=f"config's learning_rate {configured:.2g}")
    ax.set_xscale("log")
    ax.set(xlabel="learning rate (log)", ylabel="training loss")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.suptitle("Learning-rate range test", fontweight="bold", fontsize=11)
    ax.set_title(verdict(frame, chance, learned_share), fontsize=9, color="#444444")
    return fig
