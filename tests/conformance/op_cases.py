"""Random single-operator models against LiteRT: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, ADD, SUB and MUL, int8 and uint8, with random shapes,
strides, dilations, paddings, broadcasts, activations and per-tensor or per-channel scales in two
regimes (powers of two, and arbitrary). Each model is written with tflite_builder.py, run once by LiteRT (resolver
BUILTIN_REF: TFLite's reference kernels; AUTO: the default XNNPACK path) and by lowbit-run
(reference kernels by default), and the output bytes must be equal.

  .venv/bin/python tests/conformance/op_cases.py [--cases 25] [--resolver BUILTIN_REF]
      [--profile P] [--kinds conv,fc,add,sub] [--dtypes int8] [--seed N] [--kernel auto]

scripts/conformance.sh --op-cases builds the tools and runs this. The profile follows the
resolver (BUILTIN_REF: tflite_reference; AUTO: xnnpack_fp32, int8 only, since LiteRT runs part
of the uint8 models outside XNNPACK). Exit status 1 on any difference.
"""
import argparse
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import machine  # noqa: E402
from tflite_builder import SAME, VALID, TFLiteModel  # noqa: E402

KINDS = ("conv", "dw", "fc", "avgpool", "maxpool", "mean", "add", "sub", "mul")
DTYPES = {"int8": (np.int8, -128, 127), "uint8": (np.uint8, 0, 255)}
PROFILE_OF = {"BUILTIN_REF": "tflite_reference", "AUTO": "xnnpack_fp32"}


def f32(value):
    return float(np.float32(value))


def weighted_scales(rng, taps, channels):
    """Input scale, weight scales, output scale: powers of two (3 in 10) or arbitrary, with the
    output scale near what the accumulator spread needs."""
    if rng.randint(0, 9) < 3:
        in_scale = 2.0 ** -rng.randint(2, 7)
        weights = [2.0 ** -rng.randint(3, 9) for _ in range(channels)]
        out_scale = in_scale * weights[0] * 2.0 ** (round(np.log2(100 * np.sqrt(taps)))
                                                    + rng.randint(-2, 1))
    else:
        in_scale = rng.uniform(0.005, 0.1)
        weights = [rng.uniform(0.002, 0.02) for _ in range(channels)]
        out_scale = in_scale * weights[0] * rng.uniform(20, 200) * np.sqrt(taps)
    return f32(in_scale), [f32(w) for w in weights], f32(out_scale)


def values(rng, dtype, count, low=None):
    numpy_type, lo, hi = DTYPES[dtype]
    return np.array([rng.randint(lo if low is None else low, hi) for _ in range(count)], numpy_type)


def weighted_layer(rng, dtype, model, in_shape, w_shape, axis, out_shape, taps):
    """Input, weight, bias and output tensors of a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED;
    returns their indices and the input data."""
    numpy_type, lo, hi = DTYPES[dtype]
    channels = w_shape[axis]
    per_channel = dtype == "int8" and rng.randint(0, 1) == 1
    in_scale, w_scales, out_scale = weighted_scales(rng, taps, channels if per_channel else 1)
    in_zp, out_zp = rng.randint(lo, hi), rng.randint(lo, hi)
    w_zp = rng.randint(0, 255) if dtype == "uint8" else 0
    x = values(rng, dtype, int(np.prod(in_shape)))
    weights = values(rng, dtype, int(np.prod(w_shape)), low=lo if dtype == "uint8" else -127)
    if dtype == "uint8" and rng.randint(0, 1) == 1:
        # Every w - zw within int8: the drivers' shifted-weights form (the full
        # range above takes their row-sum / split-tap forms, src/ops/legacy_uint8.h).
        weights = np.array([rng.randint(max(0, w_zp - 128), min(255, w_zp + 127))
                            for _ in range(weights.size)], np.uint8)
    bias = np.array([rng.randint(-30000, 30000) for _ in range(channels)], np.int32)
    tensors = [
        model.tensor("x", in_shape, numpy_type, [in_scale], [in_zp]),
        model.tensor("w", w_shape, numpy_type, w_scales, [w_zp] * len(w_scales), axis, weights),
        model.tensor("b", [channels], np.int32, [in_scale * s for s in w_scales],
                     [0] * len(w_scales), 0, bias),
        model.tensor("y", out_shape, numpy_type, [out_scale], [out_zp]),
    ]
    return tensors, x


def out_size(size, kernel, stride, dilation, same):
    extent = (kernel - 1) * dilation + 1
    return (size + stride - 1) // stride if same else (size - extent) // stride + 1


def conv_case(rng, dtype, depthwise):
    model, u8 = TFLiteModel(), dtype == "uint8"
    n, c = rng.randint(1, 2), rng.randint(1, 6)
    kh, kw, sh, sw, dh, dw = (rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 2),
                              rng.randint(1, 2), rng.randint(1, 2), rng.randint(1, 2))
    same = rng.randint(0, 1) == 1
    h, w = rng.randint((kh - 1) * dh + 1, 9), rng.randint((kw - 1) * dw + 1, 9)
    oh, ow = out_size(h, kh, sh, dh, same), out_size(w, kw, sw, dw, same)
    options = dict(padding=SAME if same else VALID, stride_w=sw, stride_h=sh,
                   activation=rng.randint(0, 3), dilation_w=dw, dilation_h=dh)
    if depthwise:
        multiplier = rng.randint(1, 3)
        oc = c * multiplier
        (x_t, w_t, b_t, y_t), x = weighted_layer(rng, dtype, model, [n, h, w, c], [1, kh, kw, oc],
                                                 3, [n, oh, ow, oc], kh * kw)
        model.operator("DEPTHWISE_CONV_2D", 1 if u8 else 3, [x_t, w_t, b_t], [y_t],
                       depth_multiplier=multiplier, **options)
    else:  # TFLite's CONV_2D has no groups
        oc = rng.randint(1, 5)
        (x_t, w_t, b_t, y_t), x = weighted_layer(rng, dtype, model, [n, h, w, c], [oc, kh, kw, c],
                                                 0, [n, oh, ow, oc], kh * kw * c)
        model.operator("CONV_2D", 1 if u8 else 3, [x_t, w_t, b_t], [y_t], **options)
    return model.serialize([x_t], [y_t]), x


def fc_case(rng, dtype):
    model = TFLiteModel()
    batch, k, oc = rng.randint(1, 4), rng.randint(1, 40), rng.randint(1, 12)
    (x_t, w_t, b_t, y_t), x = weighted_layer(rng, dtype, model, [batch, k], [oc, k], 0,
                                             [batch, oc], k)
    model.operator("FULLY_CONNECTED", 1 if dtype == "uint8" else 4, [x_t, w_t, b_t], [y_t],
                   activation=rng.randint(0, 3), keep_num_dims=False)
    return model.serialize([x_t], [y_t]), x


def pool_case(rng, dtype, kind):
    model, (numpy_type, lo, hi) = TFLiteModel(), DTYPES[dtype]
    n, c, fh, fw = rng.randint(1, 2), rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 4)
    sh, sw, same = rng.randint(1, 3), rng.randint(1, 3), rng.randint(0, 1) == 1
    h, w = rng.randint(1 if same else fh, 9), rng.randint(1 if same else fw, 9)
    scale, zp = f32(rng.uniform(0.005, 0.1)), rng.randint(lo, hi)
    x = values(rng, dtype, n * h * w * c)
    out = [n, out_size(h, fh, sh, 1, same), out_size(w, fw, sw, 1, same), c]
    x_t = model.tensor("x", [n, h, w, c], numpy_type, [scale], [zp])
    y_t = model.tensor("y", out, numpy_type, [scale], [zp])
    model.operator("AVERAGE_POOL_2D" if kind == "avgpool" else "MAX_POOL_2D",
                   1 if dtype == "uint8" else 2, [x_t], [y_t], padding=SAME if same else VALID,
                   stride_w=sw, stride_h=sh, filter_width=fw, filter_height=fh,
                   activation=rng.randint(0, 3))
    return model.serialize([x_t], [y_t]), x


def mean_case(rng, dtype):
    model, (numpy_type, lo, hi) = TFLiteModel(), DTYPES[dtype]
    n, h, w, c = rng.randint(1, 2), rng.randint(1, 7), rng.randint(1, 7), rng.randint(1, 6)
    if rng.randint(0, 2) == 0:
        in_scale, out_scale = 2.0 ** -rng.randint(1, 6), 2.0 ** -rng.randint(1, 6)
    else:
        in_scale = f32(rng.uniform(0.005, 0.1))
        out_scale = f32(in_scale * rng.uniform(0.2, 3))
    x = values(rng, dtype, n * h * w * c)
    x_t = model.tensor("x", [n, h, w, c], numpy_type, [in_scale], [rng.randint(lo, hi)])
    axes = model.tensor("axes", [2], np.int32, data=np.array([1, 2], np.int32))
    y_t = model.tensor("y", [n, 1, 1, c], numpy_type, [out_scale], [rng.randint(lo, hi)])
    model.operator("MEAN", 1 if dtype == "uint8" else 2, [x_t, axes], [y_t], keep_dims=True)
    return model.serialize([x_t], [y_t]), x


def broadcast_shapes(rng):
    """Two input shapes of rank up to 4 and their NumPy broadcast: each input keeps a dimension
    of a full shape or has 1 there, and may drop leading dimensions. Inner sizes up to 40
    reach the SIMD loops and their remainders."""
    rank = rng.randint(1, 4)
    full = [rng.randint(1, 4) for _ in range(rank - 1)] + [rng.randint(1, 40)]

    def one_input():
        shape = [d if rng.randint(0, 2) else 1 for d in full]
        return shape[rng.randint(0, rank - 1):] if rng.randint(0, 3) == 0 else shape
    a, b = one_input(), one_input()
    return list(np.broadcast_shapes(tuple(a), tuple(b))), a, b


def elementwise_scales(rng, kind):
    """Scales of a, b and the output: powers of two (3 in 10) or arbitrary; the output scale
    sometimes far from the inputs' (rescales far above or below 1, saturating outputs)."""
    if rng.randint(0, 9) < 3:
        sa, sb = 2.0 ** -rng.randint(1, 9), 2.0 ** -rng.randint(1, 9)
    else:
        sa, sb = rng.uniform(0.001, 0.2), rng.uniform(0.001, 0.2)
    base = sa * sb * 128 if kind == "mul" else max(sa, sb)
    spread = rng.choice([rng.uniform(0.5, 3), rng.uniform(0.02, 0.5), rng.uniform(3, 200)])
    return f32(sa), f32(sb), f32(base * spread)


def binary_case(rng, dtype, kind):
    """ADD, SUB or MUL of two inputs (sometimes b constant), NumPy broadcast."""
    model, (numpy_type, lo, hi) = TFLiteModel(), DTYPES[dtype]
    out, a_shape, b_shape = broadcast_shapes(rng)
    scales = elementwise_scales(rng, kind)
    # Zero points anywhere, the limits included.
    zps = [rng.choice([lo, hi, rng.randint(lo, hi)]) for _ in range(3)]
    a = values(rng, dtype, int(np.prod(a_shape)))
    b = values(rng, dtype, int(np.prod(b_shape)))
    b_constant = rng.randint(0, 4) == 0
    a_t = model.tensor("a", a_shape, numpy_type, [scales[0]], [zps[0]])
    b_t = model.tensor("b", b_shape, numpy_type, [scales[1]], [zps[1]],
                       data=b if b_constant else None)
    y_t = model.tensor("y", out, numpy_type, [scales[2]], [zps[2]])
    options = dict(activation=rng.randint(0, 3))
    if kind != "mul":
        options["pot_scale_int16"] = False
    model.operator(kind.upper(), 1 if dtype == "uint8" else 2, [a_t, b_t], [y_t], **options)
    if b_constant:
        return model.serialize([a_t], [y_t]), [a]
    return model.serialize([a_t, b_t], [y_t]), [a, b]


def make_case(rng, kind, dtype):
    if kind in ("add", "sub", "mul"):
        return binary_case(rng, dtype, kind)
    if kind in ("conv", "dw"):
        return conv_case(rng, dtype, depthwise=kind == "dw")
    if kind == "fc":
        return fc_case(rng, dtype)
    if kind in ("avgpool", "maxpool"):
        return pool_case(rng, dtype, kind)
    return mean_case(rng, dtype)


def litert_output(model_path, inputs, resolver):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interpreter = Interpreter(model_path=model_path,
                              experimental_op_resolver_type=getattr(OpResolverType, resolver))
    interpreter.allocate_tensors()
    for detail, x in zip(interpreter.get_input_details(), inputs):
        interpreter.set_tensor(detail["index"], x.reshape(detail["shape"]))
    interpreter.invoke()
    out = interpreter.get_output_details()[0]
    return interpreter.get_tensor(out["index"]).copy(), (out["dtype"], tuple(out["shape"]))


def lowbit_output(path, inputs, spec, args):
    """Converts and runs the case in lowbit: (outputs, None), or (None, what went wrong)."""
    lbm = path[:-len(".tflite")] + ".lbm"
    error = harness.convert(path, lbm, args.build_dir)
    if error:
        return None, "CONVERT FAILED: " + error.splitlines()[0]
    try:
        return harness.run_lowbit(lbm, inputs, [spec], args.profile, args.build_dir,
                                  args.kernel), None
    except RuntimeError as failure:
        return None, f"RUN FAILED: {failure}"


def check_case(path, inputs, args):
    """None when lowbit's output bytes equal LiteRT's, else what went wrong."""
    expected, spec = litert_output(path, inputs, args.resolver)
    got, problem = lowbit_output(path, inputs, spec, args)
    if problem:
        return problem
    comparison = harness.Comparison(exact=True)
    comparison.add([expected], got, 0)
    if comparison.mismatches == 0:
        return None
    return (f"MISMATCH: {comparison.mismatches} of {comparison.elements} elements, "
            f"max abs diff {comparison.max_abs_diff:g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=25, help="models per operator and dtype")
    parser.add_argument("--resolver", default="BUILTIN_REF",
                        help="LiteRT OpResolverType: BUILTIN_REF, AUTO, BUILTIN, "
                             "BUILTIN_WITHOUT_DEFAULT_DELEGATES")
    parser.add_argument("--profile", help="lowbit profile (default: the resolver's)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--dtypes", help="int8,uint8 (AUTO: int8)")
    parser.add_argument("--seed", type=int, help="case seed (default: time-based)")
    parser.add_argument("--kernel", default="reference", help="lowbit kernel set")
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--work-dir", help="where the cases go (default BUILD/conformance/op_cases)")
    args = parser.parse_args()
    args.profile = args.profile or PROFILE_OF.get(args.resolver, "tflite_reference")
    dtypes = (args.dtypes or ("int8" if args.resolver == "AUTO" else "int8,uint8")).split(",")
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    work = args.work_dir or os.path.join(args.build_dir, "conformance", "op_cases")
    os.makedirs(work, exist_ok=True)
    print(f"op cases: seed {seed} (rerun with --seed {seed}), LiteRT {args.resolver} against "
          f"profile {args.profile}, lowbit kernels {args.kernel}, cases in {work}", flush=True)
    rng = random.Random(seed)
    passed = failed = 0
    for kind in args.kinds.split(","):
        for dtype in dtypes:
            for index in range(args.cases):
                model, inputs = make_case(rng, kind, dtype)
                path = os.path.join(work, f"{kind}_{dtype}_{index}.tflite")
                with open(path, "wb") as f:
                    f.write(model)
                problem = check_case(path, inputs if isinstance(inputs, list) else [inputs],
                                     args)
                if problem:
                    print(f"{os.path.basename(path)}: {problem}", flush=True)
                failed += problem is not None
                passed += problem is None
    print(f"op cases: {passed} identical, {failed} failed; {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
