"""The recurrent cells a recurrent model can stack (`model.cell`): simple, LSTM and GRU.

`harness.models.recurrent` builds Keras' `<keras>Cell` of an entry; its `gates` size the kernels
(`harness.models.types`' memory estimate, the spectral radius rescaling per gate block). This
module does not import TensorFlow.
"""

from dataclasses import dataclass

from harness.base.registry import Registry


@dataclass(frozen=True)
class Cell:
    """One entry of `CELLS`.

    Attributes:
        description: one line for `harness list cells`.
        keras: the Keras layer (its cell is `keras.layers.<keras>Cell`).
        gates: weight blocks per unit in the kernels (recurrent kernel `(units, gates * units)`).
    """

    description: str
    keras: str
    gates: int


CELLS: Registry[Cell] = Registry("cell", "cells")
CELLS.register("simple", Cell(
    "h_t = activation(W x_t + U h_(t-1) + b) (Elman); the gradient through time is a product "
    "of U^T and activation slopes", "SimpleRNN", 1), aliases=("simple_rnn",))
CELLS.register("lstm", Cell(
    "Hochreiter & Schmidhuber 1997: sigmoid input, forget and output gates; model.activation on "
    "the candidate and the output (Keras: tanh)", "LSTM", 4))
CELLS.register("gru", Cell(
    "Cho et al. 2014: sigmoid update and reset gates; model.activation on the candidate (Keras: "
    "tanh)", "GRU", 3))
