"""Random single-operator TRANSPOSE_CONV and L2_NORMALIZATION models against LiteRT's reference
kernels (BUILTIN_REF). Written field by field with tflite_builder.py: TRANSPOSE_CONV in int8
(per-channel weights), legacy uint8 (per-tensor weights with a zero point) and float32 over
kernel sizes, strides, SAME/VALID padding (with the extra output rows VALID allows), channel
counts, with and without bias, every fused activation; L2_NORMALIZATION in int8, uint8 and
float32 over ranks 1-4 and last-axis lengths, all-zero rows included. With --tf-cases,
TensorFlow writes more: tf.keras Conv2DTranspose and tf.nn.conv2d_transpose, tf.math.l2_normalize
(float32 and full-integer int8). lowbit's output bytes must equal LiteRT's.

  .venv/bin/python tests/conformance/transpose_conv_cases.py [--cases 30] [--tf-cases 8]
      [--seed N] [--kernel reference] [--build-dir build]

scripts/conformance.sh --transpose-conv-cases builds the tools and runs this. Exit status 1 on
any difference.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import resize_cases  # noqa: E402  (check() and start_sweep() serve every sweep)
import tflite_builder  # noqa: E402
from lowbit_tools import machine  # noqa: E402

tflite_builder.OPERATORS.setdefault("TRANSPOSE_CONV", (67, 49, [
    ("padding", "Int8"), ("stride_w", "Int32"), ("stride_h", "Int32"), ("activation", "Int8")]))
tflite_builder.OPERATORS.setdefault("L2_NORMALIZATION", (11, 12, [("activation", "Int8")]))

DTYPES = {"float32": np.float32, "int8": np.int8, "uint8": np.uint8}


def random_values(rng, dtype, count, low=None, high=None):
    if dtype == np.float32:
        return np.array([rng.uniform(-2, 2) for _ in range(count)], np.float32)
    info = np.iinfo(dtype)
    low = info.min if low is None else low
    high = info.max if high is None else high
    return np.array([rng.randint(low, high) for _ in range(count)], dtype)


def output_size(rng, size, kernel, stride, same):
    """An output length whose convolution back (kernel, stride, padding) gives `size`."""
    if same:
        return rng.randint((size - 1) * stride + 1, size * stride)
    return (size - 1) * stride + kernel + rng.randint(0, stride - 1)


def transpose_conv_case(rng, dtype):
    n, ih, iw = rng.choice([1, 1, 2]), rng.randint(1, 7), rng.randint(1, 7)
    ic, oc = rng.choice([1, 2, 3, 8, 16]), rng.choice([1, 3, 4, 8])
    kh, kw = rng.choice([1, 2, 3, 4, 5]), rng.choice([1, 2, 3, 4, 5])
    sh, sw = rng.choice([1, 2, 2, 3]), rng.choice([1, 2, 2, 3])
    same = rng.random() < 0.5
    oh, ow = output_size(rng, ih, kh, sh, same), output_size(rng, iw, kw, sw, same)
    activation, with_bias = rng.choice([0, 0, 1, 2, 3]), rng.random() < 0.7
    numpy_type = DTYPES[dtype]
    model = tflite_builder.TFLiteModel()
    shape = model.tensor("output_shape", [4], np.int32, data=np.array([n, oh, ow, oc], np.int32))
    w_count = oc * kh * kw * ic
    if dtype == "float32":
        x = model.tensor("x", [n, ih, iw, ic], np.float32)
        w = model.tensor("w", [oc, kh, kw, ic], np.float32,
                         data=random_values(rng, np.float32, w_count))
        b = model.tensor("b", [oc], np.float32, data=random_values(rng, np.float32, oc))
        y = model.tensor("y", [n, oh, ow, oc], np.float32)
    else:
        offset = 128 if dtype == "uint8" else 0
        in_scale = float(np.float32(rng.uniform(0.005, 0.1)))
        in_zp = rng.randint(-30, 30) + offset
        if dtype == "int8":
            w_scales = [float(np.float32(rng.uniform(0.002, 0.05))) for _ in range(oc)]
            w_zps, weights = [0] * oc, random_values(rng, np.int8, w_count, -127, 127)
        else:
            w_scales, w_zps = [float(np.float32(rng.uniform(0.002, 0.05)))], [rng.randint(80, 170)]
            weights = random_values(rng, np.uint8, w_count)
        out_scale = float(np.float32(in_scale * w_scales[0] * rng.uniform(10, 300)))
        x = model.tensor("x", [n, ih, iw, ic], numpy_type, scales=[in_scale], zero_points=[in_zp])
        w = model.tensor("w", [oc, kh, kw, ic], numpy_type, scales=w_scales, zero_points=w_zps,
                         axis=0, data=weights)
        bias_scales = [float(np.float32(in_scale * s)) for s in w_scales]
        b = model.tensor("b", [oc], np.int32, scales=bias_scales, zero_points=[0] * len(bias_scales),
                         data=random_values(rng, np.int32, oc, -20000, 20000))
        y = model.tensor("y", [n, oh, ow, oc], numpy_type, scales=[out_scale],
                         zero_points=[rng.randint(-20, 20) + offset])
    inputs = [shape, w, x] + ([b] if with_bias else [])
    model.operator("TRANSPOSE_CONV", 4 if activation else 3, inputs, [y], padding=0 if same else 1,
                   stride_w=sw, stride_h=sh, activation=activation)
    data = random_values(rng, numpy_type, n * ih * iw * ic).reshape(n, ih, iw, ic)
    summary = (f"{n}x{ih}x{iw}x{ic} -> {oh}x{ow}x{oc}, kernel {kh}x{kw}, stride {sh}x{sw}, "
               f"{'SAME' if same else 'VALID'}, activation {activation}, bias {with_bias}")
    return model.serialize([x], [y]), data, summary


def l2_normalization_case(rng, dtype, index):
    rank = rng.randint(1, 4)
    shape = [rng.choice([1, 2, 3]) for _ in range(rank - 1)] + [
        rng.choice([1, 2, 3, 8, 17, 64, 300])]
    numpy_type = DTYPES[dtype]
    model = tflite_builder.TFLiteModel()
    if dtype == "float32":
        x = model.tensor("x", shape, np.float32)
        y = model.tensor("y", shape, np.float32)
    else:
        offset = 128 if dtype == "uint8" else 0
        in_zp = rng.randint(-40, 40) + offset
        x = model.tensor("x", shape, numpy_type, scales=[float(np.float32(rng.uniform(0.01, 0.1)))],
                         zero_points=[in_zp])
        y = model.tensor("y", shape, numpy_type, scales=[1.0 / 128], zero_points=[offset])
    model.operator("L2_NORMALIZATION", 2, [x], [y], activation=0)
    count = int(np.prod(shape))
    data = random_values(rng, numpy_type, count).reshape(shape)
    if index % 5 == 0:  # rows of zeros (the zero point): TFLite's sum <= 1 case
        data[...] = 0 if dtype == "float32" else in_zp
    elif index % 5 == 1 and dtype != "float32":  # values next to the zero point: small sums
        data = np.clip(in_zp + np.array([rng.randint(-2, 2) for _ in range(count)]),
                       np.iinfo(numpy_type).min, np.iinfo(numpy_type).max).astype(
                           numpy_type).reshape(shape)
    return model.serialize([x], [y]), data, f"shape {shape}"


def convert_with_tf(function, input_shape, dtype, seed):
    """TensorFlow's converter on a concrete function (int8: full-integer quantization)."""
    import tensorflow as tf
    converter = tf.lite.TFLiteConverter.from_concrete_functions([function])
    data_rng = np.random.default_rng(seed)
    if dtype == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: (
            [data_rng.uniform(-1, 1, input_shape).astype(np.float32)] for _ in range(8))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
        return converter.convert(), data_rng.integers(-128, 128, input_shape).astype(np.int8)
    return converter.convert(), data_rng.uniform(-1, 1, input_shape).astype(np.float32)


def tf_transpose_conv_case(rng, dtype, index, seed):
    import tensorflow as tf
    h, w, c, filters = rng.randint(2, 6), rng.randint(2, 6), rng.choice([3, 8]), rng.choice([4, 8])
    kernel, stride = rng.choice([2, 3, 4]), rng.choice([1, 2])
    padding = rng.choice(["same", "valid"])
    activation = rng.choice([None, "relu", "relu6"])
    use_bias = rng.random() < 0.7
    shape = (1, h, w, c)
    if index % 2 == 0:
        layer = tf.keras.layers.Conv2DTranspose(filters, kernel, strides=stride, padding=padding,
                                                activation=activation, use_bias=use_bias)
        model = tf.keras.Sequential([tf.keras.Input(shape[1:], batch_size=1), layer])
        model.layers[-1].set_weights([np.asarray(v) * 1.0 for v in model.layers[-1].get_weights()])
        function = tf.function(model).get_concrete_function(tf.TensorSpec(shape, tf.float32))
        what = f"keras Conv2DTranspose {filters} {kernel}x{kernel} /{stride} {padding} {activation}"
    else:
        weights = tf.constant(np.random.default_rng(seed).uniform(
            -0.5, 0.5, (kernel, kernel, filters, c)).astype(np.float32))
        oh = h * stride if padding == "same" else (h - 1) * stride + kernel
        ow = w * stride if padding == "same" else (w - 1) * stride + kernel

        @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
        def conv(x):
            y = tf.nn.conv2d_transpose(x, weights, [1, oh, ow, filters], stride,
                                       padding=padding.upper())
            return tf.nn.relu(y) if activation == "relu" else y
        function = conv.get_concrete_function()
        what = f"tf.nn.conv2d_transpose {filters} {kernel}x{kernel} /{stride} {padding}"
    model_bytes, x = convert_with_tf(function, shape, dtype, seed)
    return model_bytes, x, what


def tf_l2_normalization_case(rng, dtype, seed):
    import tensorflow as tf
    shape = (1, rng.randint(1, 4), rng.choice([3, 16, 40]))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def normalize(x):
        return tf.math.l2_normalize(x, axis=-1)
    model_bytes, x = convert_with_tf(normalize.get_concrete_function(), shape, dtype, seed)
    return model_bytes, x, f"tf.math.l2_normalize {shape}"


def operators_in(model_bytes):
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_content=model_bytes)
    return sorted({d["op_name"] for d in interpreter._get_ops_details()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=30, help="models per operator and dtype")
    parser.add_argument("--tf-cases", type=int, default=8, help="TensorFlow models per kind")
    args, seed, work, rng = resize_cases.start_sweep(parser, "transpose_conv_cases")
    passed, failed = {}, 0
    jobs = [("transpose_conv", d, i, False) for d in DTYPES for i in range(args.cases)]
    jobs += [("l2_normalization", d, i, False) for d in DTYPES for i in range(args.cases)]
    jobs += [(kind, d, i, True) for kind in ("transpose_conv", "l2_normalization")
             for d in ("float32", "int8") for i in range(args.tf_cases)]
    for kind, dtype, index, from_tf in jobs:
        if from_tf and kind == "transpose_conv":
            model, x, what = tf_transpose_conv_case(rng, dtype, index, seed + index)
        elif from_tf:
            model, x, what = tf_l2_normalization_case(rng, dtype, seed + index)
        elif kind == "transpose_conv":
            model, x, what = transpose_conv_case(rng, dtype)
        else:
            model, x, what = l2_normalization_case(rng, dtype, index)
        name = f"{kind}_{dtype}_{'tf' if from_tf else 'b'}{index}"
        path = os.path.join(work, name + ".tflite")
        with open(path, "wb") as f:
            f.write(model)
        problem = None
        if from_tf and kind.upper() not in operators_in(model):
            problem = f"TensorFlow wrote no {kind.upper()}: {operators_in(model)}"
        problem = problem or resize_cases.check(path, x, args)
        if problem:
            print(f"{name} ({what}): {problem}", flush=True)
        failed += problem is not None
        key = f"{kind} {dtype}{' tf' if from_tf else ''}"
        passed[key] = passed.get(key, 0) + (problem is None)
    summary = ", ".join(f"{key} {count}" for key, count in passed.items())
    print(f"transpose_conv cases: {sum(passed.values())} identical, {failed} failed "
          f"(identical per kind: {summary}); {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
