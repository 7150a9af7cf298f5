"""The learning-rate range test's curve, read: smoothing, the lowest point, the suggested rate and
whether anything was learned (`harness.checks.lr_range` trains it).

NumPy and pandas only, no TensorFlow: `harness preflight` and the report's `lr_range.png`
(`harness.report.lr_range`) read the curve with the same functions, so the figure's verdict is
the check's. The method is described in `harness.checks.lr_range`.
"""


import math
from typing import NamedTuple

import numpy as np
import pandas as pd

START, END, STEPS = 1e-6, 10.0, 160
WINDOW_DECADES = 0.4  # the smoothing's width, in decades of learning rate (9 steps of 160)
BEFORE_LOWEST = 10 ** -0.5  # the steepest descent is looked for below this share of the lowest
FLAT_STEPS = 5  # the loss at the start: the first steps' tiny rates move nothing
LEARNED = 0.98  # learned something: the lowest smoothed loss at most this share of chance


class RangeTest(NamedTuple):
    """What the range test found.

    Attributes:
        frame: one row per step: `step, learning_rate, loss, smoothed_loss`.
        lowest: the learning rate where the smoothed loss was lowest.
        suggested: the rate of the steepest descent before the lowest point (`suggest`).
        start_loss: the smoothed loss at the start (rates too small to learn).
        min_loss: the lowest smoothed loss.
    """

    frame: pd.DataFrame
    lowest: float
    suggested: float
    start_loss: float
    min_loss: float


def window(steps: int = STEPS, start: float = START, end: float = END) -> int:
    """The smoothing's width in steps: `WINDOW_DECADES` of learning rate, odd, at least 3."""
    per_decade = (steps - 1) / max(math.log10(end / start), 1e-9)
    return max(3, int(round(WINDOW_DECADES * per_decade)) // 2 * 2 + 1)


def smooth(loss, width: int) -> np.ndarray:
    """A centred running median of `width` steps (fewer at the ends): no lag, and one spike of
    a mini-batch, or the blow-up at the end, does not pull its neighbours along."""
    return pd.Series(np.asarray(loss, float)).rolling(width, center=True, min_periods=1
                                                      ).median().to_numpy()


def suggest(rate, smoothed) -> tuple[float, float]:
    """(suggested rate, lowest rate) of a smoothed curve: the steepest descent against
    log10(rate) among the rates at most `BEFORE_LOWEST` of the lowest point's, else a tenth of
    the lowest rate."""
    rate, smoothed = np.asarray(rate, float), np.asarray(smoothed, float)
    ok = np.isfinite(smoothed)
    rate, smoothed = rate[ok], smoothed[ok]
    low = int(np.argmin(smoothed))
    lowest = float(rate[low])
    before = rate <= lowest * BEFORE_LOWEST
    if before.sum() < 3:
        return lowest / 10, lowest
    slope = np.gradient(smoothed[before], np.log10(rate[before]))
    if not slope.min() < 0:
        return lowest / 10, lowest
    return float(rate[before][int(np.argmin(slope))]), lowest


def learned(min_loss: float, chance: float) -> bool:
    """Whether the lowest smoothed loss fell to `LEARNED` of chance: something was learned."""
    return bool(min_loss <= LEARNED * chance)


def summarise(rates, losses, width: int) -> RangeTest:
    """The `RangeTest` of a finished curve: smoothed, its lowest point and the suggestion."""
    frame = pd.DataFrame({"step": np.arange(len(losses)), "learning_rate": np.asarray(rates, float),
                          "loss": np.asarray(losses, float)})
    frame["smoothed_loss"] = smooth(np.where(np.isfinite(frame.loss), frame.loss, np.inf), width)
    finite = frame[np.isfinite(frame.smoothed_loss)]
    suggested, lowest = suggest(finite.learning_rate, finite.smoothed_loss)
    start_loss = float(finite.smoothed_loss.iloc[min(FLAT_STEPS, len(finite) - 1)])
    return RangeTest(frame, lowest, suggested, start_loss, float(finite.smoothed_loss.min()))
