"""The optimizers table: name -> function of the learning rate returning a Keras optimizer.

`build(learning_rate, **options)` passes options such as `global_clipnorm` on to the optimizer;
the learning rate may be a number or a `keras.optimizers.schedules` schedule.
"""

from collections.abc import Callable
from dataclasses import dataclass

from harness.base.registry import Registry


@dataclass(frozen=True)
class Optimizer:
    description: str
    build: Callable[..., object]


def _keras():
    import keras

    return keras.optimizers


OPTIMIZERS: Registry[Optimizer] = Registry("optimizer", "optimizers")
OPTIMIZERS.register("sgd", Optimizer(
    "plain stochastic gradient descent", lambda lr, **kw: _keras().SGD(learning_rate=lr, **kw)))
OPTIMIZERS.register("momentum", Optimizer(
    "SGD with momentum 0.9", lambda lr, **kw: _keras().SGD(learning_rate=lr, momentum=0.9, **kw)))
OPTIMIZERS.register("adam", Optimizer(
    "Adam (beta1 0.9, beta2 0.999)", lambda lr, **kw: _keras().Adam(learning_rate=lr, **kw)))
OPTIMIZERS.register("rmsprop", Optimizer(
    "RMSprop (rho 0.9)", lambda lr, **kw: _keras().RMSprop(learning_rate=lr, **kw)))
