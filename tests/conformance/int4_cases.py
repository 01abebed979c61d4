"""W4A8 FULLY_CONNECTED and CONV_2D: TFLite models with INT4 weights (TensorType 17, two values a
byte, low nibble first), written by tflite_builder.py (TensorFlow's converter does not emit INT4
for these builtins), over batch rows, odd and even weight counts, per-channel and per-tensor
scales, strides, dilation, SAME/VALID padding, fused RELU/RELU6, with a bias (FULLY_CONNECTED also
without: LiteRT's quantized CONV_2D needs one).
lowbit's output bytes must equal those of LiteRT's reference kernels (BUILTIN_REF), which unpack
INT4 filters to int8 before running its int8 kernels, under profile tflite_reference, on the
kernel sets given (default: reference and auto).

  .venv/bin/python tests/conformance/int4_cases.py [--cases 12] [--inputs 3] [--seed N]
      [--kernel reference,auto] [--build-dir build]

scripts/conformance.sh --int4-cases builds the tools and runs this. Exit status 1 on any
difference.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import resize_cases  # noqa: E402  (start_sweep() serves every sweep)
import tflite_builder as tb  # noqa: E402
from lowbit_tools import machine  # noqa: E402

ACTIVATIONS = {0: "none", 1: "relu", 3: "relu6"}


def quantization(rng, taps, channels, per_channel):
    """(input scale, weight scales, output scale) spreading outputs over the int8 range."""
    input_scale = float(rng.uniform(0.005, 0.1))
    weight_scales = [float(rng.uniform(0.02, 0.3)) for _ in range(channels if per_channel else 1)]
    output_scale = input_scale * weight_scales[0] * 10.0 * np.sqrt(taps) * rng.uniform(0.5, 3.0)
    return input_scale, weight_scales, float(output_scale)


def layer_model(rng, kind, index):
    """(tflite bytes, input shape, description) of one random INT4 layer."""
    m = tb.TFLiteModel()
    activation = [0, 1, 3][index % 3]
    per_channel = index % 2 == 0
    # LiteRT's quantized CONV_2D refuses to prepare without a bias (conv.cc: has_bias), int8
    # filters as well; only FULLY_CONNECTED cases go without one.
    with_bias = index % 4 != 3 or kind == "conv"
    if kind == "fully_connected":
        batch, k, oc = rng.choice([1, 1, 2, 3]), int(rng.integers(1, 48)), int(rng.integers(1, 24))
        in_shape, w_shape, out_shape, taps = [batch, k], [oc, k], [batch, oc], k
        what = f"FULLY_CONNECTED batch {batch} K {k} OC {oc}"
    else:
        c, oc = int(rng.integers(1, 10)), int(rng.integers(1, 20))
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        stride_h, stride_w = int(rng.integers(1, 3)), int(rng.integers(1, 4))
        dilation = (1, 1) if index % 5 != 4 else (int(rng.integers(1, 3)), 2)
        padding = [tb.SAME, tb.VALID][int(rng.integers(0, 2))]
        h = int(rng.integers(dilation[0] * (kh - 1) + 1, 10))
        w = int(rng.integers(dilation[1] * (kw - 1) + 1, 10))
        n = rng.choice([1, 1, 2])
        if padding == tb.SAME:
            oh, ow = -(-h // stride_h), -(-w // stride_w)
        else:
            oh = (h - dilation[0] * (kh - 1) - 1) // stride_h + 1
            ow = (w - dilation[1] * (kw - 1) - 1) // stride_w + 1
        in_shape, w_shape, out_shape = [n, h, w, c], [oc, kh, kw, c], [n, oh, ow, oc]
        taps = kh * kw * c
        what = (f"CONV_2D input {in_shape} filter {w_shape} stride {stride_h}x{stride_w} "
                f"dilation {dilation[0]}x{dilation[1]} {'SAME' if padding == tb.SAME else 'VALID'}")
    channels = w_shape[0]
    in_scale, w_scales, out_scale = quantization(rng, taps, channels, per_channel)
    in_zp, out_zp = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
    x = m.tensor("input", in_shape, np.int8, [in_scale], [in_zp])
    weights = rng.integers(-8, 8, w_shape)
    w = m.int4_constant("weights", weights, w_scales)
    inputs = [x, w]
    if with_bias:
        bias_scales = [in_scale * s for s in w_scales]
        inputs.append(m.tensor("bias", [channels], np.int32, bias_scales, [0] * len(bias_scales),
                               data=rng.integers(-3000, 3001, channels)))
    else:
        inputs.append(-1)  # an absent optional input
    y = m.tensor("output", out_shape, np.int8, [out_scale], [out_zp])
    if kind == "fully_connected":
        m.operator("FULLY_CONNECTED", 1, inputs, [y], activation=activation)
    else:
        m.operator("CONV_2D", 1, inputs, [y], padding=padding, stride_w=stride_w,
                   stride_h=stride_h, activation=activation, dilation_w=dilation[1],
                   dilation_h=dilation[0])
    what += (f" {'per-channel' if per_channel else 'per-tensor'} {ACTIVATIONS[activation]}"
             f" bias {with_bias} ({weights.size} weights)")
    return m.serialize([x], [y]), in_shape, what


def check(path, in_shape, args, rng):
    """None when lowbit's output bytes equal LiteRT's on every input and kernel set."""
    try:
        oracle = harness.LiteRTOracle(path, reference=True)
    except (RuntimeError, ValueError) as refused:
        return "LITERT REFUSED: " + str(refused).splitlines()[0]
    lbm = path[:-len(".tflite")] + ".lbm"
    error = harness.convert(path, lbm, args.build_dir)
    if error:
        return "CONVERT FAILED: " + error.splitlines()[0]
    for _ in range(args.inputs):
        x = harness.random_input(rng, np.int8, in_shape)
        expected = oracle.run([x])[0]
        for kernel in args.kernel.split(","):
            try:
                got = harness.run_lowbit(lbm, [x], oracle.output_specs(), "tflite_reference",
                                         args.build_dir, kernel, threads=args.threads)[0]
            except RuntimeError as failure:
                return f"RUN FAILED ({kernel}): {failure}"
            if expected.tobytes() != got.tobytes():
                differ = int(np.sum(expected != got))
                return f"MISMATCH ({kernel}): {differ} of {expected.size} elements differ"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12, help="models per operator")
    parser.add_argument("--inputs", type=int, default=3, help="random inputs per model")
    parser.add_argument("--threads", type=int, default=1, help="lowbit threads")
    sys.argv += [] if any(a.startswith("--kernel") for a in sys.argv) else ["--kernel",
                                                                             "reference,auto"]
    args, seed, work, _ = resize_cases.start_sweep(parser, "int4_cases")
    rng = np.random.default_rng(seed)
    identical = {}
    for kind in ("fully_connected", "conv"):
        identical[kind] = 0
        for index in range(args.cases):
            model, in_shape, what = layer_model(rng, kind, index)
            path = os.path.join(work, f"{kind}_{index}.tflite")
            with open(path, "wb") as f:
                f.write(model)
            problem = check(path, in_shape, args, rng)
            if problem:
                print(f"{kind}_{index} ({what}): {problem}", flush=True)
            identical[kind] += problem is None
    counts = ", ".join(f"{kind} {count}/{args.cases}" for kind, count in identical.items())
    print(f"int4 cases identical: {counts}; {machine()}")
    return 0 if sum(identical.values()) == args.cases * len(identical) else 1


if __name__ == "__main__":
    sys.exit(main())
