"""The bench's plain Keras baselines (bench/plain.py) are the network the harness trains for the
same config: the same weights, shape for shape, so that a ratio compares like with like."""

import sys
from pathlib import Path

import pytest

from harness.catalog import heads
from harness.config.file import load_config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from plain import plain_model  # noqa: E402 - bench/ is no package


@pytest.mark.parametrize("config, input_shape, classes", [
    ("configs/mnist_relu_deep.yaml", (784,), 10),
    ("configs/conv_sigmoid.yaml", (28, 28, 1), 10),
    ("configs/rnn_adding.yaml", (50, 2), 0),
    ("configs/relu_deep.yaml", (2,), 2),
])
def test_plain_twin_has_the_harness_models_weights(config, input_shape, classes):
    cfg, _ = load_config(ROOT / config)
    ours = cfg.model.model_type().build(cfg.model, input_shape, classes, 0)
    head = heads.HEADS.get(cfg.model.head)
    plain = plain_model(cfg.model, input_shape, head.units(classes), head.activation)
    shapes = sorted(tuple(w.shape) for w in ours.trainable_weights)
    assert shapes == sorted(tuple(w.shape) for w in plain.trainable_weights)
    assert len(shapes) > 2
