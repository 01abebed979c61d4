"""Writes float_ops.tflite: one float32 model of the operators lowbit's own
element-wise and pooling kernels run (kernels/f32_elementwise_simd.h), at
MobileNet/QuickNet-like sizes, so `bench_model --enable_op_profiling` can time
them with `--float-kernels=own` beside `--float-kernels=xnnpack`
(docs/benchmarks.md). A benchmark input, not a test: the weights are random.

    TF_USE_LEGACY_KERAS=1 .venv/bin/python benchmarks/float_ops_model.py OUT.tflite
"""
import sys

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(1)
bias = tf.constant(rng.standard_normal(64).astype(np.float32))


@tf.function(input_signature=[tf.TensorSpec([1, 112, 112, 64], tf.float32)])
def model(x):
    m = tf.nn.max_pool2d(x, 3, 2, "SAME")  # MAX_POOL_2D 3x3/2 -> 56x56x64
    a = tf.nn.avg_pool2d(x, 2, 2, "VALID")  # AVERAGE_POOL_2D 2x2/2 -> 56x56x64
    s = tf.add(m, a)  # ADD, same shapes
    s = tf.nn.relu(tf.add(s, bias))  # ADD of a [C] vector, fused RELU
    g = tf.sigmoid(s)  # LOGISTIC
    h = s * tf.nn.relu6(s + 3.0) / 6.0  # HARD_SWISH (fused by the converter)
    p = tf.multiply(h, tf.reduce_mean(g, [1, 2], keepdims=True))  # MEAN, MUL by [N,1,1,C]
    d = tf.subtract(p, g)  # SUB
    q = tf.reduce_mean(d, [1, 2])  # MEAN -> [1, 64]
    return tf.nn.softmax(tf.tile(q, [1, 16]))  # SOFTMAX over 1024


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "float_ops.tflite"
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [model.get_concrete_function()], model)
    with open(out, "wb") as f:
        f.write(converter.convert())
