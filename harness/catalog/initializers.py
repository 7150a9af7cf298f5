"""The kernel initializers table: Keras initializers by name, with the parameters each takes.

A config gives a name (`he_normal`) or a mapping (`{name: random_normal, stddev: 0.01}`); the
parameters are checked here, before TensorFlow loads. Seeds are set by the model builder.
"""

from dataclasses import dataclass

from harness.base.registry import Registry


@dataclass(frozen=True)
class Initializer:
    description: str
    params: tuple[str, ...] = ()


INITIALIZERS: Registry[Initializer] = Registry("initializer", "initializers")
for _name, _entry in {
    "glorot_uniform": Initializer("U(-a, a), a = sqrt(6 / (fan_in + fan_out)); Keras' default"),
    "glorot_normal": Initializer("truncated normal, std sqrt(2 / (fan_in + fan_out))"),
    "he_uniform": Initializer("U(-a, a), a = sqrt(6 / fan_in); for ReLU"),
    "he_normal": Initializer("truncated normal, std sqrt(2 / fan_in); for ReLU"),
    "lecun_uniform": Initializer("U(-a, a), a = sqrt(3 / fan_in)"),
    "lecun_normal": Initializer("truncated normal, std sqrt(1 / fan_in); for SELU"),
    "random_normal": Initializer("N(mean, stddev), default stddev 0.05", ("mean", "stddev")),
    "random_uniform": Initializer("U(minval, maxval), default +-0.05", ("minval", "maxval")),
    "truncated_normal": Initializer("N(mean, stddev) cut at 2 stddev", ("mean", "stddev")),
    "orthogonal": Initializer("a random orthogonal matrix times gain", ("gain",)),
    "variance_scaling": Initializer("the general form of Glorot/He/LeCun",
                                    ("scale", "mode", "distribution")),
    "constant": Initializer("every weight equal to value", ("value",)),
    "zeros": Initializer("all zeros: every unit stays identical (symmetry is never broken)"),
    "ones": Initializer("all ones"),
}.items():
    INITIALIZERS.register(_name, _entry)


def keras_initializer(spec: str | dict, seed: int):
    """A Keras initializer from a config value, seeded when it draws random numbers."""
    import keras

    name, params = (spec, {}) if isinstance(spec, str) else (
        spec["name"], {k: v for k, v in spec.items() if k != "name"})
    if name == "constant":
        params.setdefault("value", 0.0)
    elif name not in ("zeros", "ones"):
        params["seed"] = seed
    # By class name with a config: `get("constant")` alone fails in Keras 3.15 (no default value).
    class_name = "".join(part.capitalize() for part in name.split("_"))
    return keras.initializers.get({"class_name": class_name, "config": params})
