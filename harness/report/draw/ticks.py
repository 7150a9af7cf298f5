"""Axis ticks for the report's figures: worked out once, with matplotlib's own locators.

A matplotlib tick is five artists (two marks, a grid line, two labels), and matplotlib asks the
locators and formatters again in each of the three passes of a draw: ticks were most of a report's
drawing time. The figures set fixed ticks without building them early (`label_ticks`), log axes
get plain labels and fewer minor ticks (`plain_log_ticks`), and `save_figure` fixes every axis'
ticks once inside its view (`fixed_ticks`); the picture is the same.

    label_ticks(ax.xaxis, [1, 2, 3], ["1", "2", "output"])  # instead of ax.set_xticks(...)
"""

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FixedFormatter,
    FixedLocator,
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    NullLocator,
)

from harness.base.frames import SYM_THRESHOLD


def label_ticks(axis, locs, labels, fontsize=None) -> None:
    """Fixes an axis' tick locations and labels, as `Axis.set_ticks` does, without building ticks.

    `set_ticks` builds a tick (five artists) per label at once, before the figure's final size
    and layout are known, and matplotlib builds them again when it draws: ticks built early are
    pure cost.
    """
    axis.set_major_locator(FixedLocator(locs))
    axis.set_major_formatter(FixedFormatter(labels))
    if fontsize is not None:
        axis.set_tick_params(which="major", labelsize=fontsize)


def plain_log_ticks(fig: Figure) -> Figure:
    """Labels every log axis of `fig` in plain text (`1e-3`, `0.01`, `10`), minor ticks unlabelled.

    Matplotlib's default log labels are mathtext (`10^{-3}`), whose first parse in a process
    costs more than drawing a whole figure; a report is drawn once per process. Minor ticks sit
    at 2x and 5x only: every tick is a few artists to build, and eight per decade were a third of
    a report's drawing time.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_formatter(FuncFormatter(_power_label))
                axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
                low, high = sorted(axis.get_view_interval())
                narrow = low > 0 and np.log10(high / low) < 1.5  # fewer than 2 decade ticks
                axis.set_minor_formatter(FuncFormatter(_two_five) if narrow else NullFormatter())
    return fig


def _two_five(value, _pos=None) -> str:
    """Labels the 2x and 5x minor ticks of a log axis that spans too little to show decades."""
    mantissa = value / 10.0 ** np.floor(np.log10(value) + 1e-9)
    return f"{value:.3g}" if round(mantissa, 6) in (2.0, 5.0) else ""


def _power_label(value, _pos=None) -> str:
    if value <= 0:
        return ""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return f"{value:g}"
    k = int(round(exponent))
    return {-2: "0.01", -1: "0.1", 0: "1", 1: "10", 2: "100"}.get(k, f"1e{k}")


def fixed_ticks(fig: Figure) -> Figure:
    """Works out every axis' tick locations and labels once, inside its view limits, and fixes
    them there.

    Matplotlib asks the locator and formatter again in each of three passes per draw (ticks,
    axis-label placement, offset text), and builds a tick (five artists) for every location,
    also for the one or two beyond each end that it then leaves undrawn. The picture is the same.
    """
    engine = fig.get_layout_engine()
    if engine is not None:  # the axes' final sizes first: a locator's choice depends on them
        engine.execute(fig)
        fig.set_layout_engine("none")  # laid out: drawing need not do it again
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for major in (True, False):
                ticker = axis.major if major else axis.minor
                if isinstance(ticker.locator, (NullLocator, FixedLocator)) and \
                        isinstance(ticker.formatter, (NullFormatter, FixedFormatter)):
                    continue
                locs = _in_view(axis, ticker.locator())
                labels = FixedFormatter(ticker.formatter.format_ticks(locs))
                labels.set_offset_string(ticker.formatter.get_offset())
                (axis.set_major_locator if major else axis.set_minor_locator)(FixedLocator(locs))
                (axis.set_major_formatter if major else axis.set_minor_formatter)(labels)
    return fig


def _in_view(axis, locs) -> np.ndarray:
    """The locations inside the axis' view limits, compared on its scale as matplotlib does."""
    locs = np.asarray(locs, dtype=float)
    if not locs.size:
        return locs
    transform = axis.get_transform()
    low, high = sorted(transform.transform(np.asarray(axis.get_view_interval(), float)))
    with np.errstate(invalid="ignore", divide="ignore"):
        shown = transform.transform(locs)
    slack = (high - low) * 1e-10
    return locs[(shown >= low - slack) & (shown <= high + slack)]


def epoch_axis(ax, epochs) -> None:
    """Integer epoch ticks; a handful of epochs gets one tick each rather than fractional ones."""
    epochs = np.unique(np.asarray(epochs, dtype=float))
    epochs = epochs[np.isfinite(epochs)]
    if 0 < len(epochs) < 5:
        ax.set_xticks(epochs, [str(int(e)) for e in epochs])
        ax.set_xlim(epochs.min() - 0.5, epochs.max() + 0.5)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def symlog_ticks(ax) -> None:
    """0 and every second or third power of ten within a symlog x axis' limits (matplotlib's
    own put one at every decade, which overlap on a narrow panel)."""
    lo, hi = ax.get_xlim()
    powers = np.arange(math.floor(math.log10(SYM_THRESHOLD)), 4)
    sides = [p for p in powers if 10.0 ** p <= hi], [p for p in powers if -(10.0 ** p) >= lo]
    step = max(1, math.ceil(max(len(s) for s in sides) / (2 if all(sides) else 4)))
    ticks = [0.0] + [10.0 ** p for p in sides[0][::-1][::step]] + [
        -(10.0 ** p) for p in sides[1][::-1][::step]]
    ax.set_xticks(sorted(ticks), [_power(t) for t in sorted(ticks)])
    ax.xaxis.set_minor_locator(NullLocator())


def _power(x: float) -> str:
    if x == 0:
        return "0"
    return f"{'-' if x < 0 else ''}1e{round(math.log10(abs(x)))}"
