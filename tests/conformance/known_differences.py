"""Explanations of the differences a conformance run may show, written into docs/conformance.md.

explain(model, oracle) returns (short label, key of KNOWN) for a difference that is understood
and accepted, or None: an unexplained difference fails the run. oracle is "error" for a model
that an oracle refuses to load.
"""
import re

KNOWN = {
    "float-cancellation": (
        "hello_world's float output is a sum of terms of order 1 that cancel to values near zero "
        "(sin x for x near 0 or pi); a different summation order in LiteRT's reference "
        "FULLY_CONNECTED changes it by about 1e-7 absolute, which exceeds 1e-5 of the tiny "
        "output. XNNPACK's order agrees bit for bit."),
    "hybrid-float": (
        "`kws_ref_model_float32` has dynamic-range (hybrid) CONV_2D/DEPTHWISE_CONV_2D/"
        "FULLY_CONNECTED with int8 weights. TFLite quantizes the activations at run time; "
        "lowbit-convert dequantizes the weights and runs in float (docs/conversion.md, Rewrites), "
        "so the outputs differ by up to about 1e-2 by design."),
    "float-lstm-narrow-batched": (
        "The float32 LSTM cell stepping several sequences at once "
        "(time-major, batch > 1) with fewer than 16 cells differs from LiteRT by a few ulps: "
        "LiteRT's float matrix products there go through its GEMM (ruy), whose summation order "
        "for matrices under 16 rows is not reproduced (16 rows and more: column order, exact). "
        "lstm_cases.py uses 16 cells or more for such models."),
    "oracle-refuses-person-detect": (
        "LiteRT 2.3 refuses to load `person_detect.tflite` (per-channel biases carry "
        "quantized_dimension 3 on 1-D tensors). lowbit-convert accepts it (docs/conversion.md) and "
        "tests/convert checks its known answers (person / no person); there is no LiteRT oracle."),
}

# (model regex, oracle regex, key)
RULES = [
    (r"^hello_world_float$", r"^litert_ref$", "float-cancellation"),
    (r"^kws_ref_model_float32$", r"^litert_", "hybrid-float"),
    (r"^person_detect$", r"^error$", "oracle-refuses-person-detect"),
]

LABELS = {
    "float-cancellation": "float cancellation near zero",
    "hybrid-float": "hybrid ops run in float by design",
    "oracle-refuses-person-detect": "LiteRT refuses the model",
    "float-lstm-narrow-batched": "float LSTM, batched steps under 16 cells: ulp differences",
}

# Seen in a run but not understood yet; written into every report.
OPEN_CASES = """
## Open cases

None.
"""


def explain(model, oracle):
    for model_pattern, oracle_pattern, key in RULES:
        if re.search(model_pattern, model) and re.search(oracle_pattern, oracle):
            return LABELS[key], key
    return None


DOC_HEADER = """
# Conformance: lowbit against LiteRT and Larq Compute Engine

Written by `scripts/conformance.sh` (tests/conformance/run_conformance.py); do not edit by hand.
What the suite does and how to run it: tests/conformance/README.md.

Oracles, with the lowbit profile each is compared against:

- `litert_ref`: ai-edge-litert's Interpreter with `experimental_op_resolver_type=BUILTIN_REF`
  (TFLite's reference kernels), against profile `tflite_reference`; int8 outputs must be equal.
- `litert_xnnpack`: the same Interpreter on its default path (XNNPACK delegate), against profile
  `xnnpack_fp32`. Recorded so that the gap to what most users run is visible.
- `lce`: Larq Compute Engine's Interpreter (larq_compute_engine.tflite.python.interpreter; its
  reference bconv kernel for grouped convolutions, which its optimized kernel refuses), against
  profile `tflite_optimized`.

Profile `tflite_optimized` follows the TFLite optimized kernels linked into LCE's interpreter:
their int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED rescale with the saturating rounding
doubling high multiply followed by a rounding right shift that rounds halves *up* (towards +inf,
as ARM's SRSHL does), where `tflite_reference` rounds them away from zero; FULLY_CONNECTED with
per-tensor weights forms its multiplier from `in_s · w_s` multiplied in float. Every other
operator equals `tflite_reference` under LCE (`probe_lce_builtin_int8.py`: ADD, MUL, MEAN, pools,
SOFTMAX, LOGISTIC, HARD_SWISH, QUANTIZE), so the profile changes only those three. Evidence:
`probe_lce_rounding.py` recomputes every accumulator; the rule reproduces all 23040 outputs
(10 inputs) of `int8_conv_3x3_s1_same` and of `int8_dwconv_3x3_s1_same` and all 10000
(1000 inputs) of `int8_fc_64_to_10` under LCE, where `tflite_reference` misses 14, 22 and 10
(all near halves, e.g. acc·multiplier = −46.50036 becomes −46.5 after the first rounding; LCE
gives −46, tflite_reference −47). With the output scale divided by 400
(`--output-scale-divisor 400`: a right shift of one, so many exact halves) the rule still
reproduces all outputs (CONV_2D 23040, DEPTHWISE_CONV_2D 23040, FULLY_CONNECTED 1000 with
per-tensor weights and the float product `in_s · w_s`) where `tflite_reference` misses 4655,
109 and 195; with multipliers above 1 (divisors 4000 and 100000: left shifts of 2 and 7) the
left shift comes before the same high multiply, as in `tflite_reference`, and no output
differs. Before this profile existed, the LCE int8 networks
(QuickNet- and Bi-Real-style) differed from LCE by ±1 early in the network, amplified by later
layers. lowbit runs these three operators on its reference kernels under `tflite_optimized`.

Profile `tflite_reference` follows LiteRT's reference kernels exactly, including two rules in
which desktop TFLite differs from TFLite Micro (checked by `tests/ops_int8/fc_double_rescale_test.cpp`
and `legacy_uint8_multiplier_test.cpp`):

- FULLY_CONNECTED (int8 per-tensor and per-channel, legacy uint8) rescales in double:
  `round(double(acc) · double(in_s) · double(w_s) / double(out_s))`, ties away from zero.
  TFLite Micro uses the fixed-point multiplier with double rounding, which gives ±1 on about
  0.05% of outputs (those within about 2^-(r+1) of a half, r the right shift); lowbit followed
  Micro until 2026-11-26. SIMD GEMMs run it through a single-rounding multiplier proven equal to
  the double rescale for every int32 accumulator (kernels/reference/requantize.h).
- Legacy uint8 CONV_2D and DEPTHWISE_CONV_2D form the multiplier as TFLite's
  GetQuantizedConvolutionMultipler does: `in_s · w_s` multiplied in float, then divided by
  `out_s` in double (int8 operators use the double product). This explained the one SOFTMAX
  difference seen on mobilenet_v1_0.25_128_quant (Conv2d_13_pointwise, acc 10712: multiplier
  1606903996 gives 251 as LiteRT does, the double product's 1606903936 gave 250).

16x8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV (int16 activations, int8
weights, int64 bias) follow LiteRT's reference kernels, which for CONV_2D, DEPTHWISE_CONV_2D and
TRANSPOSE_CONV agree with TFLite Micro's: exact int64 sums, the bias, TFLite's 64-bit
`MultiplyByQuantizedMultiplier` (the Q31 multiplier rounded to Q15), the activation clamp.
FULLY_CONNECTED is the exception again: LiteRT rescales its 16x8 sums in double as it does int8
ones (`round(double(acc) · in_s · w_s / out_s)`), which TensorFlow-written models showed (the
fixed-point form missed 1 of 16 outputs of a 16-unit Dense); lowbit follows LiteRT in every
profile. `scripts/conformance.sh --int16-conv-cases` (`tests/conformance/int16_conv_cases.py`)
converts random Keras Conv2D (strides, SAME/VALID, dilation, groups), DepthwiseConv2D (depth
multipliers), Dense (per-channel and per-tensor weights, batch rows) and Conv2DTranspose layers,
with and without bias and fused RELU/RELU6, with TensorFlow's 16x8 converter and compares
lowbit's bytes with LiteRT BUILTIN_REF, or for TRANSPOSE_CONV with TFLite Micro's interpreter
(`tflite-micro` from PyPI), which issue 15 names because LiteRT's reference TRANSPOSE_CONV was
seen to crash on some 16x8 models (LiteRT 2.3 did not crash on any model tried here and agreed
with TFLite Micro on all 15: the sweep's 12 and the three seanet ones). The seanet
`conv/conv{0,2,4,6,8}` and `transpose_conv/transpose_conv{0,2,4}` models give their golden CSVs
exactly; LiteRT BUILTIN_REF and TFLite Micro both reproduce those CSVs too. Their TRANSPOSE_CONV
takes `output_shape` as a graph input (int32 [4]); lowbit keeps it as a fourth operand and, as
TFLite Micro does, plans the output from the declared shape and never reads the values fed.

The 16x8 (int16 activation) forms of ADD, SUB, MUL, LEAKY_RELU, PAD, STRIDED_SLICE,
CONCATENATION, RESHAPE, MEAN, SOFTMAX, LOGISTIC, TANH, QUANTIZE and DEQUANTIZE follow TFLite's
reference kernels under every profile except that XNNPACK, having no int16 kernels, is replaced
by `single_rounding` where a rescale is involved. Two oracles check them:
`scripts/conformance.sh --seanet-cases` (`tests/conformance/seanet_cases.py`) runs all 32
TFLite Micro seanet models (these 24 of ADD, SUB, LEAKY_RELU, PAD, QUANTIZE (int32 → int16) and
STRIDED_SLICE, and the 8 CONV_2D / TRANSPOSE_CONV ones above) on their committed inputs and requires TensorFlow Lite Micro's golden CSV outputs
exactly (the goldens are Micro's: LiteRT is not run), with the auto and reference kernels at 1
and 2 threads; `scripts/conformance.sh --int16-cases` (`tests/conformance/int16_cases.py`) runs
TensorFlow-converted 16x8 models of every listed operator (broadcast ADD/SUB/MUL, PAD,
STRIDED_SLICE masks, CONCATENATION axes, MEAN axes, SOFTMAX beta, float32 ends for QUANTIZE and
DEQUANTIZE) and field-by-field models of the forms TensorFlow does not write (QUANTIZE int16 →
int8/int16/int32 and int8 → int16, SOFTMAX int8 → int16, ADD/SUB on the `pot_scale_int16`
power-of-two path) against LiteRT `BUILTIN_REF`, byte for byte. The int32 → int16 QUANTIZE follows TFLite Micro (LiteRT has no such kernel); everything
else LiteRT, with which Micro agrees on these operators.

int8, uint8 and bit-packed outputs are compared exactly. Float outputs pass when every element is
within 1e-5 of the expected value relative to the largest magnitude of that output tensor
("within 1e-5 rel"); "exact" means bitwise equal. A difference listed under *Mismatches* with an
explanation is known and accepted; any other difference fails the run (exit status 1).
"""
