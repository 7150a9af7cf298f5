"""The network: a stack of Dense layers whose training step also measures every layer.

`StatsModel.train_step` follows Keras' own TensorFlow trainer (tape -> loss -> `scale_loss` ->
gradient -> `optimizer.apply`) and takes, from the same tape and the same backward pass, the
gradient with respect to each layer's pre-activation z as well. Per-layer statistics are
averaged over an epoch's steps by one `LayerStats` tracker, outside `model.metrics` so that
neither validation nor the progress bar touches it.

Reference:
    big_vision logs `l2_grads` inside the update step, from the gradients that update the weights.
"""

import keras
import tensorflow as tf

from harness import activations, heads, initializers
from harness.stats import LayerStatistics


class LayerStats(keras.metrics.Metric):
    """Mean over steps of a (layers, statistics) matrix: one update per step for all layers."""

    def __init__(self, shape, name="layer_stats"):
        super().__init__(name=name)
        self.total = self.add_variable(shape=shape, initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values):
        self.total.assign_add(tf.cast(values, self.total.dtype))
        self.count.assign_add(1.0)

    def result(self):
        return self.total / tf.maximum(self.count, 1.0)


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
        self.flat = [activations.get(a).flat for a in activation_names]
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
        self.statistics = LayerStatistics(self.units, fan_in, self.flat, self.use_bias)
        self.layer_stats = LayerStats((len(self.units), len(self.statistics.names)))
    def call(self, x, training=False):
        return self.forward(x)[0]

    def forward(self, x):
        """Returns the output, and each layer's pre-activation z and output a, (batch, units)."""
        zs, outs = [], []
        for dense, act in zip(self.dense, self.act):
            z = dense(x)
            x = act(z)
            zs.append(z)
            outs.append(x)
        return x, zs, outs

    def measure(self, x, y, training=False):
        """One forward and one backward pass.

        Returns:
            (loss, y_pred, gradients of the scaled loss for the trainable variables,
             statistics (layers, statistics) from the unscaled gradients).
        """
        with tf.GradientTape() as tape:
            y_pred, zs, outs = self.forward(x)
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
        return loss, y_pred, grads, self.statistics(kernels, biases, dzs, outs, unscale)

    def train_step(self, data):
        x, y = data
        loss, y_pred, grads, stats = self.measure(x, y, training=True)
        self.layer_stats.update_state(stats)
        self._loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        self.optimizer.apply(grads, self.trainable_variables)
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
