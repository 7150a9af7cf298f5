"""The bench's baselines: a config's network as plain Keras layers, trained by stock `model.fit`.

    python bench/plain.py configs/conv_sigmoid.yaml --epochs 1    # what the memory rows run

`plain_model` builds the layers the harness' model of the same config has (Dense, Conv2D with its
max-pools and global average pooling, or a Keras RNN layer per recurrent layer), with the head's
activation, and nothing that measures: no taps, no meter, no unrolled steps (a recurrent layer is
Keras' own, looping over time in the graph). `compile_plain` compiles it as the harness compiles
its own (optimizer, learning rate, loss, the task's metrics). Run as a script, it loads the
config's data with the harness' loader (the same arrays a run trains on), fits the twin with the
validation split and evaluates it on the test set: what a plain Keras user's run does.
"""

import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

RNN_LAYERS = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}  # model.cell -> Keras layer


def plain_model(model_cfg, input_shape: tuple, n_outputs: int, head: str):
    """The network of a `ModelConfig` as a plain Keras `Sequential`.

    Args:
        model_cfg: `config.model` (dense, conv or recurrent; batch norm, dropout and skips are
            not rebuilt: the bench's configs have none).
        input_shape: one example's shape, e.g. (784,), (28, 28, 1) or (50, 2).
        n_outputs: the head's units.
        head: the head's Keras activation name (`harness.catalog.heads`' `activation`).
    """
    import keras

    from harness.catalog.activations import keras_function

    acts = [keras_function(a) for a in model_cfg.activations()]
    layers = [keras.Input(input_shape)]
    if model_cfg.type == "conv":
        pools = set(model_cfg.pools())
        for i, (filters, act) in enumerate(zip(model_cfg.filter_counts(), acts)):
            layers.append(keras.layers.Conv2D(filters, model_cfg.kernel_size, padding="same",
                                              activation=act))
            if i in pools:
                layers.append(keras.layers.MaxPooling2D(2))
        layers.append(keras.layers.GlobalAveragePooling2D())
    elif model_cfg.type == "recurrent":
        rnn = getattr(keras.layers, RNN_LAYERS[model_cfg.cell or "simple"])
        widths = model_cfg.widths()
        for i, (units, act) in enumerate(zip(widths, acts)):
            layers.append(rnn(units, activation=act, return_sequences=i < len(widths) - 1,
                              recurrent_initializer=model_cfg.recurrent_initializer
                              or "orthogonal"))
    else:
        layers += [keras.layers.Dense(w, activation=act)
                   for w, act in zip(model_cfg.widths(), acts)]
    layers.append(keras.layers.Dense(n_outputs, activation=head))
    return keras.Sequential(layers)


def compile_plain(model, cfg) -> None:
    """Compiles as `harness.models.compile.compile_model` does: Adam at the config's rate, its loss,
    the task's metrics (accuracy, or MAE and RMSE for a linear head)."""
    import keras

    from harness.catalog import heads, losses

    if heads.HEADS.get(cfg.model.head).activation == "linear":
        metrics = [keras.metrics.MeanAbsoluteError(name="mae"),
                   keras.metrics.RootMeanSquaredError(name="rmse")]
    else:
        metrics = ["accuracy"]
    model.compile(optimizer=keras.optimizers.Adam(cfg.train.learning_rate),
                  loss=losses.keras_loss(cfg.train.loss), metrics=metrics)


def twin(cfg, data):
    """The compiled plain twin of `cfg`'s network for `data` (a `harness.data.datasets.Dataset`)."""
    from harness.catalog import heads

    head = heads.HEADS.get(cfg.model.head)
    model = plain_model(cfg.model, data.input_shape, head.units(data.n_classes), head.activation)
    compile_plain(model, cfg)
    return model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("config", help="a harness config file")
    p.add_argument("--epochs", type=int, default=1)
    args = p.parse_args(argv)
    from harness.catalog import losses
    from harness.config.file import load_config
    from harness.models.inputs import load_data

    cfg, _ = load_config(args.config)
    data = load_data(cfg.data, cfg.seed, cfg.model.type)
    loss = losses.LOSSES.get(cfg.train.loss)
    y = {s: loss.prepare(getattr(data, f"y_{s}"), data.n_classes) for s in ("train", "val", "test")}
    model = twin(cfg, data)
    model.fit(data.x_train, y["train"], batch_size=cfg.train.batch_size, epochs=args.epochs,
              validation_data=(data.x_val, y["val"]), verbose=0)
    model.evaluate(data.x_test, y["test"], verbose=0)


if __name__ == "__main__":
    main()
