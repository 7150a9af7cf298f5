"""A conv layer's histograms count a fixed sample of its positions (issue 25): exactly the values
at those positions, in every channel; the file says which share was counted; Dense layers and
small maps count every value."""

import numpy as np
import tensorflow as tf

from harness.measure.histograms import (
    SAMPLED_COLUMN,
    SAMPLED_POSITIONS,
    Histograms,
    sampled_positions,
)
from harness.measure.stats import Step


def test_sampled_positions_are_fixed_spread_and_only_for_large_maps():
    assert sampled_positions(1) is None and sampled_positions(SAMPLED_POSITIONS) is None
    idx = sampled_positions(784)
    assert len(idx) == SAMPLED_POSITIONS == len(set(idx.tolist()))
    assert (np.diff(idx) > 0).all() and 0 <= idx[0] and idx[-1] < 784
    assert (sampled_positions(784) == idx).all()  # the same every call, run and step
    assert idx[0] < 784 // 4 and idx[-1] > 3 * 784 // 4  # not one corner of the map


def _step(maps, dense, seed=1):
    """A Step of one conv layer and one Dense layer: `maps` (3, batch, positions, channels) are
    the conv layer's a, u and dL/dz."""
    rng = np.random.default_rng(seed)
    batch, channels = maps.shape[1], maps.shape[-1]
    conv = [tf.constant(m.reshape(-1, channels)) for m in maps]
    out = [tf.constant(rng.normal(size=(batch, dense)).astype("float32")) for _ in range(3)]
    kernels = [tf.constant(rng.normal(size=(3, 3, 1, channels)).astype("float32")),
               tf.constant(rng.normal(size=(channels, dense)).astype("float32"))]
    a, u, z_grads = ([c, o] for c, o in zip(conv, out))
    return Step(kernels, None, z_grads, u, a, a, tf.constant(1.0))


def _maps(batch, positions, channels):
    rng = np.random.default_rng(0)
    shape = (batch, positions, channels)
    return np.stack([rng.uniform(size=shape), rng.normal(size=shape),
                     rng.normal(size=shape) * 1e-3]).astype("float32")


def test_a_large_map_counts_exactly_its_sampled_positions_in_every_channel():
    batch, positions, channels = 3, 100, 4
    maps = _maps(batch, positions, channels)
    sampled = Histograms([channels, 2], [(0.0, 1.0), None], same_rows=False,
                         positions=[positions, 1])
    counts = np.asarray(sampled(_step(maps, 2)))
    # the same counts as every value of a map that holds only the sampled positions
    idx = sampled_positions(positions)
    whole = Histograms([channels, 2], [(0.0, 1.0), None], same_rows=False,
                       positions=[len(idx), 1])
    expected = np.asarray(whole(_step(maps[:, :, idx], 2)))
    np.testing.assert_array_equal(counts, expected)
    frame = sampled.frame(1, counts, ["conv_1", "output"])
    totals = frame.groupby(["layer", "quantity"])["count"].sum()
    for quantity in ("activation", "preactivation", "preact_grad"):
        assert totals["conv_1", quantity] == batch * SAMPLED_POSITIONS * channels
        assert totals["output", quantity] == batch * 2
    assert totals["conv_1", "kernel_grad"] == 9 * channels  # every weight
    share = frame.groupby(["layer", "quantity"])[SAMPLED_COLUMN].unique()
    assert share["conv_1", "activation"].tolist() == [SAMPLED_POSITIONS / positions]
    assert share["conv_1", "kernel_grad"].tolist() == share["output", "activation"].tolist() == [1]


def test_a_network_without_large_maps_writes_the_columns_it_always_wrote():
    dense = Histograms([4, 2], [(0.0, 1.0), None])
    step = _step(_maps(3, 1, 4), 2)
    frame = dense.frame(0, np.asarray(dense(step)), ["hidden_1", "output"])
    assert SAMPLED_COLUMN not in frame.columns
    assert frame.groupby("quantity")["count"].sum()["activation"] == 3 * 4 + 3 * 2
