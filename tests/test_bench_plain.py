"""The bench's plain Keras baselines (bench/plain.py) are the network the harness trains for the
same config: the same weights, shape for shape, so that a ratio compares like with like."""

import sys
from pathlib import Path

import pytest

from harness.catalog import heads
from harness.config.file import load_config
from harness.models.conv import build_conv_model
from harness.models.recurrent import build_recurrent
from harness.models.stats_model import build_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from plain import plain_model  # noqa: E402 - bench/ is no package

BUILDERS = {"dense": build_model, "conv": build_conv_model, "recurrent": build_recurrent}


@pytest.mark.parametrize("config, input_shape, classes", [
    ("configs/mnist_relu_deep.yaml", (784,), 10),
    ("configs/conv_sigmoid.yaml", (28, 28, 1), 10),
    ("configs/rnn_adding.yaml", (50, 2), 0),
    ("configs/relu_deep.yaml", (2,), 2),
])
def test_plain_twin_has_the_harness_models_weights(config, input_shape, classes):
    cfg, _ = load_config(ROOT / config)
    ours = BUILDERS[cfg.model.type](cfg.model, input_shape, classes, 0)
    head = heads.HEADS.get(cfg.model.head)
    plain = plain_model(cfg.model, input_shape, head.units(classes), head.activation)
    shapes = sorted(tuple(w.shape) for w in ours.trainable_weights)
    assert shapes == sorted(tuple(w.shape) for w in plain.trainable_weights)
    assert len(shapes) > 2
