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

import numpy as np

from harness.catalog import optimizers
from harness.checks.lr_curve import END, FLAT_STEPS, START, STEPS, RangeTest, summarise, window

DIVERGED = 4.0  # stop when the trailing loss is this many times its lowest


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
