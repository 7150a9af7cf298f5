"""One run, top to bottom (`runner`): its setup, the run folder's life and its `summary.json`, the
fit with its epoch orders and its recorder, the in-graph epoch loop, and the checks before it."""
