"""The run folder: reading it back (`Run`, `load_run`), its files, making, locking and
clearing folders, and the TensorBoard export."""
