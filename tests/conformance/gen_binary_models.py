"""Generates binary (Larq Compute Engine) .tflite models: Larq layers with random weights,
converted with LCE's converter. Float models, and int8 variants through the converter's
experimental_default_int8_range (LceBconv2d with int8 output, int8 LceQuantize/LceDequantize).
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import larq as lq
import larq_compute_engine as lce
import numpy as np
import tensorflow as tf

keras = tf.keras
layers = keras.layers
BINARY = dict(input_quantizer="ste_sign", kernel_quantizer="ste_sign",
              kernel_constraint="weight_clip", use_bias=False)


def _bconv(x, filters, k, stride=1, dilation=1, padding="same", pad_values=0.0, groups=1):
    return lq.layers.QuantConv2D(filters, k, strides=stride, dilation_rate=dilation,
                                 padding=padding, pad_values=pad_values, groups=groups, **BINARY)(x)


def bconv_model(hw, cin, cout, k, packed_output=False, act=None, pool=False, **options):
    """LceBconv2d with float output (BatchNorm folded into multiplier/bias), or with bit-packed
    output (a following binary conv makes the converter emit output thresholds)."""
    x = keras.Input((hw[0], hw[1], cin))
    y = _bconv(x, cout, k, **options)
    y = layers.BatchNormalization()(y)
    if act:
        y = layers.Activation(act)(y)
    if packed_output:
        if pool:
            y = layers.MaxPooling2D(2)(y)
        y = _bconv(y, 8, 1)
        y = layers.BatchNormalization()(y)
    return keras.Model(x, y)


def quicknet_style():
    x = keras.Input((32, 32, 3))
    y = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    for filters, transition in [(32, False), (32, False), (64, True), (64, False)]:
        if transition:
            y = layers.MaxPooling2D(2)(y)
            y = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y)
            y = layers.BatchNormalization()(y)
            y = layers.Conv2D(filters, 1, use_bias=False)(y)
            y = layers.BatchNormalization()(y)
        z = _bconv(y, filters, 3)
        z = layers.ReLU()(z)
        z = layers.BatchNormalization()(z)
        y = layers.Add()([y, z])
    y = layers.ReLU()(y)
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Dense(10)(y))


def bireal_style():
    x = keras.Input((32, 32, 3))
    y = layers.Conv2D(32, 3, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.MaxPooling2D(2)(y)
    for filters, stride in [(32, 1), (32, 1), (64, 2), (64, 1)]:
        shortcut = y
        if stride != 1 or y.shape[-1] != filters:
            shortcut = layers.AveragePooling2D(stride)(shortcut)
            shortcut = layers.Conv2D(filters, 1, use_bias=False)(shortcut)
            shortcut = layers.BatchNormalization()(shortcut)
        z = _bconv(y, filters, 3, stride=stride, pad_values=1.0)
        z = layers.BatchNormalization()(z)
        y = layers.Add()([shortcut, z])
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Dense(10)(y))


# (name, builder, in quick sweep)
MODELS = [
    ("bconv_float_3x3_same_pad0", lambda: bconv_model((8, 8), 64, 32, 3), True),
    ("bconv_float_3x3_same_pad1", lambda: bconv_model((8, 8), 64, 32, 3, pad_values=1.0), True),
    ("bconv_float_3x3_valid_c40_o20", lambda: bconv_model((9, 7), 40, 20, 3, padding="valid"), False),
    ("bconv_float_3x3_s2_pad1_c70", lambda: bconv_model((11, 11), 70, 33, 3, stride=2, pad_values=1.0), False),
    ("bconv_float_3x3_dil2_pad1", lambda: bconv_model((12, 12), 32, 16, 3, dilation=2, pad_values=1.0), False),
    ("bconv_float_1x1_c5_o3", lambda: bconv_model((6, 6), 5, 3, 1), False),
    ("bconv_float_5x5_s2_valid", lambda: bconv_model((13, 13), 33, 64, 5, stride=2, padding="valid"), False),
    ("bconv_float_groups2", lambda: bconv_model((8, 8), 64, 32, 3, groups=2, pad_values=1.0), False),
    ("bconv_float_groups4_c128", lambda: bconv_model((6, 6), 128, 64, 3, groups=4, pad_values=1.0), False),
    ("bconv_float_relu", lambda: bconv_model((8, 8), 32, 24, 3, act="relu", pad_values=1.0), False),
    ("bconv_packed_3x3_pad1", lambda: bconv_model((8, 8), 64, 48, 3, packed_output=True, pad_values=1.0), True),
    ("bconv_packed_3x3_s2_c40", lambda: bconv_model((10, 10), 40, 70, 3, stride=2, packed_output=True, pad_values=1.0), False),
    ("bconv_packed_valid_pad0", lambda: bconv_model((9, 9), 32, 32, 3, padding="valid", packed_output=True), False),
    ("bmaxpool_2x2", lambda: bconv_model((8, 8), 32, 40, 3, packed_output=True, pool=True, pad_values=1.0), True),
    ("quicknet_style", quicknet_style, True),
    ("bireal_style", bireal_style, True),
]
# Also written with int8 activations (experimental_default_int8_range).
INT8_VARIANTS = {"bconv_float_3x3_same_pad1", "bconv_float_3x3_s2_pad1_c70", "bconv_float_relu",
                 "bconv_packed_3x3_pad1", "bmaxpool_2x2", "quicknet_style", "bireal_style"}


def _randomize_batchnorm(model, rng):
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.uniform(-0.5, 0.5, c),
                               rng.uniform(-2.0, 2.0, c), rng.uniform(1.0, 20.0, c)])


def generate(out_dir, quick=False, seed=4321, force=False):
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for index, (name, build, in_quick) in enumerate(MODELS):
        if quick and not in_quick:
            continue
        variants = [("float", {})]
        if name in INT8_VARIANTS:
            variants.append(("int8", dict(inference_input_type=tf.int8, inference_output_type=tf.int8,
                                          experimental_default_int8_range=(-3.0, 3.0))))
        model = None
        for suffix, options in variants:
            path = os.path.join(out_dir, f"lce_{name}_{suffix}.tflite")
            paths.append(path)
            if os.path.exists(path) and not force:
                continue
            if model is None:
                tf.keras.utils.set_random_seed(seed + index)
                model = build()
                _randomize_batchnorm(model, np.random.default_rng(seed + index))
            with open(path, "wb") as f:
                f.write(lce.convert_keras_model(model, **options))
    return paths


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    for p in generate(args.out_dir, args.quick, force=args.force):
        print(p)
