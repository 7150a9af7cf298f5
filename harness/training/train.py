"""Training and testing the model: `fit` for the configured epochs, recording each, and
`evaluate`, the trained model's metrics on a set of examples.

`fit` stops at the first non-finite loss, remembering where. Chunks of epochs run inside one
compiled call (`harness.training.loop`), in the orders of `harness.training.orders`, and the
`harness.training.recorder.Recorder` writes each chunk to the run folder as it ends.
"""

import json
from pathlib import Path
from typing import NamedTuple

from harness.models.base import StatsModel
from harness.training.loop import fit_in_graph
from harness.training.orders import EpochOrders
from harness.training.recorder import Recorder, start_recording


class Fitted(NamedTuple):
    """What `fit` returns.

    Attributes:
        recorder: the `Recorder`, holding every recorded epoch.
        diverged: (epoch, step), both from 1, of the first non-finite loss; None if none.
    """

    recorder: Recorder
    diverged: tuple[int, int] | None


def fit(setup, run_dir: Path, verbose=1, steering=None) -> Fitted:
    """Trains for `cfg.train.epochs`, recording every epoch to the run folder as it goes.

    Chunks of epochs run inside one compiled call (`harness.training.loop`);
    `tests/helpers/keras_fit.py` is the same training through Keras' `model.fit`, kept to check
    this one against.

    Args:
        setup: a `harness.training.setup.Setup` (config, data, labels, compiled model).
        run_dir: where `history.csv` and the meter's files go.
        verbose: 0 silent, 1 a progress bar (a line at the end when not on a terminal), 2 a line
            at the end.
        steering: a `harness.training.steering.Steering` read between epochs, or None.
    """
    cfg, data = setup.cfg, setup.data
    columns = steering.columns(setup.columns) if steering else setup.columns
    recorder = start_recording(setup, run_dir, columns)
    if cfg.train.epochs == 0:
        return Fitted(recorder, None)
    y_train, y_val = setup.y["train"], setup.y["val"]
    diverged = fit_in_graph(setup.model, data.x_train, y_train, data.x_val, y_val,
                            cfg.train.batch_size, EpochOrders(len(data.x_train), cfg.seed),
                            cfg.train.epochs, recorder, verbose, recorder.logged,
                            reuse_key=graph_key(cfg, data.x_train, y_train, data.x_val, y_val),
                            steering=steering)
    return Fitted(recorder, diverged)


def graph_key(cfg, *arrays) -> str:
    """What the compiled training graph depends on: the config without seed and name, and the
    arrays' shapes and types. Runs with equal keys (seeds of one sweep cell) share a trace."""
    config = {k: v for k, v in cfg.model_dump(mode="json").items() if k not in ("seed", "name")}
    shapes = [(a.shape, str(a.dtype)) for a in arrays]
    return json.dumps([config, shapes], sort_keys=True, default=str)


def evaluate(model: StatsModel, x, y, batch_size: int = 16384) -> dict[str, float]:
    """Test loss and metrics, like `model.evaluate`, run eagerly batch by batch.

    For the small models here an eager pass costs milliseconds, while tracing Keras' test
    function costs a few hundred (`bench/`). A conv network's batches are smaller
    (`Meter.examples_per_pass`): its maps are large.
    """
    batch_size = model.meter.examples_per_pass(batch_size)
    model.reset_metrics()
    for start in range(0, len(x), batch_size):
        logs = model.test_step((x[start:start + batch_size], y[start:start + batch_size]))
    return {k: float(v) for k, v in logs.items()}
