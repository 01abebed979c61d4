"""Evidence for the LCE int8 network differences in docs/conformance.md (lce-builtin-int8):
recomputes every accumulator of a generated single CONV_2D or DEPTHWISE_CONV_2D int8 model (SAME
padding, stride 1, no dilation, depth multiplier 1: int8_conv_3x3_s1_same, the default, or
int8_dwconv_3x3_s1_same)
and counts how often three rescaling rules disagree with LCE's interpreter:

  tflite_reference  saturating rounding doubling high multiply, then round half away from zero
  single_rounding   (acc * M + 2^(30-e)) >> (31-e)
  srshl             the doubling high multiply, then a rounding right shift rounding halves up
                    (ARM's SQRDMULH + SRSHL; what LCE's builtin CONV_2D does)

  .venv/bin/python tests/conformance/probe_lce_conv_rounding.py [MODEL] [--inputs N]
"""
import argparse
import math
import os
import sys

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", default=os.path.join(
        harness.ROOT, "tests", "conformance", "fixtures", "models", "int8_conv_3x3_s1_same.tflite"))
    parser.add_argument("--inputs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    lce = harness.LCEOracle(args.model)
    interpreter = harness.LiteRTOracle(args.model, reference=True).interpreter
    conv = next(op for op in interpreter._get_ops_details()
                if op["op_name"] in ("CONV_2D", "DEPTHWISE_CONV_2D"))
    depthwise = conv["op_name"] == "DEPTHWISE_CONV_2D"
    tensors = {d["index"]: d for d in interpreter.get_tensor_details()}
    x_index, w_index, b_index = conv["inputs"]
    weights = interpreter.get_tensor(w_index).astype(np.int64)
    bias = interpreter.get_tensor(b_index).astype(np.int64)
    in_scale, in_zero = tensors[x_index]["quantization"]
    out_scale, out_zero = tensors[conv["outputs"][0]]["quantization"]
    w_scales = tensors[w_index]["quantization_parameters"]["scales"]
    multipliers = [quantize_multiplier(np.float64(in_scale) * np.float64(s) / np.float64(out_scale))
                   for s in w_scales]
    kh, kw = weights.shape[1:3]
    rules = ["tflite_reference", "single_rounding", "srshl"]
    wrong = dict.fromkeys(rules, 0)
    total = 0
    rng = np.random.default_rng(args.seed)
    (dtype, shape, _), = lce.input_specs()
    for _ in range(args.inputs):
        x = harness.random_input(rng, dtype, shape)
        expected = lce.run([x])[0]
        height, width = x.shape[1:3]
        padded = np.zeros((height + kh - 1, width + kw - 1, x.shape[3]), np.int64)  # SAME, stride 1
        padded[kh // 2:kh // 2 + height, kw // 2:kw // 2 + width] = x[0].astype(np.int64) - in_zero
        for c, (m, e) in enumerate(multipliers):
            for i in range(height):
                for j in range(width):
                    patch = padded[i:i + kh, j:j + kw]
                    acc = int(((patch[:, :, c] * weights[0, :, :, c]) if depthwise
                               else (patch * weights[c])).sum() + bias[c])
                    total += 1
                    for rule in rules:
                        got = min(max(rescale(rule, acc, m, e) + out_zero, -128), 127)
                        wrong[rule] += got != int(expected[0, i, j, c])
    print(f"{os.path.basename(args.model)}: {total} outputs under LCE's interpreter; rules disagreeing: "
          + ", ".join(f"{rule} {wrong[rule]}" for rule in rules))


if __name__ == "__main__":
    main()
