"""Recurrent networks: Keras' cells unrolled step by step, so that every state can be measured.

`RecurrentModel` stacks `rnn_1` .. `rnn_N` (Keras' `SimpleRNNCell`, `LSTMCell` or `GRUCell`) and
reads the last layer's final state into the head (`output`). The steps are unrolled in Python
(T is known when the model is built), so each state h_t (and LSTM's c_t) is a tensor of its own:
the one backward pass of `harness.models.base.StatsModel.measure` takes dL/dh_t for every t
through the whole recurrence (the later steps, the layer above and the head), which
`timesteps.csv` records.

What the meter measures per layer (`harness.measure.meter`): the kernel and the recurrent kernel as
the layer's weights; the units at every step side by side (a unit is one unit at one step). A simple
cell runs linear and its activation is applied here, so z_t = x_t W + h_{t-1} U + b is tapped as for
Dense; a gated cell's tap is its state h_t, measured as a linear activation (its gates' sigmoids and
tanh stay inside the cell).
"""
import keras
import numpy as np
import tensorflow as tf

from harness.catalog import activations, heads, initializers
from harness.measure.meter import Meter
from harness.measure.metered import MeteredLayer, Taps
from harness.models.base import Forward, StatsModel
from harness.models.cells import CELLS


def rescale_spectral_radius(kernel, radius: float, gates: int) -> np.ndarray:
    """A recurrent kernel with each gate's (units, units) block scaled so that its largest
    |eigenvalue| is `radius`."""
    kernel = np.array(kernel, dtype=np.float64)
    units = kernel.shape[0]
    for g in range(gates):
        block = kernel[:, g * units:(g + 1) * units]
        largest = np.max(np.abs(np.linalg.eigvals(block)))
        if largest > 0:
            kernel[:, g * units:(g + 1) * units] = block * (radius / largest)
    return kernel.astype(np.float32)


class RecurrentModel(StatsModel):
    """Recurrent layers `rnn_1` .. `rnn_N` of one cell type, then the head `output`.

    Args:
        cell: simple, lstm or gru.
        units: units per recurrent layer.
        activation_names: per recurrent layer, its activation (the gated cells' `activation`).
        head_units, head_activation: the head's units and activation table name.
        initializer, recurrent_initializer: the kernels' initializer config values.
        spectral_radius: rescales the initial recurrent kernels (per gate block), or None.
        seed: seeds the initializers.
        clipnorm: as for `harness.models.base.StatsModel`.
    """

    def __init__(self, cell, units, activation_names, head_units, head_activation,
                 initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 spectral_radius=None, use_bias=True, seed=0, clipnorm=None, **kwargs):
        super().__init__(clipnorm=clipnorm, **kwargs)
        # The head first, seeded as a Dense stack of this depth's: Keras orders the weights (and
        # so the gradients the clipping norm sums) as their layers were made.
        self.head = self.head_layer(head_units, initializer, seed + len(units), use_bias)
        self.head_act = activations.keras_function(head_activation)
        self.cell_type, self.spectral_radius = cell, spectral_radius
        self.rnn_names = [f"rnn_{i + 1}" for i in range(len(units))]
        self.layer_names = [*self.rnn_names, "output"]
        self.activation_names = [*activation_names, head_activation]
        self.units, self.use_bias = [*units, head_units], use_bias
        simple = cell == "simple"
        self.state_fns = [activations.keras_function(a) if simple else None
                          for a in activation_names]
        keras_cell = getattr(keras.layers, f"{CELLS.get(cell).keras}Cell")  # e.g. LSTMCell
        self.cells = []
        for i, (n, a) in enumerate(zip(units, activation_names)):
            # The simple cell runs linear: its activation is applied in `forward` (its z tapped).
            act = None if simple else activations.keras_function(a)
            self.cells.append(keras_cell(
                n, activation=act, use_bias=use_bias, name=self.rnn_names[i],
                kernel_initializer=initializers.keras_initializer(initializer, seed + i),
                recurrent_initializer=initializers.keras_initializer(
                    recurrent_initializer, seed + 100 + i), seed=seed + 200 + i))

    def build(self, input_shape):
        steps, features = input_shape[1], input_shape[2]
        self.steps = int(steps)
        for cell in self.cells:
            cell.build((None, features))
            features = cell.units
            if self.spectral_radius is not None:
                gates = CELLS.get(self.cell_type).gates
                cell.recurrent_kernel.assign(rescale_spectral_radius(
                    cell.recurrent_kernel.numpy(), self.spectral_radius, gates))
        head = self.head
        head.build((None, features))
        simple = self.cell_type == "simple"
        layers = [MeteredLayer(name, self.steps * cell.units,
                               (cell.kernel, cell.recurrent_kernel),
                               cell.bias if self.use_bias else None,
                               activation if simple else "linear",
                               fn if simple else activations.keras_function("linear"))
                  for name, cell, activation, fn in zip(
                      self.rnn_names, self.cells, self.activation_names, self.state_fns)]
        layers.append(MeteredLayer("output", head.units, head.kernel,
                                   head.bias if self.use_bias else None,
                                   self.activation_names[-1], self.head_act))
        self.meter = Meter(layers)
        rows = [(name, metric) for name in self.rnn_names
                for metric in (("h_grad_norm", "c_grad_norm") if self.cell_type == "lstm"
                               else ("h_grad_norm",))]
        self.meter.declare_states(rows, self.steps)

    def forward(self, x, training=False) -> Forward:
        """One pass, unrolled over the steps; per recurrent layer, lists of T tensors."""
        x = tf.convert_to_tensor(x)
        batch = tf.shape(x)[0]
        inputs = [x[:, t] for t in range(self.steps)]
        zs, us, acts, hs, cs = [], [], [], [], []
        for cell, fn in zip(self.cells, self.state_fns):
            states = [tf.zeros((batch, cell.units), x.dtype)
                      for _ in range(2 if self.cell_type == "lstm" else 1)]
            z_steps, h_steps, c_steps = [], [], []
            for x_t in inputs:
                out, states = cell(x_t, states, training=training)
                states = list(states)
                if fn is not None:  # simple cell: out is z_t, h_t = f(z_t)
                    z_steps.append(out)
                    out = fn(out)
                    states = [out]
                h_steps.append(out)
                if self.cell_type == "lstm":
                    c_steps.append(states[1])
            inputs = h_steps
            zs.append(z_steps if fn is not None else h_steps)
            us.append(z_steps if fn is not None else h_steps)
            acts.append(h_steps)
            hs.append(h_steps)
            cs.append(c_steps if self.cell_type == "lstm" else None)
        z = self.head(inputs[-1])
        y = self.head_act(z)
        return Forward(y, Taps([*zs, z], [*us, z], [*acts, y], hs, cs), [*inputs[-1:], y])


def build_recurrent(cfg, input_shape: tuple, n_classes: int, seed: int,
                    clipnorm: float | None = None) -> RecurrentModel:
    """Builds the recurrent network of a `ModelConfig` for sequences of `input_shape` (T, f).

    Args:
        cfg: `config.model` (`type: recurrent`).
        input_shape: one sequence's shape, (steps, features).
        n_classes, seed, clipnorm: as for `harness.models.dense.build_dense`.

    Returns:
        The built, uncompiled model.
    """
    head = heads.HEADS.get(cfg.head)
    model = RecurrentModel(cfg.cell or "simple", cfg.widths(), cfg.activations(),
                           head.units(n_classes), head.activation,
                           initializer=cfg.initializer,
                           recurrent_initializer=cfg.recurrent_initializer or "orthogonal",
                           spectral_radius=cfg.spectral_radius, use_bias=cfg.use_bias,
                           seed=seed, clipnorm=clipnorm, name="harness_model")
    model.build((None, *input_shape))
    return model
