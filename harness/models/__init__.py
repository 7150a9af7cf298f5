"""The networks a config builds: one module per model type (`dense`, `conv`, `recurrent`) on a
shared base (`base.StatsModel`, whose training step measures every layer), each type's registry
entry (`types.MODEL_TYPES`, the `model_type.ModelType` contract), the data a type reads
(`inputs`), and `compile`."""
