"""The tables a config picks names from: activations (and their slopes), heads, initializers,
losses, optimizers and learning-rate schedules (`python -m harness list` prints them)."""
