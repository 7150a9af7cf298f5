"""One run, top to bottom (`runner`): the run folder's life, the fit with its recording, and
the in-graph epoch loop."""
