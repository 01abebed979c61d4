"""Generates int8 .tflite models with Keras + TFLiteConverter (full-integer, random weights,
calibrated on random data): single-operator sweeps and two small networks.

Each entry of MODELS is (name, builder); a builder returns a tf.keras model. quick=True keeps one
representative per operator.
"""
import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # larq and these builders use Keras 2 (tf_keras)
import numpy as np
import tensorflow as tf

keras = tf.keras
layers = keras.layers


def _single(shape, make, inputs=1):
    # A fixed batch of 1: with batch None the converter computes reshape targets at run time.
    tensors = [keras.Input(shape, batch_size=1) for _ in range(inputs)]
    out = make(*tensors)
    return keras.Model(tensors if inputs > 1 else tensors[0], out)


def _conv(hw, cin, cout, k, stride=1, dilation=1, padding="same", act=None):
    return lambda: _single((hw[0], hw[1], cin), lambda x: layers.Conv2D(
        cout, k, strides=stride, dilation_rate=dilation, padding=padding, activation=act)(x))


def _dwconv(hw, c, k, stride=1, dilation=1, padding="same", act=None, multiplier=1):
    return lambda: _single((hw[0], hw[1], c), lambda x: layers.DepthwiseConv2D(
        k, strides=stride, dilation_rate=dilation, padding=padding, activation=act,
        depth_multiplier=multiplier)(x))


def _activation(fn):
    return layers.Activation(fn)


def _hard_swish(x):
    return x * tf.nn.relu6(x + 3.0) * (1.0 / 6.0)


def _inverted_residual(x, expand, cout, stride):
    cin = x.shape[-1]
    y = layers.Conv2D(cin * expand, 1, use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU(6.0)(y)
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU(6.0)(y)
    y = layers.Conv2D(cout, 1, use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    return layers.Add()([x, y]) if stride == 1 and cin == cout else y


def mobilenet_v2_style():
    x = keras.Input((64, 64, 3), batch_size=1)
    y = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU(6.0)(y)
    for expand, cout, stride in [(1, 8, 1), (4, 16, 2), (4, 16, 1), (4, 24, 2), (4, 24, 1)]:
        y = _inverted_residual(y, expand, cout, stride)
    y = layers.Conv2D(64, 1)(y)
    y = layers.ReLU(6.0)(y)
    y = layers.GlobalAveragePooling2D()(y)
    y = layers.Dense(10)(y)
    return keras.Model(x, layers.Softmax()(y))


def resnet_style():
    x = keras.Input((32, 32, 3), batch_size=1)
    y = layers.Conv2D(16, 3, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.MaxPooling2D(2)(y)
    for cout, stride in [(16, 1), (32, 2), (32, 1)]:
        shortcut = y
        z = layers.Conv2D(cout, 3, strides=stride, padding="same", use_bias=False)(y)
        z = layers.BatchNormalization()(z)
        z = layers.ReLU()(z)
        z = layers.Conv2D(cout, 3, padding="same", use_bias=False)(z)
        z = layers.BatchNormalization()(z)
        if stride != 1 or shortcut.shape[-1] != cout:
            shortcut = layers.Conv2D(cout, 1, strides=stride, use_bias=False)(shortcut)
            shortcut = layers.BatchNormalization()(shortcut)
        y = layers.ReLU()(layers.Add()([shortcut, z]))
    y = layers.AveragePooling2D(2)(y)
    y = layers.Flatten()(y)
    return keras.Model(x, layers.Dense(10)(y))


# (name, builder, in quick sweep)
MODELS = [
    ("conv_3x3_s1_same", _conv((12, 12), 8, 16, 3), True),
    ("conv_3x3_s2_valid_relu", _conv((13, 11), 3, 8, 3, stride=2, padding="valid", act="relu"), False),
    ("conv_1x1_relu6", _conv((9, 9), 24, 20, 1, act=tf.nn.relu6), False),
    ("conv_5x5_dil2_same", _conv((16, 16), 4, 6, 5, dilation=2), False),
    ("conv_3x3_s2_same_odd", _conv((15, 17), 5, 7, 3, stride=2), False),
    ("conv_7x1_valid", _conv((20, 8), 3, 33, (7, 1), padding="valid"), False),
    ("conv_2x2_s2_same_relu6", _conv((10, 10), 17, 9, 2, stride=2, act=tf.nn.relu6), False),
    ("dwconv_3x3_s1_same", _dwconv((12, 12), 16, 3), True),
    ("dwconv_3x3_s2_same_relu6", _dwconv((15, 15), 24, 3, stride=2, act=tf.nn.relu6), False),
    ("dwconv_5x5_valid_relu", _dwconv((11, 13), 7, 5, padding="valid", act="relu"), False),
    ("dwconv_3x3_dil2_mult2", _dwconv((14, 14), 5, 3, dilation=2, multiplier=2), False),
    ("dwconv_3x3_s2_valid_mult3", _dwconv((9, 9), 3, 3, stride=2, padding="valid", multiplier=3), False),
    ("fc_64_to_10", lambda: _single((64,), lambda x: layers.Dense(10)(x)), True),
    ("fc_100_to_33_relu", lambda: _single((100,), lambda x: layers.Dense(33, activation="relu")(x)), False),
    ("fc_rank3_keepdims", lambda: _single((5, 24), lambda x: layers.Dense(7)(x)), False),
    ("add_same_shape", lambda: _single((8, 8, 12), lambda a, b: layers.Add()([a, b]), 2), True),
    ("add_relu", lambda: _single((6, 10, 5), lambda a, b: layers.ReLU()(layers.Add()([a, b * 3.0])), 2), False),
    ("mul_same_shape", lambda: _single((8, 8, 12), lambda a, b: layers.Multiply()([a, b]), 2), True),
    ("avgpool_2x2_s2_valid", lambda: _single((12, 12, 8), lambda x: layers.AveragePooling2D(2)(x)), True),
    ("avgpool_3x3_s2_same", lambda: _single((13, 11, 6), lambda x: layers.AveragePooling2D(3, 2, padding="same")(x)), False),
    ("avgpool_3x3_s1_same", lambda: _single((7, 7, 5), lambda x: layers.AveragePooling2D(3, 1, padding="same")(x)), False),
    ("maxpool_2x2_s2_valid", lambda: _single((12, 12, 8), lambda x: layers.MaxPooling2D(2)(x)), True),
    ("maxpool_3x3_s2_same", lambda: _single((13, 11, 6), lambda x: layers.MaxPooling2D(3, 2, padding="same")(x)), False),
    ("mean_global", lambda: _single((7, 7, 16), lambda x: layers.GlobalAveragePooling2D()(x)), True),
    ("mean_keepdims_axis2", lambda: _single((6, 9, 5), lambda x: tf.reduce_mean(x, axis=2, keepdims=True)), False),
    ("softmax_10", lambda: _single((10,), lambda x: layers.Softmax()(x * 4.0)), True),
    ("softmax_rank3_100", lambda: _single((3, 100), lambda x: layers.Softmax()(x)), False),
    ("softmax_1001_classes", lambda: _single((1001,), lambda x: layers.Softmax()(x * 8.0)), False),
    ("logistic", lambda: _single((4, 4, 8), lambda x: _activation("sigmoid")(x * 6.0)), True),
    ("hard_swish", lambda: _single((4, 4, 8), lambda x: _hard_swish(layers.Dense(8)(x) * 4.0)), True),
    ("relu", lambda: _single((6, 6, 8), lambda x: layers.ReLU()(layers.Dense(8)(x))), True),
    ("relu6", lambda: _single((6, 6, 8), lambda x: layers.ReLU(6.0)(layers.Dense(8)(x) * 8.0)), True),
    ("pad_zero", lambda: _single((5, 7, 3), lambda x: layers.ZeroPadding2D(((1, 2), (3, 0)))(x)), True),
    ("concat_channels", lambda: _single((6, 6, 4), lambda a, b: layers.Concatenate()([a, b * 2.5]), 2), True),
    ("concat_axis1", lambda: _single((5, 3, 4), lambda a, b: layers.Concatenate(axis=1)([a, b * 0.5]), 2), False),
    ("reshape", lambda: _single((4, 6, 8), lambda x: layers.Reshape((24, 8))(x)), True),
    ("mobilenet_v2_style", mobilenet_v2_style, True),
    ("resnet_style", resnet_style, True),
]
# Float in, float out: the converter puts QUANTIZE and DEQUANTIZE at the graph edges.
FLOAT_IO_MODELS = {"quant_dequant_conv": _conv((8, 8), 3, 4, 3)}


def _randomize_batchnorm(model, rng):
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.uniform(-0.5, 0.5, c),
                               rng.uniform(-0.2, 0.2, c), rng.uniform(0.5, 2.0, c)])


def convert_int8(model, rng, float_io=False, samples=32):
    def representative():
        for _ in range(samples):
            yield [rng.uniform(-1.0, 1.0, (1,) + tuple(t.shape[1:])).astype(np.float32)
                   for t in model.inputs]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if not float_io:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def generate(out_dir, quick=False, seed=1234, force=False):
    """Writes the models to out_dir (skips existing files unless force); returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    entries = [(n, b, False) for n, b, q in MODELS if q or not quick]
    entries += [(n, b, True) for n, b in FLOAT_IO_MODELS.items()]
    for index, (name, build, float_io) in enumerate(entries):
        path = os.path.join(out_dir, f"int8_{name}.tflite")
        paths.append(path)
        if os.path.exists(path) and not force:
            continue
        tf.keras.utils.set_random_seed(seed + index)
        rng = np.random.default_rng(seed + index)
        model = build()
        _randomize_batchnorm(model, rng)
        with open(path, "wb") as f:
            f.write(convert_int8(model, rng, float_io=float_io))
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
