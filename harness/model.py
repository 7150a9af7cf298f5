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
        columns: statistics per layer: `statistics.names`, then any the model adds (batch norm).
    """

    def __init__(self, statistics: LayerStatistics, histogram_size: int, columns: int,
                 name="layer_stats"):
        super().__init__(name=name)
        self.statistics = statistics
        shape = (statistics.n, columns)
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

    @property
    def stat_names(self) -> list[str]:
        return self.statistics.names + (list(BN_STATS) if self.norms else [])

    @property
    def not_measured(self) -> set[tuple[str, str]]:
        """(layer, metric) pairs that do not exist (the output layer has no batch norm)."""
        return {("output", s) for s in BN_STATS} if self.norms else set()

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
        for norm, n in zip(self.norms, self.units):
            norm.build((None, n))
        self.statistics = LayerStatistics(self.units, fan_in, self.flat, self.use_bias,
                                          kernels=self.kernels())
        self.histograms = Histograms(self.units, fan_in, self.bounds)
        self.layer_stats = LayerStats(self.statistics, self.histograms.size,
                                      len(self.stat_names))

    def kernels(self) -> list:
        return [d.kernel for d in self.dense]

    def call(self, x, training=False):
        return self.forward(x, training)[0]

    def forward(self, x, training=False):
        """One pass, keeping what every layer computes.

        Args:
            x: inputs, (batch, features).
            training: batch norm on batch statistics (else moving averages), dropout on.

        Returns:
            (output, zs, outs, act_ins): per Dense layer, (batch, units) each: its output z
            (before batch norm), what the next layer receives (after activation, batch norm,
            dropout and the skip's add), and the activation's input (z, or BN(z) with `before`).
        """
        return self._forward(x, training)[:4]

    def _forward(self, x, training=False):
        """`forward`, plus each layer's activation output after dropout (before BN `after` and
        the skip's add): the tensor the activation statistics describe."""
        zs, outs, act_ins, acts = [], [], [], []
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
            outs.append(x)
            act_ins.append(u)
            acts.append(a)
        return x, zs, outs, act_ins, acts

    def activation_derivatives(self, act_ins):
        """Each layer's f'(u) at the activation's inputs u, by autodiff.

        For an elementwise f, the gradient of sum(f(u)) with respect to u is f'(u) elementwise:
        one small backward pass through the activation alone, which works for any Keras or user
        function. Softmax is not elementwise: its Jacobian's diagonal s (1 - s) stands in.

        Returns:
            A list of (batch, units), one per layer.
        """
        derivs = [None] * len(act_ins)
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
            for i, di in zip(idx, tf.split(d, widths, axis=1)):
                derivs[i] = di
        return derivs

    def measure(self, x, y, training=False):
        """One forward and one backward pass.

        Returns:
            (loss, y_pred, gradients of the scaled loss for the trainable variables,
             `Step`: the per-layer tensors the statistics and histograms are made of).
        """
        with tf.GradientTape() as tape:
            y_pred, zs, outs, act_ins, acts = self._forward(x, training)
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
        step = Step(kernels, biases, dzs, act_ins, acts, self.activation_derivatives(act_ins),
                    unscale)
        bn = self._bn_grad_norms(by_var, unscale) if self.norms else None
        return loss, y_pred, grads, step, bn

    def probe(self, x, y):
        """Statistics and histograms of one batch at the current weights, changing nothing.

        What the first training step sees: batch norm on the batch's statistics and dropout on;
        the moving averages and the dropout seeds are put back afterwards. The histograms' linear
        axes are fixed from this batch (`Histograms.set_ranges`); the run records it as epoch 0.

        Returns:
            (statistics (layers, statistics) with `update_ratio` NaN, histogram counts (size,)).
        """
        state = [(v, v.numpy()) for v in self.non_trainable_variables]
        step, bn = self.measure(x, y, training=True)[3:]
        for v, value in state:
            v.assign(value)
        self.histograms.set_ranges(step.acts, step.preacts)
        stats, _ = self.statistics(step, [tf.convert_to_tensor(k) for k in self.kernels()])
        if bn is not None:
            stats = tf.concat([stats, bn], axis=1)
        return np.asarray(stats), np.asarray(self.histograms(step))

    def train_step(self, data):
        x, y = data
        loss, y_pred, grads, step, bn = self.measure(x, y, training=True)
        before = [tf.convert_to_tensor(k) for k in self.kernels()]  # read before the update
        if self.penalty is not None:  # the weights before this step's update, as in the loss
            self.penalty.update_state(tf.add_n(self.losses))
        if self.clipped is not None:  # Keras clips the unscaled gradients inside `apply`
            norm = tf.linalg.global_norm(grads) / self.optimizer.scale_loss(1.0)
            self.clipped.update_state(tf.cast(norm > self.clipnorm, tf.float32))
        self.optimizer.apply(grads, self.trainable_variables)
        stats, active = self.statistics(step, before,
                                        [tf.convert_to_tensor(k) for k in self.kernels()])
        if bn is not None:
            stats = tf.concat([stats, bn], axis=1)
        counts = tf.cond(self.histograms.on, lambda: self.histograms(step),
                         lambda: tf.zeros((self.histograms.size,), tf.int64))
        self.layer_stats.update_state(stats, active, counts)
        self._loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        return self.compute_metrics(x, y, y_pred)

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

    # Batch norm's own parameters: two statistics columns beside `LayerStatistics`' ones, on the
    # row of the Dense layer each BN follows (0 on the output row, which layers.csv leaves out).
    def _bn_grad_norms(self, by_var, unscale):
        rows = [tf.stack([tf.norm(tf.cast(by_var[id(bn.gamma)], tf.float32)),
                          tf.norm(tf.cast(by_var[id(bn.beta)], tf.float32))])
                for bn in self.norms]
        rows.append(tf.zeros((2,)))  # the output layer
        return tf.stack(rows) * unscale


BN_STATS = ("bn_gamma_grad_norm", "bn_beta_grad_norm")


def build_model(cfg, n_features: int, n_classes: int, seed: int,
                clipnorm: float | None = None) -> StatsModel:
    """Builds the network of a `ModelConfig` for data with `n_features` inputs.

    Args:
        cfg: `config.model`.
        n_features: inputs per example.
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
    model.build((None, n_features))
    return model
