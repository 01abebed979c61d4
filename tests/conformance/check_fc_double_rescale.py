"""Evidence for the FULLY_CONNECTED difference in docs/conformance.md: recomputes a generated
FC model's output with the double rescale round(acc · in_s · w_s[c] / out_s) (half away from
zero) and counts how often it, and lowbit's tflite_reference profile, disagree with LiteRT's
reference kernel.

  .venv/bin/python tests/conformance/check_fc_double_rescale.py MODEL.tflite [--inputs N] [--build-dir DIR]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a single FULLY_CONNECTED int8 model (int8_fc_64_to_10.tflite)")
    parser.add_argument("--inputs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    args = parser.parse_args()

    oracle = harness.LiteRTOracle(args.model, reference=True)
    interpreter = oracle.interpreter
    tensors = {d["index"]: d for d in interpreter.get_tensor_details()}
    fc = next(op for op in interpreter._get_ops_details() if op["op_name"] == "FULLY_CONNECTED")
    x_index, w_index, b_index = fc["inputs"]
    weights = interpreter.get_tensor(w_index).astype(np.int64)
    bias = interpreter.get_tensor(b_index).astype(np.int64) if b_index >= 0 else 0
    in_scale, in_zero = tensors[x_index]["quantization"]
    w_scales = tensors[w_index]["quantization_parameters"]["scales"].astype(np.float64)
    out_scale, out_zero = tensors[fc["outputs"][0]]["quantization"]
    multiplier = np.float64(in_scale) * w_scales / np.float64(out_scale)

    lbm = os.path.join(args.build_dir, "conformance", "check_fc.lbm")
    os.makedirs(os.path.dirname(lbm), exist_ok=True)
    error = harness.convert(args.model, lbm, args.build_dir)
    if error:
        raise SystemExit(error)
    rng = np.random.default_rng(args.seed)
    (dtype, shape, _), = oracle.input_specs()
    rescale_wrong = lowbit_wrong = elements = 0
    first_case = None
    for _ in range(args.inputs):
        x = harness.random_input(rng, dtype, shape)
        expected = oracle.run([x])[0]
        scaled = ((x.reshape(1, -1).astype(np.int64) - in_zero) @ weights.T + bias) * multiplier
        rescaled = np.clip(np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) + out_zero, -128, 127)
        got = harness.run_lowbit(lbm, [x], oracle.output_specs(), "tflite_reference", args.build_dir)[0]
        rescale_wrong += int((rescaled.reshape(expected.shape) != expected).sum())
        lowbit_wrong += int((got != expected).sum())
        if first_case is None and (got != expected).any():
            channel = int(np.argmax((got != expected).reshape(-1)))
            first_case = (x.reshape(-1).tolist(), channel, int(expected.reshape(-1)[channel]),
                          int(got.reshape(-1)[channel]), float(scaled.reshape(-1)[channel]))
        elements += expected.size
    print(f"{elements} outputs: double rescale disagrees with LiteRT's reference FC on {rescale_wrong}, "
          f"lowbit tflite_reference on {lowbit_wrong}")
    if first_case:
        values, channel, want, have, real = first_case
        print(f"first lowbit mismatch: input {values}\n  output {channel}: LiteRT reference {want}, "
              f"lowbit {have}; acc*multiplier = {real:.6f} before adding the zero point {out_zero}")


if __name__ == "__main__":
    main()
