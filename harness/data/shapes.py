"""The arrays each model type reads: flat vectors, images, or sequences.

Image datasets are loaded flat (`(n, height * width)`, pixels row-major, as dense models read
them); `arrange` gives a conv model `(n, height, width, 1)` images and a recurrent model
`(n, height, width)` sequences, one step per image row (MNIST: 28 steps of 28 pixels). Sequence
tasks are generated as `(n, steps, features)` already.
"""

import dataclasses

import numpy as np


def arrange(data, model_type: str, image_size: tuple[int, int] | None):
    """`data` with its inputs shaped for `model_type`.

    Args:
        data: a `harness.data.Dataset` as its loader made it.
        model_type: `dense`, `conv` or `recurrent` (`model.type`).
        image_size: `(height, width)` of the dataset's images; None for other data, which keeps
            its shape.

    Returns:
        The `Dataset` with `x_*` (and the original inputs and the standardisation, when kept)
        reshaped, and `image_size` set for images.
    """
    if image_size is None:
        return data
    shape = {"dense": (-1,), "conv": (*image_size, 1), "recurrent": image_size}[model_type]
    fmap = data.feature_map
    if fmap is not None and fmap.mean is not None:  # per-pixel statistics, shaped as the pixels
        fmap = dataclasses.replace(fmap, mean=fmap.mean.reshape(shape),
                                   std=fmap.std.reshape(shape))

    def shaped(x):
        return np.reshape(x, (len(x), *shape))

    inputs = None if data.inputs is None else tuple(shaped(x) for x in data.inputs)
    return dataclasses.replace(data, x_train=shaped(data.x_train), x_val=shaped(data.x_val),
                               x_test=shaped(data.x_test), inputs=inputs, feature_map=fmap,
                               image_size=tuple(image_size))
