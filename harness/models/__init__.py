"""The networks a config builds, one module per model type behind one registry
(`types.MODEL_TYPES`), the memory estimate that refuses a config too large before anything is
built, and `build`: config -> data -> compiled model."""
