"""What a layer type declares to the meter (`harness.measure.meter.Meter`), what it hands over in
every pass, and what the meter gives back: the seam a new layer type plugs into.

How a layer type plugs in
-------------------------
When the model is built it declares a `MeteredLayer` per measured layer (name, units, kernel,
bias, activation, the batch norm after it); in every pass it hands over `Taps`: per layer z (its
linear output, where dL/dz is taken), u (the activation's input) and a (its output), each
(batch, ..., units). Dense: (batch, units), a kernel (inputs, units). Neither the loop nor the
recorder knows more.

- Conv2D: a unit is a channel, taps are (batch, height, width, channels) and the kernel
  (kh, kw, in, out). Per-unit statistics and the linear histograms reduce over batch, height and
  width alike (`rows`, in `Meter.step`); the kernel sums already reduce a
  kernel of any rank. `LayerStatistics` and `Histograms` put all layers' units side by side in
  one (rows, all units) matrix, which needs one row count: layers whose rows differ (pooling)
  reduce over their own rows first, in those two files.
- Recurrent (`harness.models.recurrent`): the kernel and the recurrent kernel are the layer's
  weights (a tuple of kernels in `MeteredLayer`, measured as one vector); its z, u and a are lists
  of T per-step tensors, laid side by side as (batch, T * units) (a unit is a unit at one step). The
  state h_t of every step (and LSTM's c_t) is a `Taps` field (`h`, `c`): each step's state is a
  tensor of its own in the unrolled pass, returned by `Meter.watched`, so that the one backward pass
  gives dL/dh_t through the recurrence. Their norms are `Measures.time`, written to `timesteps.csv`
  (one more of `harness.measure.meter.FILES`; `Meter.files` names it only for models that
  `Meter.declare_states`). The loop carries any field of `Measures` and the recorder writes the
  files the meter names.
"""
from collections.abc import Callable
from typing import NamedTuple

import tensorflow as tf

JACOBIAN_STATS = ("jacobian_sv_mean", "jacobian_sv_max")  # `Measures.jacobian`'s columns


class MeteredLayer(NamedTuple):
    """One measured layer, as its layer type declares it.

    Attributes:
        name: the layer's name in `layers.csv` and `histograms.csv`.
        units: its units (Dense) or channels (Conv2D): the last axis of its taps.
        kernel: its weights (a variable), or a tuple of them (a recurrent layer's kernel and
            recurrent kernel), measured as one.
        bias: its bias (a variable), or None.
        activation: its activation's table name (`harness.catalog.activations`).
        fn: the activation's callable, as the layer runs it.
        norm: the `BatchNormalization` layer whose gamma and beta follow it, or None.
        positions: values per example and unit (Conv2D: the map's height x width; Dense: 1).
    """

    name: str
    units: int
    kernel: object
    bias: object | None
    activation: str
    fn: Callable
    norm: object | None = None
    positions: int = 1


class Taps(NamedTuple):
    """What the measured layers computed in one pass: one tensor per layer in each field.

    Attributes:
        z: each layer's linear output (before batch norm): dL/dz is measured here.
        u: the activation's input (z, or BN(z) with batch norm before the activation).
        a: the activation's output (after dropout; before batch norm after it and a skip's add).
        h: per recurrent layer, its state h_t of every step (a list of T tensors), whose
            gradient is taken through the recurrence; empty for other models.
        c: per LSTM layer, its cell state c_t of every step (as h); None for other layers.

    A recurrent layer's z, u and a are lists of T per-step tensors too: the meter lays the steps
    side by side, (batch, T * units), so that a unit is one unit at one step.
    """

    z: list
    u: list
    a: list
    h: list = ()
    c: list = ()


class Measures(NamedTuple):
    """What the meter measured over an epoch (or one batch at initialisation).

    Attributes:
        stats: (layers, columns) statistics: the mean over the epoch's steps.
        counts: (bins,) histogram counts (zero on the epochs the schedule does not log).
        time: (state rows, T) ||dL/dh_t|| (and LSTM's ||dL/dc_t||) per step: the epoch's mean
            over its steps; (0, 0) without recurrent layers.
        jacobian: (layers, `JACOBIAN_STATS`) the layer Jacobians' mean and largest singular
            value at the probe examples, at the end of a logged epoch (zeros on other epochs);
            (0, 2) unless `measure_jacobians` declared them, and at initialisation, whose are
            `harness.measure.propagation`'s.
    """

    stats: object
    counts: object
    time: object
    jacobian: object


DTYPES = Measures(tf.float32, tf.int64, tf.float32, tf.float32)


def flat_kernel(kernel):
    """A layer's kernel as the meter measures it: a tuple of kernels as one vector."""
    if isinstance(kernel, tuple):
        return tf.concat([tf.reshape(tf.convert_to_tensor(k), [-1]) for k in kernel], axis=0)
    return kernel


def side_by_side(tensors):
    """A layer's tap: the tensor, or a recurrent layer's per-step tensors side by side."""
    return tf.concat(tensors, axis=1) if isinstance(tensors, list) else tensors


def rows(tensors) -> list:
    """Each tensor as (rows, units): a conv map's (batch, height, width, channels) becomes
    (batch x height x width, channels), so that a channel's values at every position and for
    every example count alike; (batch, units) stays as it is."""
    return [t if t.shape.rank == 2 else tf.reshape(t, [-1, t.shape[-1]]) for t in tensors]
