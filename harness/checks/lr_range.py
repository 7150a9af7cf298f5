"""The learning-rate range test: the loss while the learning rate grows exponentially.

Starting from the initial weights, each step trains one mini-batch with a learning rate a constant
factor above the last one's, from 1e-6 to 10 in 160 steps (about 23 a decade). The loss first
stays flat (the rate is too small to move anything), then falls, then blows up.

The curve is smoothed with a centred running median over a fixed share of a decade
(`WINDOW_DECADES`), so that the smoothing's width follows the number of steps and the smoothed
curve has no lag: an exponential moving average with fastai's beta 0.98 averages over the last
~50 steps, which on a 100-step test is 3.5 decades of learning rate; on a curve that falls late
and blows up soon after (a recurrent net) it never shows the fall, and its minimum sits where the
raw loss already blows up. The suggested rate is where the smoothed loss falls fastest (the
steepest descent against log(rate), Smith's choice and fastai's `steep`), looked for at least
half a decade below the lowest point, where the loss is still falling; when the curve never
falls that far before its lowest point, a tenth of the lowest rate (fastai's `minimum`).

The test stops once the loss, as a short trailing median, is four times the lowest so far.

Reference:
    Smith 2017, "Cyclical learning rates for training neural networks", s3.3;
    fastai's `Learner.lr_find` and its suggestion functions
    (https://docs.fast.ai/callback.schedule.html#lr_find).
"""

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from harness.catalog import optimizers

START, END, STEPS = 1e-6, 10.0, 160
WINDOW_DECADES = 0.4  # the smoothing's width, in decades of learning rate (9 steps of 160)
BEFORE_LOWEST = 10 ** -0.5  # the steepest descent is looked for below this share of the lowest
DIVERGED = 4.0  # stop when the trailing loss is this many times its lowest
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


def range_test(model, optimizer: str, x, y, batch_size: int, seed: int = 0,
               clipnorm: float | None = None, steps: int = STEPS, start: float = START,
               end: float = END) -> RangeTest:
    """Trains `model` for up to `steps` mini-batches at exponentially growing learning rates.

    The model's weights change: the caller puts them back (`harness.training.preflight` does).

    Args:
        model: a built Keras model with a compiled loss.
        optimizer: a name from `harness.catalog.optimizers` (a fresh optimizer is made).
        x, y: training inputs and labels (as the loss expects them).
        batch_size: examples per step.
        seed: the order of the examples.
        clipnorm: the config's global clipping norm, if any.
        steps, start, end: the number of steps and the first and last learning rates.

    Returns:
        A `RangeTest`.
    """
    import tensorflow as tf

    clip = {"global_clipnorm": clipnorm} if clipnorm else {}
    opt = optimizers.OPTIMIZERS.get(optimizer).build(start, **clip)
    variables = model.trainable_variables
    opt.build(variables)

    @tf.function(reduce_retracing=True)
    def train(xb, yb):
        with tf.GradientTape() as tape:
            loss = model.compute_loss(x=xb, y=yb, y_pred=model(xb, training=True), training=True)
        opt.apply(tape.gradient(loss, variables), variables)
        return loss

    order = np.random.default_rng(seed).permutation(len(x))
    per_epoch = max(1, len(x) // batch_size)  # full batches only: every step sees batch_size
    rates = start * (end / start) ** (np.arange(steps) / max(1, steps - 1))
    width = window(steps, start, end)
    losses, best = [], math.inf
    for step, rate in enumerate(rates):
        pick = order[(step % per_epoch) * batch_size:][:batch_size]
        opt.learning_rate.assign(rate)
        losses.append(float(train(tf.constant(x[pick]), tf.constant(y[pick]))))
        trailing = float(np.median(losses[-(width // 2 + 1):]))
        if not math.isfinite(losses[-1]) or (step > FLAT_STEPS and trailing > DIVERGED * best):
            break
        best = min(best, trailing)
    return summarise(rates[:len(losses)], losses, width)


def summarise(rates, losses, width: int) -> RangeTest:
    """The `RangeTest` of a finished curve: smoothed, its lowest point and the suggestion."""
    frame = pd.DataFrame({"step": np.arange(len(losses)), "learning_rate": np.asarray(rates, float),
                          "loss": np.asarray(losses, float)})
    frame["smoothed_loss"] = smooth(np.where(np.isfinite(frame.loss), frame.loss, np.inf), width)
    finite = frame[np.isfinite(frame.smoothed_loss)]
    suggested, lowest = suggest(finite.learning_rate, finite.smoothed_loss)
    start_loss = float(finite.smoothed_loss.iloc[min(FLAT_STEPS, len(finite) - 1)])
    return RangeTest(frame, lowest, suggested, start_loss, float(finite.smoothed_loss.min()))
