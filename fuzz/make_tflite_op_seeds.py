"""Writes small one-operator .tflite seeds for fuzz_convert_tflite (make_corpora.sh also converts
them into fuzz_load_lbm seeds): the TFLite builtins of issue 14 (data movement, resampling,
SUB, ARG_MAX/ARG_MIN, CAST, GATHER_ND, the math elementwise operators, the detection post-processing
custom operator), each with its option table, made by the conformance sweeps' own case generators
(tests/conformance), so the seeds follow whatever options those sweeps cover.

  .venv/bin/python fuzz/make_tflite_op_seeds.py OUT_DIR

Models written field by field (SUB, ARG_*, SQUEEZE, EXPAND_DIMS, RESIZE_*, detection) need only
numpy and flatbuffers; the rest go through TensorFlow's converter and are left out, with a note,
when TensorFlow is missing. A case TensorFlow cannot express is skipped."""
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))

import datamove_cases  # noqa: E402
import detection_cases  # noqa: E402
import math_cases  # noqa: E402
import op_cases  # noqa: E402
import resize_cases  # noqa: E402


def built_seeds(rng):
    """(name, make) for the models written without TensorFlow."""
    for op in sorted(datamove_cases.BUILT):
        for dtype in ("int8", "uint8", "float32"):
            yield f"{op}_{dtype}", lambda op=op, dtype=dtype: datamove_cases.build_model(rng, op, dtype)[0]
    for op in resize_cases.OPERATORS:
        for dtype in resize_cases.DTYPES:
            for align, half in ((True, False), (False, True), (False, False)):
                yield f"{op.lower()}_{dtype}_align{int(align)}_half{int(half)}", \
                    lambda op=op, dtype=dtype, align=align, half=half: \
                    resize_cases.make_case(rng, op, dtype, align, half)[0]
    for dtype in op_cases.DTYPES:
        yield f"sub_{dtype}", lambda dtype=dtype: op_cases.make_case(rng, "sub", dtype)[0]
    for index in range(4):  # fast and regular NMS, float32 or uint8 at random
        yield f"detection_postprocess_{index}", \
            lambda index=index: detection_cases.random_case(rng, index)[0]


def converted_seeds(rng, tf):
    """(name, make) for the models TensorFlow's converter writes."""
    for op, case in sorted(datamove_cases.CASES.items()):
        for dtype in ("int8", "float32"):
            def make(case=case, dtype=dtype):
                specs, fn, _ = case(rng, tf)
                return datamove_cases.convert(tf, fn, specs, dtype, rng)
            yield f"{op}_{dtype}", make
    for op, case in sorted(math_cases.CASES.items()):
        def make(case=case):
            specs, fn, _ = case(rng, tf)
            return math_cases.convert(tf, fn, specs)
        yield op, make


def write(out, seeds):
    written = skipped = 0
    for name, make in seeds:
        try:
            model = make()
        except Exception:  # TensorFlow cannot express this case: no seed, no error
            skipped += 1
            continue
        with open(os.path.join(out, f"op_{name}.tflite"), "wb") as f:
            f.write(model)
        written += 1
    return written, skipped


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_tflite_op_seeds.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(14)
    written, skipped = write(out, built_seeds(rng))
    try:
        import tensorflow as tf
    except ImportError:
        print("make_tflite_op_seeds.py: no TensorFlow, converter-made seeds left out")
    else:
        more, more_skipped = write(out, converted_seeds(rng, tf))
        written, skipped = written + more, skipped + more_skipped
    print(f"make_tflite_op_seeds.py: {written} seeds in {out} ({skipped} cases skipped)")


if __name__ == "__main__":
    main()
