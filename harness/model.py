"""The network: a stack of Dense layers whose training step also measures every layer.

`StatsModel.train_step` follows Keras' own TensorFlow trainer (tape -> loss -> `scale_loss` ->
gradient -> `optimizer.apply`) and takes, from the same tape and the same backward pass, the
gradient with respect to each layer's pre-activation z as well, and reads the kernels before and
after `optimizer.apply` (the update it applied). Per-layer statistics are averaged over an epoch's
steps by one `LayerStats` tracker, outside `model.metrics` so that neither validation nor the
progress bar touches it; on the epochs the schedule logs, the same tracker adds up histograms.

Reference:
    big_vision logs `l2_grads` inside the update step, from the gradients that update the weights.
"""

import keras
import numpy as np
import tensorflow as tf

from harness import activations, heads, initializers
from harness.histograms import Histograms
from harness.stats import LayerStatistics, Step


class LayerStats(keras.metrics.Metric):
    """One epoch of layer statistics: their mean over steps, the units ever active, histograms.

    One update per step for all layers.

    Args:
        statistics: the model's `LayerStatistics`.
        histogram_size: bins of the model's `Histograms`.
    """

    def __init__(self, statistics: LayerStatistics, histogram_size: int, name="layer_stats"):
        super().__init__(name=name)
        self.statistics = statistics
        shape = (statistics.n, len(statistics.names))
        self.total = self.add_variable(shape=shape, initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        units = int(statistics.unit_layer.shape[0])
        self.alive = self.add_variable(shape=(units,), initializer="zeros", name="alive")
        self.histogram = self.add_variable(shape=(histogram_size,), initializer="zeros",
                                           dtype="int64", name="histogram")

    def update_state(self, values, active, counts):
        self.total.assign_add(tf.cast(values, self.total.dtype))
        self.count.assign_add(1.0)
        self.alive.assign(tf.maximum(self.alive, active))
        self.histogram.assign_add(counts)

    def result(self):
        """The (layers, statistics) matrix of the epoch so far."""
        return self.statistics.epoch_result(self.total / tf.maximum(self.count, 1.0), self.alive)


class StatsModel(keras.Model):
    """Dense layers `hidden_1` .. `hidden_N`, `output`, each followed by its activation.

    Args:
        units: units per Dense layer, the output layer last.
        activation_names: activation per layer (table names), the head's last.
        initializer: the kernel initializer config value (seeded per layer from `seed`).
        use_bias: whether the Dense layers have biases.
        seed: seeds the kernel initializers.
    """

    def __init__(self, units, activation_names, initializer="glorot_uniform", use_bias=True,
                 seed=0, **kwargs):
        super().__init__(**kwargs)
        names = [f"hidden_{i + 1}" for i in range(len(units) - 1)] + ["output"]
        self.dense = [keras.layers.Dense(n, use_bias=use_bias, name=name,
                                         kernel_initializer=initializers.keras_initializer(
                                             initializer, seed + i))
                      for i, (n, name) in enumerate(zip(units, names))]
        self.act = [activations.keras_function(a) for a in activation_names]
        entries = [activations.get(a) for a in activation_names]
        self.flat = [e.flat for e in entries]
        self.bounds = [e.bounds for e in entries]
        # Layers sharing an elementwise activation get their derivative in one call; a user's
        # function is called per layer (it may not be elementwise).
        groups = {}
        for i, name in enumerate(activation_names):
            groups.setdefault((name, i if ":" in name else None), []).append(i)
        self.act_groups = [(name, idx) for (name, _), idx in groups.items()]  # (name, layers)
        self.units, self.use_bias = list(units), use_bias
        self.layer_names = names

    @property
    def stat_names(self) -> list[str]:
        return self.statistics.names

    @property
    def metrics(self):
        # Keras resets `model.metrics` when validation starts; the layer statistics must survive
        # until the epoch's end, so a callback resets and reads them instead (`harness.train`).
        return [m for m in super().metrics if m is not getattr(self, "layer_stats", None)]

    def build(self, input_shape):
        fan_in = [input_shape[-1], *self.units[:-1]]
        for dense in self.dense:
            dense.build(input_shape)
            input_shape = (*input_shape[:-1], dense.units)
        self.statistics = LayerStatistics(self.units, fan_in, self.flat, self.use_bias,
                                          kernels=self.kernels())
        self.histograms = Histograms(self.units, fan_in, self.bounds)
        self.layer_stats = LayerStats(self.statistics, self.histograms.size)

    def kernels(self) -> list:
        return [d.kernel for d in self.dense]

    def call(self, x, training=False):
        return self.forward(x, training=training)[0]

    def forward(self, x, training=False):
        """One forward pass.

        Returns:
            (output, zs, outs, act_ins): per Dense layer its output z, what the next layer
            receives, and the activation's input; each (batch, units).
        """
        zs, outs = [], []
        for dense, act in zip(self.dense, self.act):
            z = dense(x)
            x = act(z)
            zs.append(z)
            outs.append(x)
        return x, zs, outs, list(zs)

    def activation_derivatives(self, act_ins):
        """Each layer's f(u) and f'(u) at the activation's inputs u, by autodiff.

        For an elementwise f, the gradient of sum(f(u)) with respect to u is f'(u) elementwise:
        one small backward pass through the activation alone, which works for any Keras or user
        function. Softmax is not elementwise: its Jacobian's diagonal s (1 - s) stands in.

        Returns:
            (acts, derivs): lists of (batch, units), one per layer.
        """
        acts, derivs = [None] * len(act_ins), [None] * len(act_ins)
        for name, idx in self.act_groups:
            u = tf.concat([act_ins[i] for i in idx], axis=1) if len(idx) > 1 else act_ins[idx[0]]
            f = self.act[idx[0]]
            if name == "softmax":
                a = f(u)
                d = a * (1.0 - a)
            else:
                with tf.GradientTape() as tape:
                    tape.watch(u)
                    a = f(u)
                d = tape.gradient(a, u, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            widths = [self.units[i] for i in idx]
            for i, ai, di in zip(idx, tf.split(a, widths, axis=1), tf.split(d, widths, axis=1)):
                acts[i], derivs[i] = ai, di
        return acts, derivs

    def measure(self, x, y, training=False):
        """One forward and one backward pass.

        Returns:
            (loss, y_pred, gradients of the scaled loss for the trainable variables,
             `Step`: the per-layer tensors the statistics and histograms are made of).
        """
        with tf.GradientTape() as tape:
            y_pred, zs, outs, act_ins = self.forward(x, training=training)
            loss = self._compute_loss(x=x, y=y, y_pred=y_pred, training=training)
            scaled = self.optimizer.scale_loss(loss)
        variables = self.trainable_variables
        grads = tape.gradient(scaled, variables + zs,
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        grads, dzs = grads[:len(variables)], grads[len(variables):]
        unscale = 1.0 / self.optimizer.scale_loss(tf.constant(1.0))
        by_var = {id(v): g for v, g in zip(variables, grads)}
        kernels = [by_var[id(d.kernel)] for d in self.dense]
        biases = [by_var[id(d.bias)] for d in self.dense] if self.dense[0].use_bias else None
        acts, derivs = self.activation_derivatives(act_ins)
        return loss, y_pred, grads, Step(kernels, biases, dzs, act_ins, acts, derivs, unscale)

    def probe(self, x, y):
        """Statistics and histograms of one batch at the current weights, without training.

        The histograms' linear axes are fixed from this batch (`Histograms.set_ranges`); the run
        records it as epoch 0.

        Returns:
            (statistics (layers, statistics) with `update_ratio` NaN, histogram counts (size,)).
        """
        step = self.measure(x, y)[3]
        self.histograms.set_ranges(step.acts, step.preacts)
        stats, _ = self.statistics(step, [tf.convert_to_tensor(k) for k in self.kernels()])
        return np.asarray(stats), np.asarray(self.histograms(step))

    def train_step(self, data):
        x, y = data
        loss, y_pred, grads, step = self.measure(x, y, training=True)
        before = [tf.convert_to_tensor(k) for k in self.kernels()]  # read before the update
        self.optimizer.apply(grads, self.trainable_variables)
        stats, active = self.statistics(step, before,
                                        [tf.convert_to_tensor(k) for k in self.kernels()])
        counts = tf.cond(self.histograms.on, lambda: self.histograms(step),
                         lambda: tf.zeros((self.histograms.size,), tf.int64))
        self.layer_stats.update_state(stats, active, counts)
        self._loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        return self.compute_metrics(x, y, y_pred)


def build_model(cfg, n_features: int, n_classes: int, seed: int) -> StatsModel:
    """Builds the network of a `ModelConfig` for data with `n_features` inputs.

    Args:
        cfg: `config.model`.
        n_features: inputs per example.
        n_classes: classes of the data (0 for regression); sets the softmax head's units.
        seed: seeds the initializers.
    """
    head = heads.HEADS.get(cfg.head)
    model = StatsModel([*cfg.widths(), head.units(n_classes)],
                       [*cfg.activations(), head.activation],
                       initializer=cfg.initializer, use_bias=cfg.use_bias, seed=seed,
                       name="harness_model")
    model.build((None, n_features))
    return model
