"""The int8 networks issue 16's end-to-end table names that ../shared/models lacks, generated with
Keras and the TFLite converter (random weights and batch-norm statistics, calibrated on random
inputs, as tests/conformance/gen_int8_models.py does):

  resnet8_mlperf_ic      MLPerf Tiny image classification: 32x32x3, a 16-filter stem, three
                         residual stages of 16, 32, 64 filters (stride 2 with a 1x1 shortcut at
                         the last two), average pool, 10 classes
  resnet_6block          ResNet-18's basic blocks cut to six (64, 64, 128, 128, 256, 256 filters)
                         behind a 3x3 stride-2 stem and a max pool, at 168x168x3: about 760 M MACs
  vww_mobilenet_20block  the MobileNetV1 0.25 of MLPerf Tiny's visual wake words (96x96x3) with
                         20 depthwise-separable blocks instead of 13 (7 more at 6x6x256)

Files are written once into the build folder (build/models/peers/generated) and reused."""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

SEED = 1616


def _bn_relu(layers, y, relu6=False):
    y = layers.BatchNormalization()(y)
    return layers.ReLU(6.0 if relu6 else None)(y)


def _basic_block(layers, y, filters, stride):
    shortcut = y
    z = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(y)
    z = _bn_relu(layers, z)
    z = layers.Conv2D(filters, 3, padding="same", use_bias=False)(z)
    z = layers.BatchNormalization()(z)
    if stride != 1 or shortcut.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
    return layers.ReLU()(layers.Add()([shortcut, z]))


def resnet8_mlperf_ic(keras, layers):
    x = keras.Input((32, 32, 3), batch_size=1)
    y = _bn_relu(layers, layers.Conv2D(16, 3, padding="same", use_bias=False)(x))
    for filters, stride in [(16, 1), (32, 2), (64, 2)]:
        y = _basic_block(layers, y, filters, stride)
    y = layers.AveragePooling2D(8)(y)
    y = layers.Flatten()(y)
    return keras.Model(x, layers.Softmax()(layers.Dense(10)(y)))


def resnet_6block(keras, layers):
    x = keras.Input((168, 168, 3), batch_size=1)
    y = _bn_relu(layers, layers.Conv2D(64, 3, strides=2, padding="same", use_bias=False)(x))
    y = layers.MaxPooling2D(3, strides=2, padding="same")(y)
    for filters, stride in [(64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1)]:
        y = _basic_block(layers, y, filters, stride)
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Softmax()(layers.Dense(1000)(y)))


def vww_mobilenet_20block(keras, layers):
    x = keras.Input((96, 96, 3), batch_size=1)
    y = _bn_relu(layers, layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(x), True)
    blocks = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2)] + [(128, 1)] * 5
    blocks += [(256, 2)] + [(256, 1)] * 8
    for filters, stride in blocks:
        y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(y)
        y = _bn_relu(layers, y, True)
        y = _bn_relu(layers, layers.Conv2D(filters, 1, use_bias=False)(y), True)
    y = layers.GlobalAveragePooling2D()(y)
    return keras.Model(x, layers.Softmax()(layers.Dense(2)(y)))


BUILDERS = {"resnet8_mlperf_ic": resnet8_mlperf_ic, "resnet_6block": resnet_6block,
            "vww_mobilenet_20block": vww_mobilenet_20block}


def multiply_adds(model, layers):
    """MACs of the convolutions and dense layers of a Keras model (batch 1)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, layers.DepthwiseConv2D):
            h, w, c = layer.output.shape[1:]
            total += h * w * c * layer.kernel_size[0] * layer.kernel_size[1]
        elif isinstance(layer, layers.Conv2D):
            h, w, c = layer.output.shape[1:]
            total += h * w * c * layer.kernel_size[0] * layer.kernel_size[1] * layer.input.shape[-1]
        elif isinstance(layer, layers.Dense):
            total += layer.input.shape[-1] * layer.units
    return total


def generate(build_dir, keep=lambda name: True):
    """[(name, .tflite path, MACs)] of the models `keep` accepts, generating those not yet in
    build_dir (TensorFlow is imported only when some model is kept)."""
    if not any(keep(name) for name in BUILDERS):
        return []
    out_dir = os.path.join(build_dir, "models", "peers", "generated")
    os.makedirs(out_dir, exist_ok=True)
    import numpy as np
    import tensorflow as tf
    from gen_int8_models import _randomize_batchnorm, convert_int8
    keras, layers = tf.keras, tf.keras.layers
    found = []
    for index, (name, build) in enumerate(BUILDERS.items()):
        if not keep(name):
            continue
        path = os.path.join(out_dir, name + ".tflite")
        tf.keras.utils.set_random_seed(SEED + index)
        model = build(keras, layers)
        if not os.path.exists(path):
            rng = np.random.default_rng(SEED + index)
            _randomize_batchnorm(model, rng)
            with open(path + ".part", "wb") as f:
                f.write(convert_int8(model, rng, samples=8))
            os.replace(path + ".part", path)
        found.append((name, path, multiply_adds(model, layers)))
    return found
