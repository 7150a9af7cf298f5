"""Predictions without training: the mean-field theory of a Dense stack at initialisation and
its order-to-chaos phase diagram."""
