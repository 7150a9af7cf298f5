"""Data for conv and recurrent models (issue 17): images in their shape, the adding problem, MNIST
row by row, the memory estimate, and the stop until the model builds them."""

import gzip

import numpy as np
import pytest

from harness.config.file import load_config
from harness.config.memory import estimate, layer_sizes
from harness.data import images
from harness.data.datasets import DATASETS, load_dataset
from harness.data.sequences import adding
from harness.errors import DataError
from harness.models.inputs import load_data
from harness.models.types import readers

SPLITS = ("train", "val", "test")


def cfg_of(data: dict, model: dict, loss: str):
    return load_config({"data": data, "model": model, "train": {"loss": loss}})[0]


def adding_cfg(**data):
    return cfg_of({"name": "adding", **data}, {"type": "recurrent", "head": "identity"}, "mse")


def image_cfg(name: str, kind: str, **data):
    return cfg_of({"name": name, **data}, {"type": kind, "head": "softmax", "depth": 2},
                  "sparse_categorical_crossentropy")


def xs(data):
    return [getattr(data, f"x_{split}") for split in SPLITS]


def ys(data):
    return [getattr(data, f"y_{split}") for split in SPLITS]


def fake_mnist_folder(folder, n_train=40, n_test=10):
    """The four IDX files of a small random MNIST, gzipped, in `folder`."""
    rng = np.random.default_rng(0)
    arrays = [rng.integers(0, 256, (n_train, 28, 28)), np.arange(n_train) % 10,
              rng.integers(0, 256, (n_test, 28, 28)), np.arange(n_test) % 10]
    folder.mkdir()
    for name, array in zip(images.IDX_FILES, arrays):
        header = np.array([2051 if array.ndim == 3 else 2049, *array.shape], ">u4").tobytes()
        (folder / f"{name}.gz").write_bytes(gzip.compress(header + array.astype(np.uint8)
                                                          .tobytes()))
    return folder


# The adding problem -------------------------------------------------------------------------------

def test_adding_marks_one_value_in_each_half_and_sums_them():
    x, y = adding(np.random.default_rng(3), 500, 20)
    assert x.shape == (500, 20, 2) and y.shape == (500, 1)
    assert x.dtype == y.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers[:, :10].sum(axis=1) == 1).all() and (markers[:, 10:].sum(axis=1) == 1).all()
    assert (values >= 0).all() and (values <= 1).all()
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=1), rtol=1e-6, atol=1e-6)


def test_always_answering_one_scores_the_baseline_mse_of_one_sixth():
    data = load_dataset(adding_cfg(n_samples=20_000, length=50).data, seed=0)
    for y in ys(data):
        # Var(u1 + u2) = 2 / 12 for two uniform values; the standard error at n = 4,000 is ~0.003.
        assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, rel=0.05, abs=0.01)


def test_adding_shapes_splits_and_seeds():
    cfg = adding_cfg(n_samples=1000, length=30)
    data = load_dataset(cfg.data, seed=0)
    assert data.task == "regression" and data.n_classes == 0 and data.image_size is None
    assert [len(x) for x in xs(data)] == [640, 160, 200]
    assert data.input_shape == (30, 2) and data.n_features == 60
    assert data.x_train.shape == (640, 30, 2) and data.y_test.shape == (200, 1)
    again = load_dataset(cfg.data, seed=0)
    for a, b in zip(xs(data) + ys(data), xs(again) + ys(again)):
        np.testing.assert_array_equal(a, b)
    other = load_dataset(cfg.data, seed=1)
    assert not np.array_equal(data.x_train, other.x_train)
    assert load_dataset(adding_cfg().data, seed=0).input_shape == (50, 2)  # the default T


# Images in the shape each model type reads ------------------------------------------------------

@pytest.mark.parametrize("kind, shape", [("dense", (64,)), ("conv", (8, 8, 1)),
                                         ("recurrent", (8, 8))])
def test_digits_keep_their_pixels_in_every_shape(kind, shape):
    cfg = image_cfg("digits", kind)
    data = load_data(cfg.data, cfg.seed, kind)
    flat = load_data(cfg.data, cfg.seed, "dense")
    assert data.input_shape == shape and data.n_features == 64 and data.image_size == (8, 8)
    for x, x_flat in zip(xs(data), xs(flat)):
        assert x.dtype == np.float32
        np.testing.assert_array_equal(x.reshape(len(x), -1), x_flat)  # rows of the same pixels
    for y, y_flat in zip(ys(data), ys(flat)):
        np.testing.assert_array_equal(y, y_flat)


def test_mnist_rows_and_images(tmp_path):
    folder = fake_mnist_folder(tmp_path / "mnist")
    for kind, shape in (("recurrent", (28, 28)), ("conv", (28, 28, 1)), ("dense", (784,))):
        cfg = image_cfg("mnist", kind, path=str(folder))
        data = load_data(cfg.data, cfg.seed, kind)
        assert data.x_train.shape == (32, *shape) and data.x_test.shape == (10, *shape)
        assert data.n_features == 784 and data.n_inputs == 784
    rows = load_data(cfg.data, cfg.seed, "recurrent")
    raw = images.load_mnist(str(folder))[1][0]  # the official test images, uint8 (10, 28, 28)
    np.testing.assert_allclose(rows.x_test, raw / 255, rtol=1e-6, atol=1e-7)  # step t = row t


def test_standardised_images_map_their_originals_in_the_model_s_shape():
    cfg = image_cfg("digits", "conv", standardize=True)
    data = load_data(cfg.data, cfg.seed, "conv")
    assert data.original("test").shape == data.x_test.shape == (len(data.x_test), 8, 8, 1)
    np.testing.assert_allclose(data.to_model_inputs(data.original("test")), data.x_test,
                               rtol=1e-6, atol=1e-6)
    assert abs(float(data.x_train.mean())) < 1e-3


def test_a_model_type_that_cannot_read_the_data_is_a_data_error():
    cfg = adding_cfg(n_samples=100)
    with pytest.raises(DataError, match="model.type: conv layers cannot read 'adding'"):
        load_data(cfg.data, 0, "conv")
    assert readers(DATASETS.get("adding")) == ["recurrent"]
    assert readers(DATASETS.get("circles")) == ["dense"]


# Memory ------------------------------------------------------------------------------------------

def test_conv_parameters_are_counted_as_keras_counts_them():
    cfg = image_cfg("mnist", "conv")  # depth 2, 16 filters 3 x 3, pools after conv_1 and conv_2
    params, values = layer_sizes(cfg.model, (28, 28, 1), 10)
    # (3*3*1*16 + 16) + (3*3*16*16 + 16) + (16*10 + 10), as keras.Model.count_params() gives
    assert params == 160 + 2320 + 170
    assert values == [28 * 28 * 16, 14 * 14 * 16, 10]  # each map before its pool


def test_recurrent_parameters_err_high_by_a_bias_at_most():
    cfg = cfg_of({"name": "adding"}, {"type": "recurrent", "cell": "lstm", "width": 64,
                                      "depth": 1, "head": "identity"}, "mse")
    params, _ = layer_sizes(cfg.model, (50, 2), 1)
    keras_count = 4 * (2 * 64 + 64 * 64 + 64) + 65  # keras.layers.LSTM(64) and Dense(1)
    assert keras_count <= params <= keras_count + 4 * 64


def test_the_estimate_names_the_conv_key_that_costs_most():
    cfg = load_config({"data": {"name": "mnist"}, "model": {
        "type": "conv", "depth": 4, "filters": 100_000, "head": "softmax"},
        "train": {"loss": "sparse_categorical_crossentropy"}})[0]
    parts = estimate(cfg, (28, 28, 1), 10, 1000, 100)
    assert max(parts.values())[1] == "model.filters"
