"""Histogram axes that hold what every logged epoch holds (issue 18): no logged histogram of a
deep ReLU or sigmoid stack piles its values into an end bin it was not meant for, and the
readers put the symlog axes' left-out bins back."""

from pathlib import Path

import numpy as np
import pandas as pd

from harness.base.frames import full_bins
from harness.measure.histograms import symlog_edges
from harness.training.runner import run

ROOT = Path(__file__).resolve().parents[2]


def end_shares(hist: pd.DataFrame, bounded=("output",)) -> pd.DataFrame:
    """Per logged activation / pre-activation histogram, the share of its values in an end bin
    not meant for them: the upper one, and the lower one unless the axis starts at 0 (where a
    ReLU's exact zeros belong). The ends of a bounded activation's range (the `bounded` layers'
    activations: saturation) are meant."""
    rows = []
    full = full_bins(hist)
    for (epoch, layer, quantity), g in full[full.quantity.isin(
            ["activation", "preactivation"])].groupby(["epoch", "layer", "quantity"]):
        g = g.sort_values("bin_left")
        counts = g["count"].to_numpy(float)
        share = counts[-1]
        if g.bin_left.iloc[0] < 0:
            share = max(share, counts[0])
        rows.append((epoch, layer, quantity, share / counts.sum(),
                     quantity == "activation" and layer in bounded))
    return pd.DataFrame(rows, columns=["epoch", "layer", "quantity", "share", "bounded"])


def test_relu_deep_histograms_keep_their_values_off_the_end_bins(tmp_path):
    r = run(ROOT / "configs/relu_deep.yaml", ["train.epochs=10"], out=tmp_path / "run",
            verbose=0, report=False)
    shares = end_shares(pd.read_csv(r.dir / "histograms.csv"))
    assert sorted(shares.epoch.unique()) == [0, 1, 2, 5, 8, 10]
    unbounded = shares[~shares.bounded]
    assert len(unbounded) == 6 * (8 + 8 + 1)  # 8 ReLU layers' a and z, the output's z
    # was: 51% of hidden_8's z in the end bin at epoch 10 (axes fixed from epoch 0's values)
    worst = unbounded.loc[unbounded.share.idxmax()]
    assert worst.share < 0.05, worst.to_dict()


def test_symlog_bins_left_out_come_back_with_their_edges():
    axis = symlog_edges()
    assert axis[0] == -1e3 and axis[-1] == 1e3 and 0.0 in axis
    counts = np.zeros(len(axis) - 1, np.int64)
    counts[[0, 70, 90, len(counts) - 1]] = [1, 5, 7, 2]
    written = pd.DataFrame({"epoch": 1, "layer": "hidden_1", "quantity": "preactivation",
                            "scale": "symlog", "bin_left": axis[:-1], "bin_right": axis[1:],
                            "count": counts})
    kept = written[(written["count"] > 0) | written.index.isin([0, len(counts) - 1])]
    back = full_bins(kept)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), written.reset_index(drop=True),
                                  check_dtype=False)
