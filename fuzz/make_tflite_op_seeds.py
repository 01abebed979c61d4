"""Writes small one-operator .tflite seeds for fuzz_convert_tflite (make_corpora.sh also converts
them into fuzz_load_lbm seeds): the TFLite builtins of issue 14 (data movement, resampling,
SUB, ARG_MAX/ARG_MIN, CAST, GATHER_ND, the math elementwise operators, the detection post-processing
custom operator) and those of lowbit's operators 54-66 (TANH, EXP, LOG, LEAKY_RELU, PRELU,
TRANSPOSE_CONV, L2_NORMALIZATION, REDUCE_MAX, REDUCE_MIN, SUM, SPACE_TO_BATCH_ND,
BATCH_TO_SPACE_ND, UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF, UNIDIRECTIONAL_SEQUENCE_RNN,
BIDIRECTIONAL_SEQUENCE_LSTM; the hybrid LSTMs too), each with its option table and in each dtype
the sweep takes, made by the conformance sweeps' own case generators (tests/conformance), so the
seeds follow whatever options those sweeps cover.

  .venv/bin/python fuzz/make_tflite_op_seeds.py OUT_DIR

Models written field by field (SUB, ARG_*, SQUEEZE, EXPAND_DIMS, RESIZE_*, detection, and every
operator 54-65) need only numpy and flatbuffers; the rest (the integer LSTM among them: Keras
layers quantized by TensorFlow, plus the CIFG/peephole/cell-clip edits lstm_cases.py makes) go
through TensorFlow's converter and are left out, with a note, when TensorFlow is missing. A case
TensorFlow cannot express is skipped."""
import os
import random
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))

import activation_cases  # noqa: E402
import datamove_cases  # noqa: E402
import detection_cases  # noqa: E402
import lstm_cases  # noqa: E402
import lstm_models  # noqa: E402
import math_cases  # noqa: E402
import op_cases  # noqa: E402
import reduce_cases  # noqa: E402
import resize_cases  # noqa: E402
import recurrent_models  # noqa: E402
import transpose_conv_cases  # noqa: E402

ACTIVATIONS = ("tanh", "exp", "log", "leaky_relu", "prelu")
REDUCTIONS = ("sum", "reduce_max", "reduce_min", "space_to_batch_nd", "batch_to_space_nd")
# Keras LSTMs: (units, features, steps, batch, time_major), lstm_cases.edit_lstm's edits.
LSTMS = [((4, 3, 2, 1, False), ()), ((4, 3, 2, 2, True), ()),
         ((4, 3, 2, 1, False), ("cifg", "peephole", "cell_clip"))]


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
    for op in ACTIVATIONS:
        dtypes = activation_cases.UNARY.get(op) or activation_cases.BINARY[op]
        for dtype in dtypes:
            yield f"{op}_{dtype}", lambda op=op, dtype=dtype: activation_cases.make_case(rng, op, dtype)[0]
    for op in REDUCTIONS:
        for dtype in reduce_cases.DTYPES[op]:
            yield f"{op}_{dtype}", lambda op=op, dtype=dtype: reduce_cases.CASES[op](rng, dtype)[0]
    for dtype in transpose_conv_cases.DTYPES:
        yield f"transpose_conv_{dtype}", \
            lambda dtype=dtype: transpose_conv_cases.transpose_conv_case(rng, dtype)[0]
        yield f"l2_normalization_{dtype}", \
            lambda dtype=dtype: transpose_conv_cases.l2_normalization_case(rng, dtype, 0)[0]
    for index, (name, make, config, _) in enumerate(recurrent_models.generated_cases()):
        yield f"{name.split()[0]}_{index}", \
            lambda make=make, config=config, index=index: recurrent_models.model_bytes(make, config, index)
    for index, (steps, batch, features, time_major, cell, asymmetric, cell_clip, proj_clip) in \
            enumerate(lstm_cases.HYBRID_BUILT):
        yield f"unidirectional_sequence_lstm_built_{index}", \
            lambda c=(steps, batch, features, time_major, cell, asymmetric, cell_clip, proj_clip): \
            recurrent_models.model_bytes(lstm_models.unidirectional_model, c, 0)
    for index, (steps, batch, features, time_major, merge, fw, bw, asymmetric) in \
            enumerate(lstm_cases.BIDIRECTIONAL):
        yield f"bidirectional_sequence_lstm_{index}", \
            lambda c=(steps, batch, features, time_major, merge, fw, bw, asymmetric): \
            recurrent_models.model_bytes(lstm_models.bidirectional_model, c, 0)


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
    for index, (shape, edits) in enumerate(LSTMS):
        yield f"unidirectional_sequence_lstm_int8_{index}", \
            lambda index=index, shape=shape, edits=edits: keras_lstm(index, shape, edits)


def keras_lstm(seed, shape, edits):
    """A small Keras LSTM quantized to TFLite's integer LSTM (int8, int16 cell state), edited."""
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "lstm.tflite")
        lstm_cases.keras_lstm(path, *shape, seed)
        if edits:
            lstm_cases.edit_lstm(path, edits, None, np.random.default_rng(seed))
        with open(path, "rb") as f:
            return f.read()


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
