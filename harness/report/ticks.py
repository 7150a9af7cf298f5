"""Axis ticks for the report's figures, drawn with few artists.

A matplotlib tick is five artists (two marks, a grid line, two labels), built one by one and laid
out three times per draw: ticks were most of a report's drawing time. `save_figure` fixes each
axis' ticks once its limits are final and draws them with one line of marks, one set of grid
lines and a text per label, copied from the axis' own first tick, so the picture is the same.

    label_ticks(ax.xaxis, [1, 2, 3], ["1", "2", "output"])  # instead of ax.set_xticks(...)
"""

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKLEFT, TICKRIGHT, TICKUP
from matplotlib.text import Text
from matplotlib.ticker import (
    FixedFormatter,
    FixedLocator,
    FuncFormatter,
    LogLocator,
    NullFormatter,
    NullLocator,
)
from matplotlib.transforms import Bbox


def label_ticks(axis, locs, labels, fontsize=None) -> None:
    """Fixes an axis' tick locations and labels, as `Axis.set_ticks` does, without building ticks.

    `set_ticks` builds a tick (five artists) per label at once; `save_figure` draws ticks with a
    few light artists instead (`light_ticks`), so ticks built early are pure cost.
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
                if not narrow:
                    _unlabelled_minor_marks(ax, axis)
    return fig


# (axis, side) -> (marker of an outward tick there, position across the axis in axes units)
_MARKS = {("x", "bottom"): (TICKDOWN, 0.0), ("x", "top"): (TICKUP, 1.0),
          ("y", "left"): (TICKLEFT, 0.0), ("y", "right"): (TICKRIGHT, 1.0)}


def _unlabelled_minor_marks(ax, axis) -> None:
    """Draws the unlabelled minor ticks of `axis` as one line of tick-shaped markers.

    A matplotlib tick is five artists (two marks, a grid line, two labels) built and laid out
    three times per draw; an unlabelled minor tick shows one mark. Left to matplotlib when the
    ticks are not plain outward marks on one side (the picture would differ).
    """
    name = axis.axis_name
    mark = _MARKS.get((name, axis.get_ticks_position()))
    if mark is None or matplotlib.rcParams[f"{name}tick.direction"] != "out":
        return
    low, high = sorted(axis.get_view_interval())
    locs = [v for v in axis.get_minor_locator().tick_values(low, high) if low <= v <= high]
    axis.set_minor_locator(NullLocator())
    across = np.full(len(locs), mark[1])
    xy = (locs, across) if name == "x" else (across, locs)
    transform = ax.get_xaxis_transform() if name == "x" else ax.get_yaxis_transform()
    ax.add_artist(Line2D(*xy, transform=transform, linestyle="none", marker=mark[0],
                         markersize=matplotlib.rcParams[f"{name}tick.minor.size"],
                         markeredgewidth=matplotlib.rcParams[f"{name}tick.minor.width"],
                         color=matplotlib.rcParams[f"{name}tick.color"], clip_on=False))


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


def light_ticks(fig: Figure, renderer) -> Figure:
    """Draws each axis' major ticks as one line of marks, one set of grid lines and one label
    text per tick, instead of matplotlib's five artists per tick laid out three times per draw.

    The marks, grid lines and labels copy the properties and transforms of the axis' own first
    tick, and the axis label goes where matplotlib would put it (`labelpad` beyond the tick
    labels), so the picture is the same. Axes with an offset text or labelled minor ticks keep
    matplotlib's ticks. A figure with a layout engine (constrained layout) is laid out first.
    """
    engine = fig.get_layout_engine()
    if engine is not None:  # laid out once with matplotlib's ticks, as drawing would, then fixed
        engine.execute(fig)
        fig.set_layout_engine("none")
    shown = []
    for ax in fig.axes:
        locator = ax.get_axes_locator()  # the final position, as drawing sets it (colour bars)
        ax.apply_aspect(locator(ax, renderer) if locator else None)
        shown += [(ax, axis, _ticks_to_draw(ax, axis)) for axis in (ax.xaxis, ax.yaxis)]
    # drawn after every axis is read: shared axes share their locator, which this replaces
    for ax, axis, ticks in shown:
        if ticks is not None:
            _light_axis(ax, axis, renderer, *ticks)
    return fig


def _ticks_to_draw(ax, axis):
    """(locations, labels) of the axis' major ticks, or None to leave them to matplotlib."""
    if (not (ax.axison and axis.get_visible())
            or isinstance(axis.get_major_locator(), NullLocator)
            or not isinstance(axis.get_minor_locator(), NullLocator)
            or axis.major.formatter.get_offset() or not axis.majorTicks):
        return None
    locs = list(axis.get_majorticklocs())
    return locs, axis.major.formatter.format_ticks(locs)


def _light_axis(ax, axis, renderer, locs, labels) -> None:
    """Draws one axis' ticks with few artists and places its label as matplotlib would."""
    side = axis.get_label_position()
    tick = axis.majorTicks[0]  # holds the axis' tick properties and transforms
    along_x = axis.axis_name == "x"
    level = axis.get_zorder()  # drawn where matplotlib draws the axis (below lines by default)
    for line, across in ((tick.tick1line, 0.0), (tick.tick2line, 1.0)):
        if line.get_visible() and locs:
            marks = Line2D([], [])
            marks.update_from(line)
            ax.add_artist(marks)
            marks.set(transform=line.get_transform(), clip_on=False, zorder=level, data=(
                (locs, [across] * len(locs)) if along_x else ([across] * len(locs), locs)))
    if tick.gridline.get_visible() and locs:
        grid = tick.gridline
        segments = [[(v, 0), (v, 1)] if along_x else [(0, v), (1, v)] for v in locs]
        ax.add_collection(LineCollection(
            segments, transform=grid.get_transform(), colors=[grid.get_color()],
            alpha=grid.get_alpha(), linewidths=grid.get_linewidth(),
            linestyles=grid.get_linestyle(), zorder=level, clip_path=ax.patch), autolim=False)
    boxes = []  # the labels on the axis label's side, which it must clear
    for template, across in ((tick.label1, 0.0), (tick.label2, 1.0)):
        if not template.get_visible():
            continue
        for loc, label in zip(locs, labels):
            text = Text(*((loc, across) if along_x else (across, loc)), label)
            text.update_from(template)
            ax.add_artist(text)
            text.set(transform=template.get_transform(), clip_on=False, zorder=level)
            if label and across == (0.0 if side in ("bottom", "left") else 1.0):
                boxes.append(text.get_window_extent(renderer))
    axis.set_major_locator(NullLocator())
    # where matplotlib's `_update_label_position` puts the axis label: `labelpad` points beyond
    # the tick labels and the spine, on the label's side
    spine = ax.spines.get(side, ax).get_window_extent(renderer)
    bbox = Bbox.union([*boxes, spine])
    pad = axis.labelpad * ax.get_figure(root=True).dpi / 72
    x, y = axis.label.get_position()
    to_axes = ax.transAxes.inverted().transform
    if side == "bottom":
        y = to_axes((0, bbox.y0 - pad))[1]
    elif side == "top":
        y = to_axes((0, bbox.y1 + pad))[1]
    elif side == "left":
        x = to_axes((bbox.x0 - pad, 0))[0]
    else:
        x = to_axes((bbox.x1 + pad, 0))[0]
    axis.set_label_coords(x, y)
