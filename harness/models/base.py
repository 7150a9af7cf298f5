"""What every model type shares: a training step that also measures every layer.

`StatsModel.train_step` follows Keras' own TensorFlow trainer (tape -> loss -> `scale_loss` ->
gradient -> `optimizer.apply`) and takes, from the same tape and the same backward pass, the
gradient with respect to each layer's linear output z as well, and reads the kernels before and
after `optimizer.apply` (the update it applied). What is measured, and how, is the model's
`harness.measure.meter.Meter`: the model declares its layers to it (`MeteredLayer`) and hands it
what they compute in each pass (`Taps`). The meter is no Keras metric, so neither validation nor the
progress bar touches it.

Each model type subclasses `StatsModel` in its own module (`dense`, `conv`, `recurrent`): it makes
its layers, declares them to the meter in `build`, and returns a `Forward` from `forward`.

Reference:
    big_vision logs `l2_grads` inside the update step, from the gradients that update the weights.
"""

from typing import NamedTuple

import keras
import tensorflow as tf

from harness.catalog import initializers
from harness.measure.metered import Measures, Taps
from harness.measure.stats import Step


class Forward(NamedTuple):
    """One pass through the network.

    Attributes:
        output: the network's output, (batch, outputs).
        taps: per measured layer, its z, u and a (`harness.measure.metered.Taps`).
        outs: per measured layer, what it hands on (after activation, batch norm, dropout and
            the skip's add).
    """

    output: tf.Tensor
    taps: Taps
    outs: list


class Pass(NamedTuple):
    """One forward and one backward pass (`StatsModel.measure`).

    Attributes:
        loss: the loss (with the kernel penalty in training).
        y_pred: the network's output.
        grads: gradients of the scaled loss for `trainable_variables`, in their order.
        step: what the meter measures of the pass (`harness.measure.stats.Step`).
    """

    loss: tf.Tensor
    y_pred: tf.Tensor
    grads: list
    step: Step


class StatsModel(keras.Model):
    """A network whose training step measures every layer: what every model type shares.

    A subclass makes its layers in `__init__` (with `head_layer`, `add_norms_and_dropouts` and
    `activate` for what the types share), sets `units`, `layer_names` and `activation_names`
    (its measured layers, the output layer last), declares them to the meter in `build`
    (`self.meter`), and returns a `Forward` from `forward`.

    Args:
        l1, l2: kernel penalties of every layer's kernel (`penalty`), added to the training loss.
        clipnorm: the optimizer's global clipping norm; the model counts the steps it clips.
    """

    def __init__(self, l1=0.0, l2=0.0, clipnorm=None, **kwargs):
        super().__init__(**kwargs)
        self.penalty_term = keras.regularizers.L1L2(l1=l1, l2=l2) if l1 or l2 else None
        # Training-only history columns (`penalty`, `clipped`): not in validation or test logs.
        self.penalty = keras.metrics.Mean(name="penalty") if self.penalty_term else None
        self.clipnorm = clipnorm
        self.clipped = keras.metrics.Mean(name="clipped") if clipnorm else None
        self.train_only = [m.name for m in (self.penalty, self.clipped) if m is not None]
        self.batch_norm, self.norms, self.drops = "none", [], []

    def head_layer(self, units: int, initializer, seed: int, use_bias: bool):
        """The output layer, `output`: a Dense layer of `units`, its kernel seeded by `seed`."""
        return keras.layers.Dense(units, use_bias=use_bias, name="output",
                                  kernel_initializer=initializers.keras_initializer(initializer,
                                                                                    seed),
                                  kernel_regularizer=self.penalty_term)

    def add_norms_and_dropouts(self, depth: int, batch_norm: str, dropout, seed: int) -> None:
        """The batch norms `bn_k` and dropouts `dropout_k` of `depth` hidden layers (`activate`).

        Args:
            depth: hidden layers.
            batch_norm: "none", "before" (linear -> BN -> activation) or "after" (activation ->
                BN).
            dropout: rate per hidden layer (empty: none), applied after the activation in
                training.
            seed: the config's seed; dropout_k's masks are seeded from it.
        """
        self.batch_norm = batch_norm
        # Momentum 0.9, not Keras' 0.99: a toy run takes a few hundred steps, too few for the
        # moving averages at 0.99 to forget their start (variance 1), and inference uses them.
        self.norms = [keras.layers.BatchNormalization(momentum=0.9, name=f"bn_{i + 1}")
                      for i in range(depth)] if batch_norm != "none" else []
        rates = list(dropout) or [0.0] * depth
        # A seed per layer: the masks follow from the config's seed, step by step.
        self.drops = [keras.layers.Dropout(r, seed=seed + 1000 + i, name=f"dropout_{i + 1}")
                      for i, r in enumerate(rates)] if any(rates) else []

    def activate(self, i: int, z, act, training: bool):
        """Layer `i`'s linear output through [BN] -> activation -> [dropout] -> [BN].

        Args:
            i: the layer's index from 0 (past the hidden layers: the output layer, which has
                neither batch norm nor dropout).
            z: its linear output.
            act: its activation's callable.
            training: batch norm on batch statistics (else moving averages), dropout on.

        Returns:
            (u, a, x): the activation's input (z, or BN(z) with `before`), its output after
            dropout, and what the layer hands on before a skip's add (BN(a) with `after`).
        """
        bn = self.norms[i] if i < len(self.norms) else None
        u = bn(z, training=training) if bn is not None and self.batch_norm == "before" else z
        a = act(u)
        if i < len(self.drops):
            a = self.drops[i](a, training=training)
        x = bn(a, training=training) if bn is not None and self.batch_norm == "after" else a
        return u, a, x

    def call(self, x, training=False):
        return self.forward(x, training).output

    def forward(self, x, training=False) -> Forward:
        """One pass, keeping what every measured layer computes (each type's own)."""
        raise NotImplementedError

    def measure(self, x, y, training=False) -> Pass:
        """One forward and one backward pass: the gradients for the weights and for what the
        meter watches (each layer's z), from one tape."""
        with tf.GradientTape() as tape:
            f = self.forward(x, training)
            loss = self._compute_loss(x=x, y=y, y_pred=f.output, training=training)
            scaled = self.optimizer.scale_loss(loss)
        variables = self.trainable_variables
        grads = tape.gradient(scaled, variables + self.meter.watched(f.taps),
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        grads, watched = grads[:len(variables)], grads[len(variables):]
        unscale = 1.0 / self.optimizer.scale_loss(tf.constant(1.0))
        by_var = {id(v): g for v, g in zip(variables, grads)}
        return Pass(loss, f.output, grads, self.meter.step(f.taps, by_var, watched, unscale))

    def probe(self, x, y) -> Measures:
        """The meter's measures of one batch at the current weights, changing nothing.

        What the first training step sees: batch norm on the batch's statistics and dropout on;
        the moving averages and the dropout seeds are put back afterwards. The run records it as
        epoch 0.
        """
        state = [(v, v.numpy()) for v in self.non_trainable_variables]
        step = self.measure(x, y, training=True).step
        for v, value in state:
            v.assign(value)
        return self.meter.initial(step)

    def train_step(self, data):
        x, y = data
        m = self.measure(x, y, training=True)
        before = self.meter.kernels()  # read before the update
        if self.penalty is not None:  # the weights before this step's update, as in the loss
            self.penalty.update_state(tf.add_n(self.losses))
        if self.clipped is not None:  # Keras clips the unscaled gradients inside `apply`
            norm = tf.linalg.global_norm(m.grads) / self.optimizer.scale_loss(1.0)
            self.clipped.update_state(tf.cast(norm > self.clipnorm, tf.float32))
        self.optimizer.apply(m.grads, self.trainable_variables)
        self.meter.update(m.step, before)
        self._loss_tracker.update_state(m.loss, sample_weight=tf.shape(x)[0])
        return self.compute_metrics(x, y, m.y_pred)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' loss; in evaluation (validation, test) the data loss without the kernel penalty.

        The penalty is part of what training minimises (history.csv's `penalty`), not of how well
        the model predicts: with it, `val_loss` and `test_loss` of runs with and without `l1`/`l2`
        would not compare. The TensorFlow Playground shows its losses without it too.
        """
        if training or not self.losses:
            return super().compute_loss(x, y, y_pred, sample_weight, training=training)
        return self._compile_loss(y, y_pred, sample_weight)

    def test_step(self, data):
        logs = super().test_step(data)
        return {k: v for k, v in logs.items() if k not in self.train_only}
