"""The dense network: Dense layers `hidden_1` .. `hidden_N`, then the Dense `output`.

A hidden layer is Dense -> [BN] -> activation -> [dropout] -> [BN] (+ a skip); the defaults give
plain Dense -> activation. The meter measures each Dense layer, a unit being a neuron
(`harness.measure.meter`).
"""

import keras

from harness.catalog import activations, heads, initializers
from harness.measure.meter import Meter
from harness.measure.metered import MeteredLayer, Taps
from harness.models.base import Forward, StatsModel


class DenseModel(StatsModel):
    """Dense layers `<prefix>_1` .. `<prefix>_N` and `output`, each followed by its activation.

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
        prefix: the hidden layers' name before `_k` (a registered type's own, e.g. `hidden`).
    """

    def __init__(self, units, activation_names, initializer="glorot_uniform", use_bias=True,
                 seed=0, batch_norm="none", skips=(), dropout=(), l1=0.0, l2=0.0, clipnorm=None,
                 prefix="hidden", **kwargs):
        super().__init__(l1=l1, l2=l2, clipnorm=clipnorm, **kwargs)
        hidden = len(units) - 1
        names = [f"{prefix}_{i + 1}" for i in range(hidden)] + ["output"]
        self.dense = [keras.layers.Dense(n, use_bias=use_bias, name=name,
                                         kernel_initializer=initializers.keras_initializer(
                                             initializer, seed + i),
                                         kernel_regularizer=self.penalty_term)
                      for i, (n, name) in enumerate(zip(units, names))]
        self.act = [activations.keras_function(a) for a in activation_names]
        self.activation_names = list(activation_names)
        self.units, self.use_bias = list(units), use_bias
        self.layer_names = names
        self.add_norms_and_dropouts(hidden, batch_norm, dropout, seed)
        self.skips = tuple(skips)

    @property
    def head(self):
        """The output layer."""
        return self.dense[-1]

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
            u, a, x = self.activate(i, z, act, training)
            if i in skip_from:
                x = x + outs[skip_from[i]]
            zs.append(z)
            us.append(u)
            acts.append(a)
            outs.append(x)
        return Forward(x, Taps(zs, us, acts), outs)


def build_dense(cfg, input_shape: int | tuple, n_classes: int, seed: int,
                clipnorm: float | None = None) -> DenseModel:
    """Builds the dense network of a `ModelConfig` for data with `input_shape`.

    Args:
        cfg: `config.model`.
        input_shape: one example's shape (`Dataset.input_shape`: (n,)), or its inputs.
        n_classes: classes of the data (0 for regression); sets the softmax head's units.
        seed: seeds the initializers and the dropout masks.
        clipnorm: `config.train.clipnorm`, for counting the steps the optimizer clips.

    Returns:
        The built, uncompiled model (`harness.models.compile.compile_model` compiles it).
    """
    head = heads.HEADS.get(cfg.head)
    model = DenseModel([*cfg.widths(), head.units(n_classes)],
                       [*cfg.activations(), head.activation],
                       initializer=cfg.initializer, use_bias=cfg.use_bias, seed=seed,
                       batch_norm=cfg.batch_norm, skips=cfg.skips(), dropout=cfg.dropouts(),
                       l1=cfg.l1, l2=cfg.l2, clipnorm=clipnorm, name="harness_model")
    model.build((None, input_shape) if isinstance(input_shape, int) else (None, *input_shape))
    return model
