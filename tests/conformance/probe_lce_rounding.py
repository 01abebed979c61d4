"""Evidence for the LCE int8 network differences in docs/conformance.md (lce-builtin-int8):
recomputes every accumulator of a generated single-operator int8 model, FULLY_CONNECTED or a
CONV_2D / DEPTHWISE_CONV_2D with SAME padding, stride 1, no dilation and depth multiplier 1
(int8_conv_3x3_s1_same, the default; int8_dwconv_3x3_s1_same; int8_fc_64_to_10)
and counts how often three rescaling rules disagree with LCE's interpreter:

  tflite_reference  saturating rounding doubling high multiply, then round half away from zero
  single_rounding   (acc * M + 2^(30-e)) >> (31-e)
  srshl             the doubling high multiply, then a rounding right shift rounding halves up
                    (ARM's SQRDMULH + SRSHL; what LCE's builtin CONV_2D, DEPTHWISE_CONV_2D and
                    FULLY_CONNECTED do)

  .venv/bin/python tests/conformance/probe_lce_rounding.py [MODEL] [--inputs N]
      [--output-scale-divisor F]

--output-scale-divisor F runs a copy of the model whose output scale is divided by F, so the
multipliers grow by F: F = 400 puts most products on halves before a right shift of one, and
F = 4000 or 100000 makes every multiplier exceed 1 (left shifts of 2 and 7 on the default
model). The inputs are then the zero point with 5% of elements moved by at most 3, so that
outputs stay inside the int8 range.
"""
import argparse
import math
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def quantize_multiplier(real):
    q, e = math.frexp(real)
    m = int(round(q * (1 << 31)))
    if m == 1 << 31:
        m, e = m // 2, e + 1
    return m, e


def high_multiply(a, m):  # gemmlowp's SaturatingRoundingDoublingHighMul (no saturation needed here)
    v = a * m + ((1 << 30) if a * m >= 0 else 1 - (1 << 30))
    return v // (1 << 31) if v >= 0 else -((-v) // (1 << 31))


def rescale(rule, acc, m, e):
    if rule == "single_rounding":
        return (acc * m + (1 << (30 - e))) >> (31 - e)
    v, right = high_multiply(acc * (1 << max(e, 0)), m), max(-e, 0)
    if right == 0:
        return v
    if rule == "srshl":
        return (v + (1 << (right - 1))) >> right
    mask = (1 << right) - 1
    return (v >> right) + (1 if (v & mask) > (mask >> 1) + (1 if v < 0 else 0) else 0)


def scaled_output_copy(model_path, divisor):
    """A temporary copy of the model with its output scale divided by divisor."""
    interpreter = harness.LiteRTOracle(model_path, reference=True).interpreter
    out_scale = interpreter.get_output_details()[0]["quantization"][0]
    with open(model_path, "rb") as f:
        data = f.read()
    old = np.float32(out_scale).tobytes()
    if data.count(old) != 1:
        sys.exit(f"{model_path}: the output scale's bytes occur {data.count(old)} times, cannot patch")
    handle, path = tempfile.mkstemp(suffix=".tflite")
    with os.fdopen(handle, "wb") as f:
        f.write(data.replace(old, np.float32(out_scale / divisor).tobytes()))
    return path


def sparse_input(rng, dtype, shape, zero_point):
    info = np.iinfo(dtype)
    x = np.full(shape, zero_point, np.int64)
    moved = rng.random(shape) < 0.05
    x[moved] += rng.integers(-3, 4, int(moved.sum()))
    return np.clip(x, info.min, info.max).astype(dtype)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", default=os.path.join(
        harness.ROOT, "tests", "conformance", "fixtures", "models", "int8_conv_3x3_s1_same.tflite"))
    parser.add_argument("--inputs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--output-scale-divisor", type=float, default=None)
    args = parser.parse_args()
    if args.output_scale_divisor:
        args.model = scaled_output_copy(args.model, args.output_scale_divisor)

    lce = harness.LCEOracle(args.model)
    interpreter = harness.LiteRTOracle(args.model, reference=True).interpreter
    op = next(op for op in interpreter._get_ops_details()
              if op["op_name"] in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"))
    kind = op["op_name"]
    tensors = {d["index"]: d for d in interpreter.get_tensor_details()}
    x_index, w_index, b_index = op["inputs"]
    weights = interpreter.get_tensor(w_index).astype(np.int64)
    bias = interpreter.get_tensor(b_index).astype(np.int64) if b_index >= 0 else 0
    in_scale, in_zero = tensors[x_index]["quantization"]
    out_scale, out_zero = tensors[op["outputs"][0]]["quantization"]
    w_scales = tensors[w_index]["quantization_parameters"]["scales"]
    channels = weights.shape[0] if kind != "DEPTHWISE_CONV_2D" else weights.shape[3]

    def multiplier(c):
        if len(w_scales) == 1 and kind == "FULLY_CONNECTED":  # per-tensor FC: in*w in float
            return quantize_multiplier(np.float64(np.float32(in_scale) * np.float32(w_scales[0]))
                                       / np.float64(out_scale))
        w = w_scales[c if len(w_scales) > 1 else 0]
        return quantize_multiplier(np.float64(in_scale) * np.float64(w) / np.float64(out_scale))

    def accumulators(x):
        """int64 accumulators, last axis the output channel."""
        centered = x.astype(np.int64) - in_zero
        if kind == "FULLY_CONNECTED":
            return centered.reshape(-1, weights.shape[1]) @ weights.T + bias
        kh, kw = (weights.shape[1:3])
        height, width = x.shape[1:3]
        padded = np.zeros((height + kh - 1, width + kw - 1, x.shape[3]), np.int64)  # SAME, stride 1
        padded[kh // 2:kh // 2 + height, kw // 2:kw // 2 + width] = centered[0]
        acc = np.zeros((height, width, channels), np.int64)
        for i in range(kh):
            for j in range(kw):
                window = padded[i:i + height, j:j + width]
                acc += window * weights[0, i, j] if kind == "DEPTHWISE_CONV_2D" else window @ weights[:, i, j].T
        return acc + bias

    multipliers = [multiplier(c) for c in range(channels)]
    exponents = sorted({e for _, e in multipliers})
    rules = ["tflite_reference", "single_rounding", "srshl"]
    wrong = dict.fromkeys(rules, 0)
    total = 0
    rng = np.random.default_rng(args.seed)
    (dtype, shape, _), = lce.input_specs()
    unsaturated = 0
    for _ in range(args.inputs):
        x = (sparse_input(rng, dtype, shape, in_zero) if args.output_scale_divisor
             else harness.random_input(rng, dtype, shape))
        acc = accumulators(x).reshape(-1, channels)
        expected = lce.run([x])[0].reshape(-1, channels)
        unsaturated += int(((expected > -128) & (expected < 127)).sum())
        for index in np.ndindex(acc.shape):
            m, e = multipliers[index[1]]
            total += 1
            for rule in rules:
                got = min(max(rescale(rule, int(acc[index]), m, e) + out_zero, -128), 127)
                wrong[rule] += got != int(expected[index])
    name = os.path.basename(args.model)
    if args.output_scale_divisor:
        name = f"{os.path.basename(parser.parse_args().model)} (output scale / {args.output_scale_divisor:g})"
        os.remove(args.model)
    print(f"{name}: {total} outputs under LCE's interpreter ({unsaturated} inside (-128, 127)), "
          f"multiplier exponents {exponents}; rules disagreeing: "
          + ", ".join(f"{rule} {wrong[rule]}" for rule in rules))


if __name__ == "__main__":
    main()
