#!/usr/bin/env python3
"""Builds the binary benchmark models with Larq and converts them with LCE's converter.

  .venv/bin/python scripts/make_binary_models.py OUT_DIR [--quick]

Writes OUT_DIR/quicknet_style.tflite and OUT_DIR/bireal_style.tflite (224x224x3 input,
1000 classes, random weights and BatchNorm statistics) and OUT_DIR/bconv_*.tflite, single
LceBconv2d operators (float output, BatchNorm folded into the multiplier and bias) on the
shapes of a ResNet-style network's stages. OUT_DIR belongs in a build folder, never in git.
"""
import argparse
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # Larq needs Keras 2 (tf_keras)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import larq as lq  # noqa: E402
import larq_compute_engine as lce  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras = tf.keras
layers = keras.layers

BINARY_CONV = dict(input_quantizer="ste_sign", kernel_quantizer="ste_sign",
                   kernel_constraint="weight_clip", use_bias=False, padding="same")

# (name, height=width, input channels, output channels, kernel, stride)
BCONV_SWEEP = [
    ("bconv_56x56_64to64_3x3", 56, 64, 64, 3, 1),
    ("bconv_28x28_128to128_3x3", 28, 128, 128, 3, 1),
    ("bconv_14x14_256to256_3x3", 14, 256, 256, 3, 1),
    ("bconv_7x7_512to512_3x3", 7, 512, 512, 3, 1),
    ("bconv_56x56_64to128_3x3_s2", 56, 64, 128, 3, 2),
]


def binary_conv(x, filters, kernel=3, stride=1, pad_values=0.0):
    return lq.layers.QuantConv2D(filters, kernel, strides=stride, pad_values=pad_values,
                                 **BINARY_CONV)(x)


def quicknet_style(blocks=(4, 4, 4, 4), filters=(64, 128, 256, 512)):
    """QuickNet's layout (Larq zoo): a small float stem, binary 3x3 convolutions with
    ReLU, BatchNorm and a residual add, max-pool + depthwise + pointwise transitions."""
    x = keras.Input((224, 224, 3))
    y = layers.Conv2D(filters[0] // 4, 3, strides=2, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.Conv2D(filters[0], 1, use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    for stage, (count, width) in enumerate(zip(blocks, filters)):
        if stage > 0:
            y = layers.MaxPooling2D(2)(y)
            y = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y)
            y = layers.BatchNormalization()(y)
            y = layers.Conv2D(width, 1, use_bias=False)(y)
            y = layers.BatchNormalization()(y)
        for _ in range(count):
            z = binary_conv(y, width)
            z = layers.ReLU()(z)
            z = layers.BatchNormalization()(z)
            y = layers.Add()([y, z])
    y = layers.ReLU()(y)
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Dense(1000)(y))


def bireal_style(blocks=(4, 4, 4, 4), filters=(64, 128, 256, 512)):
    """Bi-Real-Net-18's layout: 7x7 float stem and max pool, then binary 3x3 convolutions
    (pad value 1) each with BatchNorm and its own shortcut; average pool + 1x1 float
    convolution on the downsampling shortcuts."""
    x = keras.Input((224, 224, 3))
    y = layers.Conv2D(filters[0], 7, strides=2, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.MaxPooling2D(3, strides=2, padding="same")(y)
    for stage, (count, width) in enumerate(zip(blocks, filters)):
        for block in range(count):
            stride = 2 if stage > 0 and block == 0 else 1
            shortcut = y
            if stride != 1:
                shortcut = layers.AveragePooling2D(2)(shortcut)
                shortcut = layers.Conv2D(width, 1, use_bias=False)(shortcut)
                shortcut = layers.BatchNormalization()(shortcut)
            z = binary_conv(y, width, stride=stride, pad_values=1.0)
            z = layers.BatchNormalization()(z)
            y = layers.Add()([shortcut, z])
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Dense(1000)(y))


def bconv_single(size, cin, cout, kernel, stride):
    x = keras.Input((size, size, cin))
    y = binary_conv(x, cout, kernel, stride)
    return keras.Model(x, layers.BatchNormalization()(y))


def randomize_batchnorm(model, rng):
    """Trained-looking BatchNorm statistics, so outputs are not all one sign."""
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape).astype(np.float32),
                               rng.normal(0, 0.5, beta.shape).astype(np.float32),
                               rng.normal(0, 2.0, mean.shape).astype(np.float32),
                               rng.uniform(1.0, 10.0, var.shape).astype(np.float32)])


def write(model, path, rng):
    randomize_batchnorm(model, rng)
    with open(path, "wb") as f:
        f.write(lce.convert_keras_model(model))
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--quick", action="store_true", help="only the operator sweep")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    rng = np.random.default_rng(7)
    tf.random.set_seed(7)
    for name, size, cin, cout, kernel, stride in BCONV_SWEEP:
        write(bconv_single(size, cin, cout, kernel, stride),
              os.path.join(args.out_dir, name + ".tflite"), rng)
    if not args.quick:
        write(quicknet_style(), os.path.join(args.out_dir, "quicknet_style.tflite"), rng)
        write(bireal_style(), os.path.join(args.out_dir, "bireal_style.tflite"), rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
