"""The convolutional network: conv layers, max-pools, global average pooling, the Dense head.

`ConvModel`'s hidden layers are `Conv2D` layers `conv_1` .. `conv_N` (padding `same`); the
training step, the probe and the losses are every model's (`harness.models.base.StatsModel`), and
the meter measures each conv layer as it measures a Dense one, a unit being a channel
(`harness.measure.meter`: taps (batch, height, width, channels), `MeteredLayer.positions` = height x
width). A conv layer is Conv2D -> [BN] -> activation -> [dropout] -> [BN] (+ a skip), then a 2 x 2
max-pool after the layers `model.pool` lists. A skip adds the map its start layer hands on (after
that layer's pool) to its end layer's output (before its pool); the config refuses a pool in between
(the conv entry's checks, `harness.models.types`). Global average pooling turns the last map into
one value per channel for the head.

Reference:
    He et al. 2016, "Deep Residual Learning for Image Recognition" (conv stacks with skips).
"""

import keras
import numpy as np
import tensorflow as tf

from harness.catalog import activations, heads, initializers
from harness.measure.meter import Meter
from harness.measure.metered import MeteredLayer, Taps
from harness.models.base import Forward, StatsModel


class ConvModel(StatsModel):
    """Conv2D layers `conv_1` .. `conv_N`, global average pooling, then the Dense `output`.

    Args:
        filters: channels per conv layer.
        kernel_size: each conv kernel's side.
        pools: conv layer indices from 0 each followed by a 2 x 2 max-pool.
        head_units, head_activation: the output layer's units and activation (table name).
        activation_names: activation per conv layer (table names).
        initializer, use_bias, seed, batch_norm, skips, dropout, l1, l2, clipnorm: as for
            `harness.models.dense.DenseModel`, for the conv layers (`l1`/`l2` cover the head's
            kernel too).
    """

    def __init__(self, filters, kernel_size, pools, head_units, head_activation,
                 activation_names, initializer="glorot_uniform", use_bias=True, seed=0,
                 batch_norm="none", skips=(), dropout=(), l1=0.0, l2=0.0, clipnorm=None,
                 **kwargs):
        super().__init__(l1=l1, l2=l2, clipnorm=clipnorm, **kwargs)
        depth = len(filters)
        # The head first, seeded as a Dense stack of this depth's: Keras orders the weights (and
        # so the gradients the clipping norm and the penalty sum) as their layers were made.
        self.head = self.head_layer(head_units, initializer, seed + depth, use_bias)
        self.convs = [keras.layers.Conv2D(
            n, kernel_size, padding="same", use_bias=use_bias, name=f"conv_{i + 1}",
            kernel_initializer=initializers.keras_initializer(initializer, seed + i),
            kernel_regularizer=self.penalty_term) for i, n in enumerate(filters)]
        self.act = [activations.keras_function(a) for a in [*activation_names, head_activation]]
        self.layer_names = [f"conv_{i + 1}" for i in range(depth)] + ["output"]
        self.activation_names = [*activation_names, head_activation]
        self.units, self.use_bias = [*filters, head_units], use_bias
        self.add_norms_and_dropouts(depth, batch_norm, dropout, seed)
        self.skips = tuple(skips)
        self.pools = set(pools)
        self.pool = keras.layers.MaxPooling2D(2, name="max_pool")
        self.gap = keras.layers.GlobalAveragePooling2D(name="global_average_pool")

    def build(self, input_shape):
        height, width = input_shape[1], input_shape[2]
        shape, positions = tuple(input_shape), []
        for i, conv in enumerate(self.convs):
            conv.build(shape)
            shape = (None, height, width, conv.filters)
            if self.norms:
                self.norms[i].build(shape)
            positions.append(height * width)
            if i in self.pools:
                height, width = height // 2, width // 2
                shape = (None, height, width, conv.filters)
        head = self.head
        head.build((None, self.convs[-1].filters))
        norms = self.norms or [None] * len(self.convs)
        # A unit is a channel, its values every example's every map position
        # (`harness.measure.meter`).
        self.meter = Meter([
            *(MeteredLayer(name, conv.filters, conv.kernel, conv.bias if self.use_bias else None,
                           activation, fn, norm, n)
              for name, conv, activation, fn, norm, n in zip(
                  self.layer_names, self.convs, self.activation_names, self.act, norms,
                  positions)),
            MeteredLayer("output", head.units, head.kernel, head.bias if self.use_bias else None,
                         self.activation_names[-1], self.act[-1])])

    def call(self, x, training=False):
        # Keeps no layer's maps: an eager evaluation of 10,000 MNIST images would otherwise hold
        # every layer's (10,000, 28, 28, filters) maps at once (5 GB at depth 8).
        return self.forward(x, training, keep=False).output

    def forward(self, x, training=False, keep=True) -> Forward:
        """One pass, keeping what every layer computes.

        Args:
            x: images, (batch, height, width, channels).
            training: batch norm on batch statistics (else moving averages), dropout on.
            keep: keep the taps and outs (else they come back empty: `call`).

        Returns:
            A `Forward`; per conv layer (batch, height, width, filters): z its output (before
            batch norm), u the activation's input, a the activation's output after dropout, and
            in `outs` what the layer hands on before its pool; then the head's (batch, outputs).
        """
        zs, us, acts, outs, carried = [], [], [], [], {}
        skip_from = {end: start for start, end in self.skips}
        starts = set(skip_from.values())
        for i, (conv, act) in enumerate(zip(self.convs, self.act)):
            z = conv(x)
            u, a, x = self.activate(i, z, act, training)
            if i in skip_from:
                x = x + carried.pop(skip_from[i])
            if keep:
                zs.append(z)
                us.append(u)
                acts.append(a)
                outs.append(x)
            if i in self.pools:
                x = self.pool(x)
            if i in starts:  # what a skip from this layer carries: the map after its pool
                carried[i] = x
        z = self.head(self.gap(x))  # (batch, outputs)
        a = self.act[-1](z)
        return Forward(a, Taps([*zs, z], [*us, z], [*acts, a]), [*outs, a])

    def first_weights(self):
        """conv_1's filters as (kernel positions x input channels, filters), row-major."""
        kernel = self.convs[0].kernel  # (kh, kw, in, filters)
        return tf.reshape(kernel, [-1, kernel.shape[-1]])

    def feature_maps(self, image) -> dict:
        """One image's maps through the layers, as numpy arrays (inference mode).

        Args:
            image: (height, width, channels).

        Returns:
            `input` -> (height, width, channels), then `conv_k` -> (h, w, filters), the maps each
            layer hands on (before its pool).
        """
        outs = self.forward(tf.convert_to_tensor(image[None], tf.float32)).outs[:-1]
        return {"input": np.asarray(image), **{name: np.asarray(out[0])
                                               for name, out in zip(self.layer_names, outs)}}


def build_conv(cfg, input_shape: tuple, n_classes: int, seed: int,
               clipnorm: float | None = None) -> ConvModel:
    """Builds the conv network of a `ModelConfig` for images of `input_shape`.

    Args:
        cfg: `config.model` (`type: conv`).
        input_shape: one image's shape, (height, width, channels).
        n_classes, seed, clipnorm: as for `harness.models.dense.build_dense`.

    Returns:
        The built, uncompiled model.
    """
    head = heads.HEADS.get(cfg.head)
    model = ConvModel(cfg.filter_counts(), cfg.kernel_size, cfg.pools(), head.units(n_classes),
                      head.activation, cfg.activations(), initializer=cfg.initializer,
                      use_bias=cfg.use_bias, seed=seed, batch_norm=cfg.batch_norm,
                      skips=cfg.skips(), dropout=cfg.dropouts(), l1=cfg.l1, l2=cfg.l2,
                      clipnorm=clipnorm, name="harness_model")
    model.build((None, *input_shape))
    return model
