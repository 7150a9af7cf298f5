"""Image data reshaped for the model that reads it.

Image datasets are loaded flat (`(n, height * width)`, pixels row-major, as dense models read
them); each model type says in what shape its first layer reads an image (its `image_shape`,
`harness.models.types`: a conv model `(height, width, 1)`, a recurrent model `(height, width)`,
one step per image row). Sequence tasks are generated as `(n, steps, features)` already.
"""

import dataclasses

import numpy as np


def arrange(data, shape: tuple, image_size: tuple[int, int]):
    """`data` with each example's inputs reshaped to `shape`.

    Args:
        data: a `harness.data.datasets.Dataset` of images, as its loader made it (flat).
        shape: one example's shape as the model reads it, e.g. `(28, 28, 1)`; `(-1,)` flat.
        image_size: `(height, width)` of the images.

    Returns:
        The `Dataset` with `x_*` (and the original inputs and the standardisation, when kept)
        reshaped, and `image_size` set.
    """
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
