"""Activations with a hand-written gradient, for the preflight tests (`harness preflight`)."""

import tensorflow as tf


@tf.custom_gradient
def bad_tanh(z):
    """tanh with a classic slip in its gradient: 1 - tanh(z) where 1 - tanh(z)^2 is right."""
    y = tf.tanh(z)

    def grad(upstream):
        return upstream * (1.0 - y)

    return y, grad


@tf.custom_gradient
def good_tanh(z):
    """tanh with its gradient written out correctly."""
    y = tf.tanh(z)

    def grad(upstream):
        return upstream * (1.0 - y * y)

    return y, grad
