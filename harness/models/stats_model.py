"""The network: a stack of Dense layers whose training step also measures every layer.

`StatsModel.train_step` follows Keras' own TensorFlow trainer (tape -> loss -> `scale_loss` ->
gradient -> `optimizer.apply`) and takes, from the same tape and the same backward pass, the
gradient with respect to each layer's linear output z as well, and reads the kernels before and
after `optimizer.apply` (the update it applied). What is measured, and how, is the model's
`harness.measure.meter.Meter`: the model declares its layers to it (`MeteredLayer`) and hands it
what they compute in each pass (`Taps`). The meter is no Keras metric, so neither validation nor the
progress bar touches it.

Reference:
    big_vision logs `l2_grads` inside the update step, from the gradients that update the weights.
"""

from typing import NamedTuple

import keras
import tensorflow as tf

from harness.catalog import activations, heads, initializers
from harness.measure.meter import Meter
from harness.measure.metered import Measures, MeteredLayer, Taps
from harness.measure.stats import Step


class Forward(NamedTuple):
    """One pass through the network.

    Attributes:
        output: the network's output, (batch, outputs).
        taps: per Dense layer, its z, u and a (`harness.measure.metered.Taps`).
        outs: per Dense layer, what the next layer receives (after activation, batch norm,
            dropout and the skip's add), (batch, units).
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
    """Dense layers `hidden_1` .. `hidden_N`, `output`, each followed by its activation.

    A hidden layer is Dense -> [BN] -> activation -> [dropout] -> [BN] (+ a skip), with the
    options below; the defaults give plain Dense -> activation.

    Args:
        units: units per Dense layer, the output layer last.
        activation_names: activation per layer (table names), the head's last.
        initializer: the kernel initializer config value (seeded per layer from `seed`).
        use_bias: whether the Dense layers have biases.
        seed: seeds the kernel initializers and the dropout masks.
        batch_norm: "none", "before" (Dense -> BN -> activation) or "after" (activation -> BN).
        skips: (start, end) hidden-layer indices: hidden `start`'s output is added to `end`'s
            (`ModelConfig.skips`).
        dropout: rate per hidden layer, applied right after the activation in training.
        l1, l2: kernel penalties of every Dense layer, added to the training loss.
        clipnorm: the optimizer's global clipping norm; the model counts the steps it clips.
    """

    def __init__(self, units, activation_names, initializer="glorot_uniform", use_bias=True,
                 seed=0, batch_norm="none", skips=(), dropout=(), l1=0.0, l2=0.0, clipnorm=None,
                 **kwargs):
        super().__init__(**kwargs)
        names = [f"hidden_{i + 1}" for i in range(len(units) - 1)] + ["output"]
        penalty = keras.regularizers.L1L2(l1=l1, l2=l2) if l1 or l2 else None
        self.dense = [keras.layers.Dense(n, use_bias=use_bias, name=name,
                                         kernel_initializer=initializers.keras_initializer(
                                             initializer, seed + i),
                                         kernel_regularizer=penalty)
                      for i, (n, name) in enumerate(zip(units, names))]
        self.act = [activations.keras_function(a) for a in activation_names]
        self.activation_names = list(activation_names)
        self.units, self.use_bias = list(units), use_bias
        self.layer_names = names
        hidden = len(units) - 1
        self.batch_norm = batch_norm
        # Momentum 0.9, not Keras' 0.99: a toy run takes a few hundred steps, too few for the
        # moving averages at 0.99 to forget their start (variance 1), and inference uses them.
        self.norms = [keras.layers.BatchNormalization(momentum=0.9, name=f"bn_{i + 1}")
                      for i in range(hidden)] if batch_norm != "none" else []
        rates = list(dropout) or [0.0] * hidden
        # A seed per layer: the masks follow from the config's seed, step by step.
        self.drops = [keras.layers.Dropout(r, seed=seed + 1000 + i, name=f"dropout_{i + 1}")
                      for i, r in enumerate(rates)] if any(rates) else []
        self.skips = tuple(skips)
        # Training-only history columns (`penalty`, `clipped`): not in validation or test logs.
        self.penalty = keras.metrics.Mean(name="penalty") if penalty else None
        self.clipnorm = clipnorm
        self.clipped = keras.metrics.Mean(name="clipped") if clipnorm else None
        self.train_only = [m.name for m in (self.penalty, self.clipped) if m is not None]

    def build(self, input_shape):
        for dense in self.dense:
            dense.build(input_shape)
            input_shape = (*input_shape[:-1], dense.units)
        for norm, n in zip(self.norms, self.units):
            norm.build((None, n))
        # What the meter measures of each Dense layer (a unit is a neuron); see
        # `harness.measure.meter`.
        norms = self.norms + [None] * (len(self.dense) - len(self.norms))  # hidden layers only
        self.meter = Meter([
            MeteredLayer(name, dense.units, dense.kernel, dense.bias if self.use_bias else None,
                         activation, fn, norm)
            for name, dense, activation, fn, norm in zip(
                self.layer_names, self.dense, self.activation_names, self.act, norms)])

    def call(self, x, training=False):
        return self.forward(x, training).output

    def first_weights(self):
        """The first layer's weights as (inputs, units): one column per unit (`snapshots`)."""
        return self.dense[0].kernel

    def forward(self, x, training=False) -> Forward:
        """One pass, keeping what every layer computes.

        Args:
            x: inputs, (batch, features).
            training: batch norm on batch statistics (else moving averages), dropout on.

        Returns:
            A `Forward`; per Dense layer, (batch, units) each: z its output (before batch norm),
            u the activation's input (z, or BN(z) with `before`), a the activation's output after
            dropout (before BN `after` and the skip's add), and what the next layer receives.
        """
        zs, us, acts, outs = [], [], [], []
        skip_from = {end: start for start, end in self.skips}
        for i, (dense, act) in enumerate(zip(self.dense, self.act)):
            z = dense(x)
            bn = self.norms[i] if i < len(self.norms) else None  # hidden layers only
            u = bn(z, training=training) if bn is not None and self.batch_norm == "before" else z
            a = act(u)
            if i < len(self.drops):
                a = self.drops[i](a, training=training)
            x = bn(a, training=training) if bn is not None and self.batch_norm == "after" else a
            if i in skip_from:
                x = x + outs[skip_from[i]]
            zs.append(z)
            us.append(u)
            acts.append(a)
            outs.append(x)
        return Forward(x, Taps(zs, us, acts), outs)

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
        return Pass(loss, f.output, grads,
                           self.meter.step(f.taps, by_var, watched, unscale))

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


def build_model(cfg, n_features: int | tuple, n_classes: int, seed: int,
                clipnorm: float | None = None) -> StatsModel:
    """Builds the network of a `ModelConfig` for data with `n_features` inputs.

    Args:
        cfg: `config.model`.
        n_features: inputs per example, or one example's shape (`Dataset.input_shape`: (n,)).
        n_classes: classes of the data (0 for regression); sets the softmax head's units.
        seed: seeds the initializers and the dropout masks.
        clipnorm: `config.train.clipnorm`, for counting the steps the optimizer clips.
    """
    head = heads.HEADS.get(cfg.head)
    model = StatsModel([*cfg.widths(), head.units(n_classes)],
                       [*cfg.activations(), head.activation],
                       initializer=cfg.initializer, use_bias=cfg.use_bias, seed=seed,
                       batch_norm=cfg.batch_norm, skips=cfg.skips(), dropout=cfg.dropouts(),
                       l1=cfg.l1, l2=cfg.l2, clipnorm=clipnorm, name="harness_model")
    model.build((None, n_features) if isinstance(n_features, int) else (None, *n_features))
    return model
