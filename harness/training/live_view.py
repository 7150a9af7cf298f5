"""`live.json`: the decision boundary and the hidden units of a two-input run at its latest epoch,
for the live page (`harness.live`), written between epochs while the run is steered.

The report's `surface.csv` and `neurons.csv` hold a few logged epochs and are written at the end;
a page that shows the boundary moving needs the latest epoch now. One forward pass over the
boundary's 29 x 29 grid and the units' 10 x 10 grid (the report's grids, from
`harness.measure.snapshots`) costs milliseconds on an idle machine, and is skipped while it would
take more than `MAX_SHARE` of the training time; the file is replaced each time (atomically) and
holds one epoch, a few tens of KB. Runs on other data write nothing.
"""

import time
from pathlib import Path

import numpy as np

from harness.base.files import write_json
from harness.measure.snapshots import NEURON_CAP, NEURON_STEPS, SURFACE_STEPS

LIVE_VIEW = "live.json"
MIN_INTERVAL_S = 0.2  # at most five files a second: a page cannot show more, a disk need not
# ... and at most a tenth of the training time: on a loaded machine an eager pass can cost as
# much as a toy's epoch, and the view is a picture, not a record (history.csv has every epoch).
MAX_SHARE = 0.1


_next: dict = {}  # run folder -> the earliest time of its next write


def write_live_view(model, snapshots, run_dir: Path, epoch: int, force: bool = False) -> bool:
    """Writes `run_dir/live.json` for two-input data (else nothing); False when skipped.

    Args:
        model: the network as it is after `epoch` (the one the loop trains).
        snapshots: the run's `harness.measure.snapshots.Snapshots` (its grids).
        run_dir: the run folder.
        epoch: the epoch just trained.
        force: write even if the last write was less than `MIN_INTERVAL_S` ago, or the
            writes would take more than `MAX_SHARE` of the time (the run pauses or ends).
    """
    if snapshots is None or not snapshots.surface or snapshots.neuron_grid is None:
        return False
    start = time.monotonic()
    if not force and start < _next.get(run_dir, start):
        return False
    pred = np.asarray(model(snapshots.inputs), np.float64)  # (29 * 29, outputs)
    # One number per point: p(class 1) for a sigmoid head or two classes, else the class.
    value = pred[:, 0] if pred.shape[1] == 1 else (
        pred[:, 1] if pred.shape[1] == 2 else pred.argmax(axis=1).astype(float))
    outs = model.forward(snapshots.to_model(snapshots.neuron_grid)).outs[:-1]
    units = {name: np.asarray(out)[:, :NEURON_CAP].T.round(4).tolist()  # (units, 10 x 10 points)
             for name, out in zip(model.layer_names, outs)}
    steps = SURFACE_STEPS[2]
    write_json(Path(run_dir) / LIVE_VIEW, {
        "epoch": epoch, "classes": 2 if pred.shape[1] <= 2 else pred.shape[1],
        "x1": snapshots.grid[:steps, 0].tolist(), "x2": snapshots.grid[::steps, 1].tolist(),
        "value": value.round(4).tolist(),
        "unit_x1": snapshots.neuron_grid[:NEURON_STEPS, 0].tolist(),
        "unit_x2": snapshots.neuron_grid[::NEURON_STEPS, 1].tolist(), "units": units})
    end = time.monotonic()
    _next[run_dir] = end + max(MIN_INTERVAL_S, (end - start) * (1 - MAX_SHARE) / MAX_SHARE)
    return True
