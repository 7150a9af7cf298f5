"""The optimizers table: name -> function of the learning rate returning a Keras optimizer."""

from collections.abc import Callable
from dataclasses import dataclass

from harness.registry import Registry


@dataclass(frozen=True)
class Optimizer:
    description: str
    build: Callable[[float], object]


def _keras():
    import keras

    return keras.optimizers


OPTIMIZERS: Registry[Optimizer] = Registry("optimizer", "optimizers")
OPTIMIZERS.register("sgd", Optimizer(
    "plain stochastic gradient descent", lambda lr: _keras().SGD(learning_rate=lr)))
OPTIMIZERS.register("momentum", Optimizer(
    "SGD with momentum 0.9", lambda lr: _keras().SGD(learning_rate=lr, momentum=0.9)))
OPTIMIZERS.register("adam", Optimizer(
    "Adam (beta1 0.9, beta2 0.999)", lambda lr: _keras().Adam(learning_rate=lr)))
OPTIMIZERS.register("rmsprop", Optimizer(
    "RMSprop (rho 0.9)", lambda lr: _keras().RMSprop(learning_rate=lr)))
