"""The models tests/micro/ops_conformance.py runs: one-layer CONV_2D, DEPTHWISE_CONV_2D and
FULLY_CONNECTED int8 layers of chosen geometry (written directly with
tests/conformance/tflite_builder.py, random scales, zero points, weights and biases; or built
in Keras and quantized by TFLite's converter), random ones from tests/conformance/op_cases.py,
and models lowbit micro must refuse."""
import contextlib
import os
import random
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
import op_cases  # noqa: E402
from tflite_builder import SAME, VALID, TFLiteModel  # noqa: E402

ACTIVATIONS = {None: 0, "relu": 1, "relu6": 2, "relu_n1_to_1": 3}


def pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def conv(shape, filters, kernel, strides=1, padding="same", dilation=1, activation=None,
         use_bias=True, groups=1, batch=1, per_channel=True):
    return dict(kind="conv", shape=shape, filters=filters, kernel=pair(kernel),
                strides=pair(strides), padding=padding, dilation=pair(dilation),
                activation=activation, use_bias=use_bias, groups=groups, batch=batch,
                per_channel=per_channel)


def depthwise(shape, kernel, strides=1, padding="same", dilation=1, activation=None,
              use_bias=True, multiplier=1, per_channel=True):
    return dict(kind="dw", shape=shape, kernel=pair(kernel), strides=pair(strides),
                padding=padding, dilation=pair(dilation), activation=activation,
                use_bias=use_bias, multiplier=multiplier, batch=1, per_channel=per_channel)


def dense(shape, units, activation=None, use_bias=True, batch=1, per_channel=False):
    return dict(kind="fc", shape=shape, units=units, activation=activation, use_bias=use_bias,
                batch=batch, per_channel=per_channel)


# Geometry the random cases rarely reach: many channels (SIMD tails), big K, grouped and 1x1
# direct convolution, KWS's 10x4 layer, row-kernel depthwise shapes, multiplier 2 on both
# depthwise paths, batches over one GEMM tile.
LAYERS = {
    "conv3x3_s1_same_c3_relu": conv((12, 12, 3), 8, 3, activation="relu"),
    "conv3x3_s2_valid_c3_relu6": conv((13, 11, 3), 16, 3, 2, "valid", activation="relu6"),
    "conv3x3_s2_same_c3_pertensor": conv((12, 12, 3), 8, 3, 2, per_channel=False),
    "conv3x3_dil2_same_c8": conv((10, 10, 8), 12, 3, dilation=2),
    "conv3x3_dil2_valid_c8_nobias": conv((11, 9, 8), 8, 3, padding="valid", dilation=2,
                                         use_bias=False),
    "conv3x3_dil2x1_same_c4": conv((8, 9, 4), 8, 3, dilation=(2, 1)),
    "conv1x1_s1_c16": conv((6, 6, 16), 24, 1),
    "conv1x1_s1_c16_pertensor_relu": conv((6, 6, 16), 20, 1, activation="relu",
                                          per_channel=False),
    "conv1x1_s2_valid_c8": conv((7, 7, 8), 8, 1, 2, "valid"),
    "conv10x4_s2_same_c1_relu": conv((25, 10, 1), 16, (10, 4), 2, activation="relu"),
    "conv5x5_s1_valid_c1_nobias": conv((9, 9, 1), 4, 5, padding="valid", use_bias=False),
    "conv3x3_s1_same_groups2": conv((8, 8, 8), 8, 3, groups=2),
    "conv1x1_s1_groups2": conv((5, 5, 8), 6, 1, groups=2),
    "conv3x3_s1_same_batch2": conv((6, 6, 4), 8, 3, batch=2),
    "conv3x3_s1_same_c32_oc40": conv((7, 7, 32), 40, 3),
    "dw3x3_s1_same_c8_relu6": depthwise((10, 10, 8), 3, activation="relu6"),
    "dw3x3_s2_same_c16_relu": depthwise((11, 11, 16), 3, 2, activation="relu"),
    "dw3x3_s1_valid_c20_pertensor": depthwise((9, 9, 20), 3, padding="valid", per_channel=False),
    "dw3x3_s2_same_c40": depthwise((7, 8, 40), 3, 2),
    "dw5x5_s1_valid_c24": depthwise((10, 10, 24), 5, padding="valid"),
    "dw5x5_s2_same_c8_nobias": depthwise((12, 12, 8), 5, 2, use_bias=False),
    "dw3x3_dil2_same_c8": depthwise((10, 10, 8), 3, dilation=2),
    "dw3x3_dil2_valid_c5_nobias": depthwise((9, 10, 5), 3, padding="valid", dilation=2,
                                            use_bias=False),
    "dw2x2_s2_valid_c4_m3_nobias": depthwise((6, 6, 4), 2, 2, "valid", multiplier=3,
                                             use_bias=False),
    "dw3x5_s2_valid_c3": depthwise((9, 11, 3), (3, 5), 2, "valid"),
    "dw7x7_s1_same_c1": depthwise((9, 9, 1), 7),
    "dw3x3_s1_same_m2": depthwise((8, 8, 4), 3, multiplier=2),
    "dw3x5_s1_same_m2_relu": depthwise((8, 8, 3), (3, 5), multiplier=2, activation="relu"),
    "fc64x10_relu": dense((64,), 10, activation="relu"),
    "fc33x7_nobias": dense((33,), 7, use_bias=False),
    "fc_rank3_keepdims": dense((4, 16), 8),
    "fc_batch5_relu6": dense((40,), 24, activation="relu6", batch=5),
    "fc64x12_perchannel": dense((64,), 12, per_channel=True),
    "fc300x40_relu_n1_to_1": dense((300,), 40, activation="relu_n1_to_1"),
}


def built_model(layer, seed):
    """The layer as a .tflite written directly: random scales (op_cases.py's two regimes),
    zero points, weights and bias."""
    rng = random.Random(seed)
    model = TFLiteModel()
    batch, shape = layer["batch"], list(layer["shape"])
    in_shape = [batch] + shape
    if layer["kind"] == "fc":
        k, channels = shape[-1], layer["units"]
        w_shape, axis, taps = [channels, k], 0, k
        out_shape = in_shape[:-1] + [channels]
    else:
        (kh, kw), (sh, sw), (dh, dw) = layer["kernel"], layer["strides"], layer["dilation"]
        same = layer["padding"] == "same"
        h, w, c = shape
        oh, ow = op_cases.out_size(h, kh, sh, dh, same), op_cases.out_size(w, kw, sw, dw, same)
        if layer["kind"] == "conv":
            channels = layer["filters"]
            w_shape, axis, taps = [channels, kh, kw, c // layer["groups"]], 0, kh * kw * c
        else:
            channels = c * layer["multiplier"]
            w_shape, axis, taps = [1, kh, kw, channels], 3, kh * kw
        out_shape = [batch, oh, ow, channels]
    in_scale, w_scales, out_scale = op_cases.weighted_scales(
        rng, taps, channels if layer["per_channel"] else 1)
    weights = op_cases.values(rng, "int8", int(np.prod(w_shape)), low=-127)
    x = model.tensor("x", in_shape, np.int8, [in_scale], [rng.randint(-128, 127)])
    w = model.tensor("w", w_shape, np.int8, w_scales, [0] * len(w_scales), axis, weights)
    y = model.tensor("y", out_shape, np.int8, [out_scale], [rng.randint(-128, 127)])
    inputs = [x, w]
    if layer["use_bias"]:
        bias = np.array([rng.randint(-30000, 30000) for _ in range(channels)], np.int32)
        inputs.append(model.tensor("b", [channels], np.int32, [in_scale * s for s in w_scales],
                                   [0] * len(w_scales), 0, bias))
    activation = ACTIVATIONS[layer["activation"]]
    if layer["kind"] == "fc":
        model.operator("FULLY_CONNECTED", 4, inputs, [y], activation=activation,
                       keep_num_dims=len(in_shape) > 2)
    else:
        options = dict(padding=SAME if same else VALID, stride_w=sw, stride_h=sh,
                       activation=activation, dilation_w=dw, dilation_h=dh)
        if layer["kind"] == "dw":
            model.operator("DEPTHWISE_CONV_2D", 3, inputs, [y],
                           depth_multiplier=layer["multiplier"], **options)
        else:
            model.operator("CONV_2D", 3, inputs, [y], **options)
    return model.serialize([x], [y])


@contextlib.contextmanager
def quiet_fds():
    """TensorFlow's chatter (printed by C++ and Python alike) to /dev/null."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def import_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with quiet_fds():
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    return tf


def keras_model(tf, layer, seed):
    """The layer built in Keras and quantized by TFLite's full-integer post-training
    quantization (weights per channel unless per_channel is False; RELU_N1_TO_1 has no Keras
    layer and becomes none)."""
    tf.keras.utils.set_random_seed(seed)
    x = tf.keras.Input(shape=layer["shape"], batch_size=layer["batch"])
    activation = layer["activation"] if layer["activation"] != "relu_n1_to_1" else None
    common = dict(activation=activation, use_bias=layer["use_bias"])
    if layer["kind"] == "fc":
        y = tf.keras.layers.Dense(layer["units"], **common)(x)
    elif layer["kind"] == "dw":
        y = tf.keras.layers.DepthwiseConv2D(layer["kernel"], strides=layer["strides"],
                                            padding=layer["padding"],
                                            dilation_rate=layer["dilation"],
                                            depth_multiplier=layer["multiplier"], **common)(x)
    else:
        y = tf.keras.layers.Conv2D(layer["filters"], layer["kernel"], strides=layer["strides"],
                                   padding=layer["padding"], dilation_rate=layer["dilation"],
                                   groups=layer["groups"], **common)(x)
    model = tf.keras.Model(x, y)
    rng = np.random.default_rng(seed)
    shape = [layer["batch"]] + list(layer["shape"])

    def representative():
        for _ in range(16):
            yield [rng.normal(0.0, 1.0, size=shape).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    converter._experimental_disable_per_channel = not layer["per_channel"]
    with quiet_fds():
        return converter.convert()


def random_models(count, seed):
    """(name, .tflite bytes): count random CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED int8
    models each (op_cases.py)."""
    rng = random.Random(seed)
    for kind in ("conv", "dw", "fc"):
        for index in range(count):
            model, _ = op_cases.make_case(rng, kind, "int8")
            yield f"random_{kind}_{index}", model


def refused_models():
    """(name, .tflite bytes, texts the refusal must contain): models lowbit micro must refuse
    with a message naming the operand at fault."""
    def layer(kind, dtype=np.int8, bias=0, constant_weights=True, w_axis=0, w_scales=1):
        model = TFLiteModel()
        x_shape, w_shape, y_shape = (([1, 4, 4, 2], [3, 3, 3, 2], [1, 4, 4, 3]) if kind == "CONV_2D"
                                     else ([1, 6], [3, 6], [1, 3]))
        w_dtype = np.int8 if dtype in (np.int8, np.int16) else dtype
        weights = np.ones(int(np.prod(w_shape)), w_dtype)
        x = model.tensor("x", x_shape, dtype, [0.05], [0])
        w = model.tensor("w", w_shape, w_dtype, [0.01] * w_scales, [0] * w_scales, w_axis,
                         weights if constant_weights else None)
        b = model.tensor("b", [3], np.int32, [0.0005], [0], 0, np.full(3, bias, np.int32))
        y = model.tensor("y", y_shape, dtype, [0.1], [0])
        if kind == "CONV_2D":
            model.operator(kind, 3, [x, w, b], [y], padding=SAME, stride_w=1, stride_h=1,
                           activation=0, dilation_w=1, dilation_h=1)
        else:
            model.operator(kind, 4, [x, w, b], [y], activation=0, keep_num_dims=False)
        return model.serialize([x] if constant_weights else [x, w], [y])

    yield "refuse_uint8_conv", layer("CONV_2D", np.uint8), ["tensor 0 'x'", "uint8"]
    yield "refuse_int16_fc", layer("FULLY_CONNECTED", np.int16), ["tensor 0 'x'", "int16"]
    yield ("refuse_overflowing_bias", layer("CONV_2D", bias=2**31 - 2),
           ["overflow", "tensor 1 'w'"])
    yield ("refuse_variable_weights", layer("FULLY_CONNECTED", constant_weights=False),
           ["tensor 1 'w'", "not constant"])
    yield ("refuse_weights_axis", layer("FULLY_CONNECTED", w_axis=1, w_scales=6),
           ["tensor 1 'w'", "axis 1"])


def trunk_model(path):
    """The .tflite at path cut before its first AVERAGE_POOL_2D (that operator's input becomes
    the graph output; lowbit-convert drops what no output needs): the convolutional trunk of
    the MLPerf Tiny KWS and VWW models, which runs on these three operators alone."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as fb
    with open(path, "rb") as f:
        model = fb.ModelT.InitFromObj(fb.Model.GetRootAsModel(f.read(), 0))
    graph = model.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    pools = [op for op in graph.operators
             if codes[op.opcodeIndex] == fb.BuiltinOperator.AVERAGE_POOL_2D]
    if not pools:
        raise RuntimeError(f"{path} has no AVERAGE_POOL_2D to cut at")
    graph.outputs = [pools[0].inputs[0]]
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
