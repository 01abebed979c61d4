"""Larq Zoo's QuickNet-Small (224x224, 1000 classes) with random weights and randomized
BatchNorm statistics, converted by Larq Compute Engine's converter: a real binary network with
its float stem, transitions and head (issue 19's benchmark and ARM check).

  .venv/bin/python tests/conformance/quicknet_small.py OUT.tflite [--seed N]

The same seed writes the same model. lowbit-convert OUT.tflite OUT.lbm, or give the .tflite to
lowbit-run / bench_model directly.
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # Larq needs Keras 2 (tf_keras)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def quicknet_small_tflite(seed=0):
    """The converted model's bytes."""
    import larq_compute_engine as lce
    import larq_zoo as lqz
    import numpy as np
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    model = lqz.sota.QuickNetSmall(weights=None, input_shape=(224, 224, 3))
    rng = np.random.default_rng(seed)
    # Trained-looking statistics, so the binary layers' inputs are not all one sign.
    for layer in model.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            c = layer.moving_mean.shape[0]
            values = {"gamma": rng.uniform(0.5, 1.5, c), "beta": rng.uniform(-0.5, 0.5, c),
                      "moving_mean": rng.uniform(-2.0, 2.0, c),
                      "moving_variance": rng.uniform(1.0, 20.0, c)}
            # Some have no scale (gamma) or no center (beta): only the weights they hold.
            layer.set_weights([values[w.name.split("/")[-1].split(":")[0]]
                               for w in layer.weights])
    return lce.convert_keras_model(model)


def write(path, seed=0):
    data = quicknet_small_tflite(seed)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="the .tflite file to write")
    parser.add_argument("--seed", type=int, default=0, help="weights' seed (default 0)")
    args = parser.parse_args()
    print(f"{args.out}: {write(args.out, args.seed)} bytes")
