"""`harness preflight CONFIG`: the checks before training, in seconds.

CS231n's "babysitting the learning process" as five checks on the config's own model, data and
optimizer, each passed or failed with its number:

- `initial_loss`: the loss at initialisation against that of an uninformed prediction (uniform
  class probabilities: -ln(1/C) for C classes, 2.303 for MNIST; for regression, predicting the
  training targets' mean: their variance for mse). Far above it, the head or the initial weights
  are off.
- `activation_gradient`: each hidden activation's derivative as the model takes it (autodiff,
  a user's `tf.custom_gradient` included) against central differences in float64.
- `model_gradient`: the whole model's loss gradient, one weight per layer, the same way (a
  float64 copy of the model with the same weights).
- `overfit`: 20 training examples fitted to near-zero loss (2% of the same chance level) within
  500 steps; a model or data pipeline
  that cannot do that cannot learn at all.
- `lr_range`: the learning-rate range test (`harness.checks.lr_range`), with a suggested rate.

Every check starts from the same initial weights; the model is left exactly as it was (weights,
batch-norm averages, dropout seeds), so `harness run --preflight` trains the same numbers.

Reference:
    CS231n, "Babysitting the learning process" (https://cs231n.github.io/neural-networks-3/).
"""

import math
import os
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from harness.catalog import heads, losses
from harness.checks import gradcheck, verdict
from harness.checks.lr_curve import LEARNED, RangeTest, learned
from harness.checks.lr_range import range_test

INITIAL_AT_MOST = 2.0  # initial loss / chance ("far above"; a regression output's own spread
# at initialisation adds to the targets' variance: 1.5x for head_identity.yaml)
OVERFIT_EXAMPLES, OVERFIT_STEPS, OVERFIT_EVERY = 20, 500, 10
OVERFIT_TARGET = 0.02  # share of the chance loss that counts as near zero
PROBE = 1024  # examples the initial loss is taken on
GRADIENT_BATCH = 8


class Check(NamedTuple):
    """One check's outcome: `name`, `passed`, its number `value`, and `detail` (one line)."""

    name: str
    passed: bool
    value: float
    detail: str


class Preflight(NamedTuple):
    """All checks, and the range test's curve (None when it did not run)."""

    checks: list[Check]
    lr_range: RangeTest | None

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def preflight(config, overrides=None, out: str | os.PathLike | None = None,
              force: bool = False) -> Preflight:
    """Builds the config's model (`harness.training.setup.setup`) and runs every check.

    Args:
        config: a YAML file or a mapping, as `harness.run` takes.
        overrides: `["model.depth=8"]` or `{"model.depth": 8}`.
        out: a folder for `preflight.json`, `lr_range.csv` and `lr_range.png`; None writes nothing.
            It must be new, empty or a preflight folder (`harness.base.owned.check_ours`).
        force: write into `out` even when it holds files that are not a preflight's.

    Raises:
        ConfigError, DataError: bad input, before anything is written.
        HarnessError: `out` holds someone else's files (and not `force`), or cannot be written.
    """
    from harness.base.owned import check_ours, mark_ours
    from harness.training.setup import setup

    if out is not None:
        out = check_ours(out, "preflight", "--out", force, example="results/preflight/x")
    s = setup(config, overrides)
    if out is not None:
        mark_ours(out, "preflight")
    return run_checks(s, config, overrides, out)


def run_checks(s, config, overrides=None, out=None) -> Preflight:
    """Runs every check on a `Setup` and puts its model back as it was.

    Args:
        s: what `harness.training.setup.setup(config, overrides)` returned.
        config, overrides: the same, for the float64 copy of the model.
        out: where to write the results (`write`), or None.
    """
    with kept(s.model):
        checks = [initial_loss(s)]
    checks.append(activation_gradients(s.cfg.model.activations()))
    with kept(s.model):
        checks.append(model_gradient(s, config, overrides))
    with kept(s.model):
        checks.append(overfit(s))
    with kept(s.model):
        test = range_test(s.model, s.cfg.train.optimizer, s.data.x_train, s.y["train"],
                          s.cfg.train.batch_size, s.cfg.seed, s.cfg.train.clipnorm)
    chance = chance_level(s)
    checks.append(lr_check(test, s.cfg.train.learning_rate, chance))
    result = Preflight(checks, test)
    if out is not None:
        write(out, result, s.cfg.train.learning_rate, chance.loss)
    return result


@contextmanager
def kept(model):
    """Puts every variable of `model` back afterwards: weights, batch-norm averages, seeds."""
    saved = [(v, v.numpy()) for v in model.variables]
    try:
        yield
    finally:
        for v, value in saved:
            v.assign(value)


class Chance(NamedTuple):
    """The one chance level every check compares with, and how it is made, in words."""

    loss: float
    words: str


def best_constant_loss(s) -> float:
    """The training loss of the best constant prediction (`harness.checks.verdict.chance`): the
    class shares for cross-entropy, the targets' mean for mse (their variance)."""
    d = s.data
    return verdict.chance(d.task, s.cfg.train.loss, d.y_train, d.y_train,
                          d.n_classes)["chance_loss"]


def chance_level(s) -> Chance:
    """The loss of an uninformed network, the one chance level of every check (`initial_loss`
    starts near it, `overfit` goes to 2% of it, `lr_range` must fall below it): uniform class
    probabilities (-ln(1/C) with cross-entropy), or for regression the larger of predicting 0
    (what an untrained output does) and the best constant."""
    y = s.y["train"]
    if s.data.task == "regression":
        # An initial network's output sits near 0, not near the targets' mean: with targets far
        # from 0 (the adding problem's sums, about 1) predicting 0 is the start to compare with.
        zero = float(np.mean(np.asarray(losses.keras_loss(s.cfg.train.loss)(
            y, np.zeros_like(np.asarray(y, dtype=np.float32))))))
        best = best_constant_loss(s)
        if zero > best:
            return Chance(zero, "predicting 0, as an untrained output does")
        words = "predicting the training targets' " + ("median" if s.cfg.train.loss == "mae"
                                                        else "mean")
        return Chance(best, words + (": their variance" if s.cfg.train.loss == "mse" else ""))
    units = heads.HEADS.get(s.cfg.model.head).units(s.data.n_classes)
    pred = np.full((len(y), units), 1.0 / units if units > 1 else 0.5, dtype=np.float32)
    words = f"uniform over {s.data.n_classes} classes"
    if "crossentropy" in s.cfg.train.loss:
        words += f": ln {s.data.n_classes}"
    # Keras' loss functions give one value per example (its Loss objects, the batch's mean)
    return Chance(float(np.mean(np.asarray(losses.keras_loss(s.cfg.train.loss)(y, pred)))),
                  words)


def data_loss(model, x, y, training: bool) -> float:
    """The loss without kernel penalties, of a pass in training mode (batch statistics, dropout)
    or inference mode."""
    return float(model.compute_loss(x=x, y=y, y_pred=model(x, training=training),
                                    training=False))


def initial_loss(s) -> Check:
    """The loss at initialisation, of a training-mode pass (what the first step sees)."""
    chance, words = chance_level(s)
    n = min(PROBE, len(s.data.x_train))
    loss = data_loss(s.model, s.data.x_train[:n], s.y["train"][:n], training=True)
    ratio = loss / chance if chance > 0 else math.inf
    passed = ratio <= INITIAL_AT_MOST
    detail = (f"chance {chance:.4g} ({words}); {ratio:.2f}x, at most {INITIAL_AT_MOST}x"
              + ("" if passed else "; far above chance: the initial weights make confident "
                 "predictions (use smaller ones, e.g. glorot_uniform) or the head does not fit"))
    return Check("initial_loss", passed, loss, detail)


def activation_gradients(names) -> Check:
    """Every distinct hidden activation's derivative, autodiff against central differences."""
    found = [gradcheck.check_activation(name) for name in dict.fromkeys(names)]
    if not found:
        return Check("activation_gradient", True, 0.0, "no hidden layer")
    worst = max(found, key=lambda c: c.max_error)
    wrong = [c.name for c in found if c.verdict == "wrong"]
    detail = (f"{worst.name} at z = {worst.worst_z:.3g}: autodiff {worst.autodiff:.6g}, central "
              f"differences {worst.numeric:.6g} ({worst.dtype}, {worst.checked} points in "
              f"[-5, 5]); {worst.verdict}: relative error "
              + {"good": f"below {gradcheck.GOOD:g}",
                 "uneasy": f"between {gradcheck.GOOD:g} and {gradcheck.WRONG:g} (kinks, float32)",
                 "wrong": f"above {gradcheck.WRONG:g}"}[worst.verdict])
    if wrong:
        detail = (f"WRONG derivative of {', '.join(map(repr, wrong))}: its gradient (e.g. a "
                  f"tf.custom_gradient) is not the function's slope; " + detail)
    return Check("activation_gradient", not wrong, worst.max_error, detail)


def model_gradient(s, config, overrides) -> Check:
    """The model's loss gradient against central differences, in a float64 copy of the model."""
    n = min(GRADIENT_BATCH, len(s.data.x_train))
    x, y = s.data.x_train[:n], s.y["train"][:n]
    try:
        with float64():
            model = setup_model(config, overrides)
            model.set_weights([np.asarray(w, dtype=np.float64) for w in s.model.get_weights()])
            result = gradcheck.check_model(model, x, y)
    except Exception:  # noqa: BLE001 - e.g. a user's activation with float32 constants inside
        result = gradcheck.check_model(s.model, x, y)
    detail = (f"worst {result.worst}: autodiff {result.autodiff:.6g}, central differences "
              f"{result.numeric:.6g} ({result.dtype}, {result.checked} weights, the largest "
              f"gradient of each kernel, on {n} examples"
              + (f"; {result.skipped} at a kink left out" if result.skipped else "")
              + f"); {result.verdict}")
    return Check("model_gradient", result.verdict != "wrong", result.max_error, detail)


@contextmanager
def float64():
    """Keras in float64 for a while: new layers' variables and computations, and the losses."""
    import keras

    policy, floatx = keras.config.dtype_policy(), keras.config.floatx()
    keras.config.set_dtype_policy("float64")
    keras.config.set_floatx("float64")
    try:
        yield
    finally:
        keras.config.set_dtype_policy(policy)
        keras.config.set_floatx(floatx)


def setup_model(config, overrides):
    from harness.training.setup import setup

    return setup(config, overrides).model


def overfit(s) -> Check:
    """Full-batch training on 20 examples with the config's optimizer and learning rate, until
    the loss (inference mode, without penalties) is near zero or `OVERFIT_STEPS` have run."""
    import tensorflow as tf

    from harness.catalog import optimizers

    cfg = s.cfg.train
    x = tf.constant(s.data.x_train[:OVERFIT_EXAMPLES])
    y = s.y["train"][:OVERFIT_EXAMPLES]
    target = OVERFIT_TARGET * chance_level(s).loss
    clip = {"global_clipnorm": cfg.clipnorm} if cfg.clipnorm else {}
    opt = optimizers.OPTIMIZERS.get(cfg.optimizer).build(cfg.learning_rate, **clip)
    model, variables = s.model, s.model.trainable_variables
    opt.build(variables)
    y_tensor = tf.constant(y)

    @tf.function
    def steps(k):
        for _ in tf.range(k):
            with tf.GradientTape() as tape:
                loss = model.compute_loss(x=x, y=y_tensor, y_pred=model(x, training=True),
                                          training=True)
            opt.apply(tape.gradient(loss, variables), variables)

    done, loss = 0, data_loss(model, x, y, training=False)
    while done < OVERFIT_STEPS and not loss <= target:
        steps(tf.constant(OVERFIT_EVERY))
        done += OVERFIT_EVERY
        loss = data_loss(model, x, y, training=False)
    passed = loss <= target
    detail = (f"loss on {len(y)} training examples after {done} steps ({cfg.optimizer}, "
              f"learning rate {cfg.learning_rate:g}); near zero: <= {target:.3g} "
              f"({OVERFIT_TARGET:.0%} of chance)")
    if not passed:
        detail += (f"; not reached in {OVERFIT_STEPS} steps: the model cannot fit even a tiny "
                   "set (no gradient through its activations, too few parameters for the data, "
                   "labels that do not match the inputs, or a learning rate far off)")
    return Check("overfit", passed, loss, detail)


def lr_check(test: RangeTest, configured: float, chance: Chance) -> Check:
    """Passes when, at some learning rate, the smoothed loss fell to `LEARNED` of the chance
    level `initial_loss` uses: the model learned something in the test's steps."""
    passed = learned(test.min_loss, chance.loss)
    found = (f"lowest smoothed loss {test.min_loss:.4g} at {test.lowest:.3g}, from "
             f"{test.start_loss:.4g}; chance {chance.loss:.4g}, as initial_loss")
    if passed:
        detail = (f"suggested learning rate: the steepest fall of the smoothed loss, below its "
                  f"lowest point ({found}); the config has {configured:g}")
    else:
        detail = (f"no rate to suggest: the smoothed loss stayed above {LEARNED:.0%} of chance "
                  f"at every rate from {test.frame.learning_rate.iloc[0]:g} to "
                  f"{test.frame.learning_rate.iloc[-1]:.3g} ({found}): nothing was learned in "
                  f"{len(test.frame)} steps; the config has {configured:g}")
    return Check("lr_range", passed, test.suggested, detail)


def format_checks(result: Preflight) -> str:
    """One line per check, `passed`/`FAILED`, its name and number and what was compared."""
    lines = [f"{'passed' if c.passed else 'FAILED'}  {c.name:<20} {c.value:<10.4g} {c.detail}"
             for c in result.checks]
    good = sum(c.passed for c in result.checks)
    lines.append(f"preflight: {good} of {len(result.checks)} checks passed")
    return "\n".join(lines)


def write(out, result: Preflight, configured: float | None = None,
          chance: float | None = None) -> None:
    """`preflight.json`, and `lr_range.csv` and `lr_range.png` when the range test ran."""
    from pathlib import Path

    from harness.base.files import write_csv, write_figure, write_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    test = result.lr_range
    if test is not None:
        from harness.report.lr_range import plot_lr_range

        write_csv(out / "lr_range.csv", test.frame)
        learned_some = any(c.passed for c in result.checks if c.name == "lr_range")
        write_figure(out / "lr_range.png", plot_lr_range(
            test.frame, test.suggested if learned_some else None, configured, chance, LEARNED))
    write_json(out / "preflight.json", {
        "passed": result.passed,
        "checks": [c._asdict() for c in result.checks],
        "lr_range": None if test is None else {
            "suggested": test.suggested, "lowest": test.lowest, "start_loss": test.start_loss,
            "min_loss": test.min_loss, "configured": configured, "chance": chance}})
