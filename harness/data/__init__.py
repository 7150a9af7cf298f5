"""Datasets: the table from a name to a loader (`datasets`), and the loaders behind it.

`datasets.DATASETS` maps each name to a `DatasetSpec`; `datasets.load_dataset` loads one into a
`Dataset`. Toy data is generated in `toy.py`, sequence tasks in `sequences.py`, images are read in
`images.py`, csv files in `csvfile.py`, feature crosses and standardisation are in `features.py`,
and `shapes.py` reshapes images for the model that reads them. This package does not import
TensorFlow."""
