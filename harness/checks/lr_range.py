"""The learning-rate range test: the loss while the learning rate grows exponentially.

Starting from the initial weights, each step trains one mini-batch with a learning rate a constant
factor above the last one's, from 1e-6 to 10 in 100 steps. The loss first stays flat (the rate is
too small to move anything), then falls, then blows up; a good rate for training sits about ten
times below where the smoothed loss was lowest (fastai's `lr_min / 10`), on the falling slope.
The loss is smoothed as fastai does (an exponential moving average with beta 0.98, bias-corrected),
and the test stops once the smoothed loss is four times its lowest.

Reference:
    Smith 2017, "Cyclical learning rates for training neural networks", s3.3;
    fastai's `Learner.lr_find` (https://docs.fast.ai/callback.schedule.html#lr_find).
"""

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from harness.catalog import optimizers

START, END, STEPS = 1e-6, 10.0, 100
BETA = 0.98  # fastai's smoothing
DIVERGED = 4.0  # stop when the smoothed loss is this many times its lowest
FLAT_STEPS = 5  # the loss at the start: smoothed over the first steps' tiny rates


class RangeTest(NamedTuple):
    """What the range test found.

    Attributes:
        frame: one row per step: `step, learning_rate, loss, smoothed_loss`.
        lowest: the learning rate where the smoothed loss was lowest.
        suggested: `lowest / 10`.
        start_loss: the smoothed loss after the first steps (rates too small to learn).
        min_loss: the lowest smoothed loss.
    """

    frame: pd.DataFrame
    lowest: float
    suggested: float
    start_loss: float
    min_loss: float


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
    rows, average, best = [], 0.0, math.inf
    for step, rate in enumerate(rates):
        pick = order[(step % per_epoch) * batch_size:][:batch_size]
        opt.learning_rate.assign(rate)
        loss = float(train(tf.constant(x[pick]), tf.constant(y[pick])))
        average = BETA * average + (1 - BETA) * loss
        smoothed = average / (1 - BETA ** (step + 1))
        rows.append((step, float(rate), loss, smoothed))
        if not math.isfinite(smoothed) or (step > FLAT_STEPS and smoothed > DIVERGED * best):
            break
        best = min(best, smoothed)
    frame = pd.DataFrame(rows, columns=["step", "learning_rate", "loss", "smoothed_loss"])
    finite = frame[np.isfinite(frame.smoothed_loss)]
    at = finite.smoothed_loss.idxmin()
    lowest = float(finite.learning_rate[at])
    start_loss = float(finite.smoothed_loss.iloc[min(FLAT_STEPS, len(finite) - 1)])
    return RangeTest(frame, lowest, lowest / 10, start_loss, float(finite.smoothed_loss[at]))
