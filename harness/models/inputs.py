"""A dataset's arrays as a model type reads them: the type says whether it can read the data and
how images are shaped for it (`harness.models.types`), the data package loads them
(`harness.data.datasets`)."""

from harness.data.datasets import DATASETS, Dataset, load_dataset
from harness.errors import DataError
from harness.models.types import MODEL_TYPES, readers


def load_data(cfg, seed: int, model_type: str) -> Dataset:
    """Loads the dataset `cfg.name` names, shaped for `model_type`.

    Args:
        cfg: the data config (`harness.data.datasets.load_dataset`'s).
        seed: seeds generation, shuffling and subsampling.
        model_type: `model.type`.

    Returns:
        A `Dataset` whose inputs the type's first layer reads: images flat for dense models,
        `(n, height, width, 1)` for conv, `(n, height, width)` rows for recurrent.

    Raises:
        DataError: the name is unknown, the model type cannot read it, or the data cannot be
            generated or found.
    """
    if cfg.name in DATASETS:  # an unknown name: `load_dataset` says so
        fits = readers(DATASETS.get(cfg.name))
        if model_type not in fits:  # the config's validation says why, and what fits
            raise DataError(f"model.type: {model_type} layers cannot read {cfg.name!r}; use "
                            f"model.type: {' or '.join(fits)}")
    return load_dataset(cfg, seed, MODEL_TYPES.get(model_type).image_shape)
