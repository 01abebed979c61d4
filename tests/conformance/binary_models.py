"""The one generator of binary (Larq Compute Engine) test models: Larq layers with random weights
and randomized BatchNorm statistics, converted by LCE's converter. Two suites:

  conformance  lce_<name>_float.tflite and, for some, lce_<name>_int8.tflite
               (experimental_default_int8_range: LceBconv2d with int8 output, int8
               LceQuantize/LceDequantize): every LceBconv2d output kind, pad value, stride,
               dilation and group setting, LceBMaxPool2d, small QuickNet- and Bi-Real-style
               networks (tests/conformance/run_conformance.py; fixtures/models holds copies)
  bench        <name>.tflite: QuickNet- and Bi-Real-Net-18-style networks at 224x224, 1000
               classes, and single LceBconv2d layers on a ResNet's stage shapes
               (scripts/bench_peers.sh binary)

  .venv/bin/python tests/conformance/binary_models.py OUT_DIR [--suite bench] [--quick] [--force]

Also the architecture of the trained Fashion-MNIST network (fashion_mnist.py). Files that
exist are kept unless --force; the seeds are fixed, so the same models come back.
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # Larq needs Keras 2 (tf_keras)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import larq as lq  # noqa: E402
import larq_compute_engine as lce  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras = tf.keras
layers = keras.layers
BINARY = dict(input_quantizer="ste_sign", kernel_quantizer="ste_sign",
              kernel_constraint="weight_clip", use_bias=False)


def bconv(x, filters, kernel, stride=1, dilation=1, padding="same", pad_values=0.0, groups=1):
    return lq.layers.QuantConv2D(filters, kernel, strides=stride, dilation_rate=dilation,
                                 padding=padding, pad_values=pad_values, groups=groups,
                                 **BINARY)(x)


def bn(y):
    return layers.BatchNormalization()(y)


def bconv_model(hw, cin, cout, kernel, packed_output=False, act=None, pool=False, **options):
    """One LceBconv2d with float output (BatchNorm folded into multiplier and bias), or with
    bit-packed output (a following binary conv makes the converter emit thresholds)."""
    x = keras.Input((hw[0], hw[1], cin))
    y = bn(bconv(x, cout, kernel, **options))
    if act:
        y = layers.Activation(act)(y)
    if packed_output:
        if pool:
            y = layers.MaxPooling2D(2)(y)
        y = bn(bconv(y, 8, 1))
    return keras.Model(x, y)


def quicknet_style(size, widths, blocks, classes, stem, stem_depthwise):
    """QuickNet's layout (Larq zoo): a float stem, binary 3x3 convolutions with ReLU, BatchNorm
    and a residual add; max pool + depthwise + pointwise transitions between stages."""
    x = keras.Input((size, size, 3))
    y = layers.ReLU()(bn(layers.Conv2D(stem, 3, strides=2, padding="same", use_bias=False)(x)))
    if stem_depthwise:
        y = bn(layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False)(y))
        y = bn(layers.Conv2D(widths[0], 1, use_bias=False)(y))
    for stage, (width, count) in enumerate(zip(widths, blocks)):
        if stage > 0:
            y = layers.MaxPooling2D(2)(y)
            y = bn(layers.DepthwiseConv2D(3, padding="same", use_bias=False)(y))
            y = bn(layers.Conv2D(width, 1, use_bias=False)(y))
        for _ in range(count):
            z = bn(layers.ReLU()(bconv(y, width, 3)))
            y = layers.Add()([y, z])
    y = layers.GlobalAveragePooling2D()(layers.ReLU()(y))
    return keras.Model(x, layers.Dense(classes)(y))


def bireal_style(size, widths, blocks, classes, stem_kernel, stem_stride, pool, pool_padding):
    """Bi-Real-Net's layout: float stem and max pool, then binary 3x3 convolutions (pad value 1)
    each with BatchNorm and its own shortcut; average pool + 1x1 float convolution on the
    shortcuts that change shape."""
    x = keras.Input((size, size, 3))
    y = bn(layers.Conv2D(widths[0], stem_kernel, strides=stem_stride, padding="same",
                         use_bias=False)(x))
    y = layers.MaxPooling2D(pool, strides=2, padding=pool_padding)(y)
    for stage, (width, count) in enumerate(zip(widths, blocks)):
        for block in range(count):
            stride = 2 if stage > 0 and block == 0 else 1
            shortcut = y
            if stride != 1 or y.shape[-1] != width:
                shortcut = layers.AveragePooling2D(stride)(shortcut)
                shortcut = bn(layers.Conv2D(width, 1, use_bias=False)(shortcut))
            z = bn(bconv(y, width, 3, stride=stride, pad_values=1.0))
            y = layers.Add()([shortcut, z])
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Dense(classes)(y))


def fashion_mnist_net(batch_size=None):
    """Larq's recommended block order (conv, max pool, then batch norm without scale): a float
    3x3 CONV_2D, two binary 3x3 LceBconv2d (VALID padding), a float FULLY_CONNECTED. The previous
    recipe (batch norm before the pools, momentum 0.9, Adam 2e-3, pad value 1 SAME convs, global
    average pool) scored 0.85 on training batches but 0.49 on the test set."""
    x = keras.Input((28, 28, 1), batch_size=batch_size)
    y = layers.Conv2D(32, 3, use_bias=False)(x)
    y = layers.BatchNormalization(scale=False)(layers.MaxPooling2D(2)(y))
    y = lq.layers.QuantConv2D(64, 3, **BINARY)(y)
    y = layers.BatchNormalization(scale=False)(layers.MaxPooling2D(2)(y))
    y = lq.layers.QuantConv2D(128, 3, **BINARY)(y)
    y = layers.Flatten()(layers.BatchNormalization(scale=False)(y))
    return keras.Model(x, layers.Dense(10)(y))


SMALL_QUICKNET = dict(size=32, widths=(32, 64), blocks=(2, 2), classes=10, stem=32,
                      stem_depthwise=False)
SMALL_BIREAL = dict(size=32, widths=(32, 64), blocks=(2, 2), classes=10, stem_kernel=3,
                    stem_stride=1, pool=2, pool_padding="valid")
IMAGENET = dict(size=224, widths=(64, 128, 256, 512), blocks=(4, 4, 4, 4), classes=1000)


def _conformance(name, *shape, **options):
    return name, lambda: bconv_model(*shape, **options)


# Conformance suite: (name, builder, in the quick sweep).
CONFORMANCE = [
    (*_conformance("bconv_float_3x3_same_pad0", (8, 8), 64, 32, 3), True),
    (*_conformance("bconv_float_3x3_same_pad1", (8, 8), 64, 32, 3, pad_values=1.0), True),
    (*_conformance("bconv_float_3x3_valid_c40_o20", (9, 7), 40, 20, 3, padding="valid"), False),
    (*_conformance("bconv_float_3x3_s2_pad1_c70", (11, 11), 70, 33, 3, stride=2,
                   pad_values=1.0), False),
    (*_conformance("bconv_float_3x3_dil2_pad1", (12, 12), 32, 16, 3, dilation=2,
                   pad_values=1.0), False),
    (*_conformance("bconv_float_1x1_c5_o3", (6, 6), 5, 3, 1), False),
    (*_conformance("bconv_float_5x5_s2_valid", (13, 13), 33, 64, 5, stride=2,
                   padding="valid"), False),
    (*_conformance("bconv_float_groups2", (8, 8), 64, 32, 3, groups=2, pad_values=1.0), False),
    (*_conformance("bconv_float_groups4_c128", (6, 6), 128, 64, 3, groups=4,
                   pad_values=1.0), False),
    (*_conformance("bconv_float_relu", (8, 8), 32, 24, 3, act="relu", pad_values=1.0), False),
    (*_conformance("bconv_packed_3x3_pad1", (8, 8), 64, 48, 3, packed_output=True,
                   pad_values=1.0), True),
    (*_conformance("bconv_packed_3x3_s2_c40", (10, 10), 40, 70, 3, stride=2,
                   packed_output=True, pad_values=1.0), False),
    (*_conformance("bconv_packed_valid_pad0", (9, 9), 32, 32, 3, padding="valid",
                   packed_output=True), False),
    (*_conformance("bmaxpool_2x2", (8, 8), 32, 40, 3, packed_output=True, pool=True,
                   pad_values=1.0), True),
    ("quicknet_style", lambda: quicknet_style(**SMALL_QUICKNET), True),
    ("bireal_style", lambda: bireal_style(**SMALL_BIREAL), True),
]
# Also written with int8 activations (experimental_default_int8_range).
INT8_VARIANTS = {"bconv_float_3x3_same_pad1", "bconv_float_3x3_s2_pad1_c70", "bconv_float_relu",
                 "bconv_packed_3x3_pad1", "bmaxpool_2x2", "quicknet_style", "bireal_style"}
INT8_OPTIONS = dict(inference_input_type=tf.int8, inference_output_type=tf.int8,
                    experimental_default_int8_range=(-3.0, 3.0))


def _bench_bconv(size, cin, cout, stride=1):
    suffix = "_s2" if stride == 2 else ""
    return (f"bconv_{size}x{size}_{cin}to{cout}_3x3{suffix}",
            lambda: bconv_model((size, size), cin, cout, 3, stride=stride), True)


# Benchmark suite: single layers on a ResNet's stage shapes (the quick set), whole networks.
BENCH = [
    _bench_bconv(56, 64, 64), _bench_bconv(28, 128, 128), _bench_bconv(14, 256, 256),
    _bench_bconv(7, 512, 512), _bench_bconv(56, 64, 128, stride=2),
    ("quicknet_style", lambda: quicknet_style(**IMAGENET, stem=16, stem_depthwise=True), False),
    ("bireal_style", lambda: bireal_style(**IMAGENET, stem_kernel=7, stem_stride=2, pool=3,
                                          pool_padding="same"), False),
]


def randomize_batchnorm(model, rng):
    """Trained-looking BatchNorm statistics, so outputs are not all one sign."""
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.uniform(-0.5, 0.5, c),
                               rng.uniform(-2.0, 2.0, c), rng.uniform(1.0, 20.0, c)])


def _files(suite, name):
    """(file name, converter options) of one model in one suite."""
    if suite == "bench":
        return [(f"{name}.tflite", {})]
    files = [(f"lce_{name}_float.tflite", {})]
    if name in INT8_VARIANTS:
        files.append((f"lce_{name}_int8.tflite", INT8_OPTIONS))
    return files


def generate(out_dir, suite="conformance", quick=False, seed=4321, force=False):
    """Writes the suite's models into out_dir (existing files kept unless force); returns their
    paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for index, (name, build, in_quick) in enumerate(BENCH if suite == "bench" else CONFORMANCE):
        if quick and not in_quick:
            continue
        model = None
        for file_name, options in _files(suite, name):
            path = os.path.join(out_dir, file_name)
            paths.append(path)
            if os.path.exists(path) and not force:
                continue
            if model is None:
                tf.keras.utils.set_random_seed(seed + index)
                model = build()
                randomize_batchnorm(model, np.random.default_rng(seed + index))
            with open(path, "wb") as f:
                f.write(lce.convert_keras_model(model, **options))
    return paths


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--suite", choices=["conformance", "bench"], default="conformance")
    parser.add_argument("--quick", action="store_true", help="the quick subset only")
    parser.add_argument("--force", action="store_true", help="rewrite existing files")
    args = parser.parse_args()
    for p in generate(args.out_dir, args.suite, args.quick, force=args.force):
        print(p)
