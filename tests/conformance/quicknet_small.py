"""Larq Zoo's QuickNet-Small (larq-zoo 2.4.0, lqz.sota.QuickNetSmall) with random weights and
randomized BatchNorm statistics, converted by LCE: the binary network with a float stem and head
that docs/raspberry-pi.md benchmarks and scripts/test-arm.sh runs under qemu. The weights are
random (no download); the seed fixes them, so the same model comes back.

  .venv/bin/python tests/conformance/quicknet_small.py OUT.tflite [--seed N] [--size 224]

--size sets the square input (Larq Zoo's is 224; scripts/test-arm.sh uses a smaller one to keep
emulation cheap: the layers are the same, the feature maps smaller).
"""
import argparse
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # Larq needs Keras 2 (tf_keras)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import larq_compute_engine as lce  # noqa: E402
import larq_zoo as lqz  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def randomize_batchnorm(model, rng):
    """Zoo models built with weights=None start with BatchNorm mean 0, variance 1: random
    statistics make the folded scales and offsets exercise the runtime like trained ones."""
    ranges = {"gamma": (0.5, 1.5), "beta": (-0.5, 0.5), "moving_mean": (-0.5, 0.5),
              "moving_variance": (0.5, 1.5)}
    for layer in model.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            # Some of QuickNet's BatchNorms have no scale (gamma): set what each one has.
            for weight in layer.weights:
                low, high = ranges[weight.name.split("/")[-1].split(":")[0]]
                weight.assign(rng.uniform(low, high, weight.shape).astype(np.float32))

def scale_logits(model, rng, size, spread=2.0):
    """Random weights give logits in the hundreds, so the final SOFTMAX would put 1 on one
    class and 0 on the rest, hiding every difference before it: the classifier's weights are
    scaled so the logits of inputs in [-1, 1] spread about `spread` (standard deviation)."""
    dense = model.layers[-2]
    logits = tf.keras.Model(model.input, dense.output)
    x = rng.uniform(-1.0, 1.0, (4, size, size, 3)).astype(np.float32)
    factor = spread / float(np.std(logits(x).numpy()))
    for weight in dense.weights:
        weight.assign(weight.numpy() * factor)


def build(size=224, seed=1):
    tf.keras.utils.set_random_seed(seed)
    model = lqz.sota.QuickNetSmall(weights=None, input_shape=(size, size, 3))
    rng = np.random.default_rng(seed)
    randomize_batchnorm(model, rng)
    scale_logits(model, rng, size)
    return lce.convert_keras_model(model)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the .tflite to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=224, help="square input size (default 224)")
    args = parser.parse_args()
    flatbuffer = build(args.size, args.seed)
    with open(args.out, "wb") as f:
        f.write(flatbuffer)
    print(f"quicknet_small.py: {args.out} ({len(flatbuffer)} bytes, {args.size}x{args.size} input, "
          f"seed {args.seed})")


if __name__ == "__main__":
    main()
