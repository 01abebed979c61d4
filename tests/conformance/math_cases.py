"""Random single-operator TensorFlow models for the plain-value math operators (CAST, GATHER_ND,
DIV, FLOOR_DIV, FLOOR_MOD, SQRT, RSQRT, ABS, NEG, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, int32
ADD/SUB/MUL) against LiteRT. Each case is a tf.function over float32, int32,
int64, int8, uint8 or bool tensors, converted by tf.lite.TFLiteConverter without quantization;
LiteRT (resolver BUILTIN_REF by default) and lowbit-run (reference kernels by default) run the
same random inputs, and every output's bytes must be equal. Inputs include the edges where the
operators' C++ is delicate: NaN, infinities and out-of-range floats for CAST, negative operands
for FLOOR_DIV, negative inputs (NaN results) for SQRT/RSQRT.

  TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/conformance/math_cases.py [--cases 4]
      [--ops cast,gather_nd] [--seed N] [--kernel auto]

scripts/conformance.sh --math-cases builds the tools and runs this. Exit status 1 on any
difference, or when a case fails to convert or run in lowbit.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from datamove_cases import Tally, start_cases  # noqa: E402

CAST_TYPES = ("float32", "int32", "int64", "int8", "uint8", "bool")


def random_shape(rng, rank, low=1, high=5):
    return [rng.randint(low, high) for _ in range(rank)]


def broadcast_pair(rng):
    """Two shapes that broadcast (NumPy rules), ranks 0 to 4."""
    out = random_shape(rng, rng.randint(0, 4))
    a = [d if rng.random() < 0.7 else 1 for d in out]
    b = [d if rng.random() < 0.7 else 1 for d in out]
    return a[rng.randint(0, len(a)):] if rng.random() < 0.3 else a, \
        b[rng.randint(0, len(b)):] if rng.random() < 0.3 else b


def values(state, kind, dtype, shape):
    """Random inputs of `kind`: "any" (edges included), "divisor" (never zero), "small"."""
    if dtype == "bool":
        return np.asarray(state.integers(0, 2, shape), np.bool_).reshape(shape)
    if dtype == "float32":
        scale = state.choice([1, 10, 300])
        v = np.asarray(state.standard_normal(shape) * scale, np.float32).reshape(shape)
        if kind == "any" and v.size:
            edges = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 2.5e19, -0.0, 255.9, -128.7,
                              2147483520.0, -2147483648.0], np.float32)
            pick = np.asarray(state.random(shape) < 0.2)
            v[pick] = state.choice(edges, int(pick.sum()))
        if kind == "divisor":
            v[v == 0] = 1
        return v
    info = np.iinfo(dtype)
    if kind == "small" or (kind == "divisor" and state.random() < 0.7):
        v = np.asarray(state.integers(-20, 21, shape), dtype).reshape(shape)
    else:
        v = np.asarray(state.integers(info.min, info.max, shape, dtype=dtype, endpoint=True),
                       dtype).reshape(shape)
    if kind == "divisor":
        v[v == 0] = 3
    return v


def case_cast(rng, tf):
    source, target = rng.sample(CAST_TYPES, 2)
    shape = random_shape(rng, rng.randint(0, 3))
    return [(source, shape, "any")], lambda x: tf.cast(x, getattr(tf, target)), \
        f"{source}->{target} shape={shape}"


def case_gather_nd(rng, tf):
    dtype = rng.choice(CAST_TYPES)
    params = random_shape(rng, rng.randint(1, 4))
    depth = rng.randint(1, len(params))
    batch = random_shape(rng, rng.randint(0, 2), 1, 4)
    limits = params[:depth]
    return [(dtype, params, "any"), ("int32", batch + [depth], limits)], \
        lambda x, i: tf.gather_nd(x, i), f"{dtype} params={params} indices={batch + [depth]}"


def binary(name, dtypes):
    def case(rng, tf):
        dtype = rng.choice(dtypes)
        a, b = broadcast_pair(rng)
        relu = name == "div" and dtype == "float32" and rng.random() < 0.3
        ops = {"div": lambda x, y: tf.raw_ops.Div(x=x, y=y) if dtype == "int32" else x / y,
               "floor_div": lambda x, y: tf.math.floordiv(x, y),
               "int32_add": lambda x, y: x + y, "int32_sub": lambda x, y: x - y,
               "int32_mul": lambda x, y: x * y, "maximum": tf.maximum, "minimum": tf.minimum,
               "floor_mod": tf.math.floormod, "squared_difference": tf.math.squared_difference}
        relu = relu or (name.startswith("int32") and rng.random() < 0.3)

        def f(x, y):
            z = ops[name](x, y)
            return tf.nn.relu(z) if relu else z
        # float DIV takes any divisor (x / +-0 is clamped to +-FLT_MAX); the others refuse 0.
        divides = ("div" in name or "mod" in name) and not (name == "div" and dtype == "float32")
        second = "divisor" if divides else "any"
        first = "small" if dtype == "int32" and second == "divisor" else "any"
        return [(dtype, a, first), (dtype, b, second)], f, \
            f"{dtype} a={a} b={b} relu={relu}"
    return case


def unary(fn_name, dtypes=("float32",)):
    def case(rng, tf):
        shape = random_shape(rng, rng.randint(0, 4))
        dtype = rng.choice(dtypes)
        fn = {"sqrt": tf.sqrt, "rsqrt": tf.math.rsqrt, "abs": tf.abs, "neg": tf.negative}[fn_name]
        return [(dtype, shape, "any")], lambda x: fn(x), f"{dtype} shape={shape}"
    return case


CASES = {"cast": case_cast, "gather_nd": case_gather_nd,
         "div": binary("div", ["float32", "int32"]),
         "floor_div": binary("floor_div", ["float32", "int32"]),
         "sqrt": unary("sqrt"), "rsqrt": unary("rsqrt"),
         "int32_add": binary("int32_add", ["int32"]), "int32_sub": binary("int32_sub", ["int32"]),
         "int32_mul": binary("int32_mul", ["int32"]),
         "maximum": binary("maximum", ["float32", "int32", "int64"]),
         "minimum": binary("minimum", ["float32", "int32", "int64"]),
         "floor_mod": binary("floor_mod", ["float32", "int32"]),
         "squared_difference": binary("squared_difference", ["float32", "int32"]),
         "abs": unary("abs", ("float32", "int32")), "neg": unary("neg", ("float32", "int32"))}


def convert(tf, fn, specs):
    signature = [tf.TensorSpec(shape, getattr(tf, dtype)) for dtype, shape, _ in specs]
    concrete = tf.function(fn, input_signature=signature).get_concrete_function()
    return tf.lite.TFLiteConverter.from_concrete_functions([concrete]).convert()


def make_input(state):
    """datamove_cases.check's input drawing for this module's specs."""
    def draw(detail, spec):
        dtype, shape, kind = spec
        if isinstance(kind, list):  # GATHER_ND indices: column j within limit j
            return (state.random(tuple(shape)) * np.array(kind)).astype(np.int32)
        return values(state, kind, dtype, tuple(shape))
    return draw


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12, help="models per operator")
    parser.add_argument("--ops", default=",".join(CASES))
    args, work, rng = start_cases(parser, "math_cases")
    import tensorflow as tf
    tally = Tally()
    for op in args.ops.split(","):
        for index in range(args.cases):
            specs, fn, text = CASES[op](rng, tf)
            tally.run_case(os.path.join(work, f"{op}_{index}.tflite"),
                           lambda: (convert(tf, fn, specs), specs, text), args, rng, make_input)
    return tally.summary("math cases")

if __name__ == "__main__":
    sys.exit(main())
