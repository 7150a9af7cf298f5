"""What the network computes, kept at a few epochs, for pictures of training as it unfolds.

- Toy data: the model's output on a grid over the inputs at the logged epochs (`surface.csv`, with
  an `epoch` column; one column per class, so not for more than `SURFACE_CLASSES`) and, for 2-D
  inputs, every hidden unit's output on a coarser grid at the last epoch (`neurons.csv`, at most
  `NEURON_CAP` units per layer), as the TensorFlow Playground draws.
- Images: a handful of first-layer units' weights, one value per pixel (a conv model: its first
  filters, one value per kernel position), at initialisation and at the last epoch
  (`first_layer_weights.csv`); a conv model also keeps one test image's feature maps through
  its layers after training, the first `MAP_CHANNELS` channels of each (`feature_maps.csv`).
The grids are small and the values written to 4 significant digits: with `layers.csv` at 6
digits and `histograms.csv` without its empty bins, a 100-epoch run of eight layers on a toy
writes about 2 MB, its report included (`results/README.md`). A unit's map is drawn smoothly
from its 10 x 10 grid, the resolution of the Playground's own unit maps; the boundary from 29 x 29
points looks as it did from 41 x 41.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd

from harness.base.files import write_csv

SURFACE_STEPS = {1: 101, 2: 29}  # grid points per input axis
# Classes whose probabilities `surface.csv` keeps, one column each: the regions picture tells ten
# colours apart, and 300 classes made a 4.5 MB file per logged epoch. Beyond it: no surface.
SURFACE_CLASSES = 20
NEURON_STEPS, NEURON_CAP = 10, 8  # grid points per axis, units per layer
WEIGHT_UNITS = 16  # first-layer units kept for image data
MAP_CHANNELS = 8  # channels per conv layer kept in feature_maps.csv
FLOAT_FORMAT = "%.4g"


def grid(data, steps: int) -> np.ndarray:
    """A regular grid over the original train and test inputs, 10% wider, (steps ** inputs,
    inputs). An input that is the same in every example (a constant csv column) gets an axis
    of +-1 around its value (+-10% of a value beyond 10): a grid needs an area to be drawn."""
    x_all = np.concatenate([data.original("train"), data.original("test")])
    low, high = x_all.min(axis=0), x_all.max(axis=0)
    pad = np.where(high > low, 0.1 * (high - low), np.maximum(0.1 * np.abs(high), 1.0))
    axes = [np.round(np.linspace(lo - p, hi + p, steps), 4).astype(np.float32)
            for lo, hi, p in zip(low, high, pad)]
    return np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="xy")], axis=1)


class Snapshots:
    """Collects the snapshots of one run; `write` puts them in the run folder.

    Args:
        data: the run's `harness.data.datasets.Dataset`: data with one or two original inputs is
            drawn over their plane; otherwise square inputs of 64 or more count as images.
    """

    def __init__(self, data):
        self.features = data.n_inputs
        self.names = [f"x{i + 1}" for i in range(self.features)]
        self.to_model = data.to_model_inputs  # the grid goes through the data's feature map
        side = math.isqrt(data.n_features)
        self.toy = self.features in SURFACE_STEPS  # toys and 1-2 column csv files: a plane
        self.surface = self.toy and data.n_classes <= SURFACE_CLASSES
        # A Dense first layer's weights are one per pixel, a conv layer's filters are images too;
        # a recurrent model reads rows (T, f), its first kernel is no picture.
        self.image = (not self.toy and data.n_features >= 64 and side * side == data.n_features
                      and len(data.input_shape) != 2)
        if self.toy:
            self.grid = grid(data, SURFACE_STEPS[self.features])
            self.neuron_grid = grid(data, NEURON_STEPS) if self.features == 2 else None
        # What `compute` reads besides the model: the grid as the model takes it (toys). An
        # input of the training graph, not a constant, so that a compiled loop reused by the
        # next run (`harness.training.loop.reusable_loop`) takes that run's grid.
        self.inputs = (np.asarray(self.to_model(self.grid), np.float32) if self.surface
                       else np.zeros((0, 1), np.float32))
        self.surfaces: dict[int, pd.DataFrame] = {}
        self.weights: dict[int, pd.DataFrame] = {}
        self.neurons: pd.DataFrame | None = None
        # Images in their shape (a conv model's input): the first test image's maps at the end.
        self.map_image = data.x_test[0] if len(data.input_shape) == 3 else None
        self.maps: pd.DataFrame | None = None

    @property
    def taken(self) -> bool:
        """Whether this data gets snapshots at the logged epochs at all."""
        return self.surface or self.image

    def width(self, model) -> int:
        """The columns of `compute`'s result: the model's outputs, or the weight units kept."""
        return min(WEIGHT_UNITS, model.units[0]) if self.image else model.units[-1]

    @staticmethod
    def compute(model, inputs, image: bool):
        """One logged epoch's snapshot as a tensor, eagerly or inside the training graph: the
        model's output on the grid (toys), the first units' first-layer weights (images).

        Static, reading nothing of a run but its arguments: a compiled loop reused by the next
        run of a sweep cell calls it with that run's model state and grid."""
        if image:
            return model.first_weights()[:, :WEIGHT_UNITS]  # (pixels, units)
        return model(inputs)  # (points, outputs)

    def take(self, model, epoch: int) -> None:
        """Records what `model` computes now as epoch `epoch`."""
        if self.taken:
            self.add(epoch, np.asarray(self.compute(model, self.inputs, self.image)))

    def add(self, epoch: int, value: np.ndarray) -> None:
        """Records `compute`'s result for epoch `epoch`."""
        if self.surface:
            columns = ["pred"] if value.shape[1] == 1 else [f"pred_{k}"
                                                           for k in range(value.shape[1])]
            self.surfaces[epoch] = pd.DataFrame(  # built at once: no frame grown column by column
                np.column_stack([np.full(len(self.grid), epoch), self.grid, value]),
                columns=["epoch", *self.names, *columns]).astype({"epoch": int})
        elif self.image:
            pixels, units = value.shape
            self.weights[epoch] = pd.DataFrame({
                "epoch": epoch, "unit": np.repeat(np.arange(units), pixels),
                "input": np.tile(np.arange(pixels), units), "value": value.T.ravel()})

    def finish(self, model, epoch: int) -> None:
        """The last epoch's snapshots, and every hidden unit on the coarse grid (2-D toys)."""
        self.take(model, epoch)
        if self.toy and self.neuron_grid is not None and len(model.units) > 1:
            outs = model.forward(self.to_model(self.neuron_grid)).outs[:-1]
            parts = []
            for name, out in zip(model.layer_names, outs):
                out = np.asarray(out)[:, :NEURON_CAP]  # (points, units)
                parts.append(pd.DataFrame({
                    "epoch": epoch, "layer": name,
                    "unit": np.repeat(np.arange(out.shape[1]), len(self.neuron_grid)),
                    "x1": np.tile(self.neuron_grid[:, 0], out.shape[1]),
                    "x2": np.tile(self.neuron_grid[:, 1], out.shape[1]),
                    "value": out.T.ravel()}))
            self.neurons = pd.concat(parts, ignore_index=True)
        if self.map_image is not None:
            self.maps = feature_map_rows(model.feature_maps(self.map_image))

    def write(self, run_dir: Path) -> None:
        """Writes `surface.csv`, `neurons.csv` and `first_layer_weights.csv` (those that apply)."""
        run_dir = Path(run_dir)
        files = {"surface.csv": self.surfaces, "first_layer_weights.csv": self.weights}
        for name, frames in files.items():
            if frames:
                frame = pd.concat([frames[e] for e in sorted(frames)], ignore_index=True)
                _write(run_dir / name, frame)
        if self.neurons is not None:
            _write(run_dir / "neurons.csv", self.neurons)
        if self.maps is not None:
            _write(run_dir / "feature_maps.csv", self.maps)


def feature_map_rows(maps: dict) -> pd.DataFrame:
    """Tidy `layer, channel, row, col, value` rows of `ConvModel.feature_maps`' arrays
    ((height, width, channels) each), the first `MAP_CHANNELS` channels of each."""
    parts = []
    for layer, values in maps.items():
        values = np.asarray(values)[:, :, :MAP_CHANNELS]
        h, w, c = values.shape
        row, col, channel = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
        parts.append(pd.DataFrame({"layer": layer, "channel": channel.ravel(),
                                   "row": row.ravel(), "col": col.ravel(),
                                   "value": values.ravel()}))
    return pd.concat(parts, ignore_index=True)


def _write(path: Path, frame: pd.DataFrame) -> None:
    write_csv(path, frame, float_format=FLOAT_FORMAT)
