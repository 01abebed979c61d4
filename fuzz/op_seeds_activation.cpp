// Seeds of the elementwise operators, activations, reductions and
// quantization: ADD, MUL, MEAN, SOFTMAX, LOGISTIC, HARD_SWISH, RELU, RELU6,
// PAD, CONCATENATION, RESHAPE, QUANTIZE, DEQUANTIZE (ops.def 3-17) and TANH
// to BATCH_TO_SPACE_ND (54-65 but TRANSPOSE_CONV), each in the dtypes the
// runtime takes.
#include "op_seeds.h"

#include <utility>

namespace lowbit::fuzz_seeds {
namespace {

const DType f32 = DType::kFloat32, s8 = DType::kInt8, u8 = DType::kUInt8, i32 = DType::kInt32,
            i64 = DType::kInt64, s16 = DType::kInt16;

// A quantized output whose scale and zero point the operator fixes (TFLite's
// LOGISTIC, SOFTMAX, TANH, L2_NORMALIZATION): 1/256 or 1/128 with the offset
// that puts the operator's range on the type's.
void fixed_output(ModelBuilder& b, OpType type, DType dtype, Shape shape, float scale,
                  int32_t zero_point) {
  const int x = tensor(b, "in", dtype, shape);
  Quantization q;
  if (quantized(dtype)) q = {{scale}, {zero_point}, 0};
  const int y = b.add_tensor("out", dtype, shape, q);
  b.add_operator(type, {x}, {y});
  b.set_inputs({x});
  b.set_outputs({y});
}

// The [-1, 1] range: 1/128 centred on the type's middle.
void signed_unit_output(ModelBuilder& b, OpType type, DType dtype, Shape shape) {
  fixed_output(b, type, dtype, shape, 1.0f / 128, dtype == u8 ? 128 : 0);
}

// PRELU with alpha broadcast from [3] (a constant, or a second graph input).
void prelu(ModelBuilder& b, DType dtype, bool constant_alpha) {
  const int x = tensor(b, "in", dtype, {2, 3});
  Quantization q;
  if (quantized(dtype)) q = {{0.01f}, {dtype == u8 ? 100 : -20}, 0};
  const int alpha = constant_alpha
      ? b.add_constant("alpha", dtype, {3}, std::vector<uint8_t>(dtype == f32 ? 12 : 3, 60), q)
      : b.add_tensor("alpha", dtype, {3}, q);
  const int y = tensor(b, "out", dtype, {2, 3});
  b.add_operator(OpType::kPrelu, {x, alpha}, {y});
  b.set_inputs(constant_alpha ? std::vector<int>{x} : std::vector<int>{x, alpha});
  b.set_outputs({y});
}

// SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND with constant block_shape and
// paddings (crops).
void space_batch(ModelBuilder& b, OpType type, DType dtype, Shape in, std::vector<int32_t> block,
                 std::vector<int32_t> pads, Shape out) {
  const int x = tensor(b, "in", dtype, in);
  const int m = static_cast<int>(block.size());
  const int block_shape = b.add_constant("block_shape", i32, {m}, block);
  const int paddings = b.add_constant("paddings", i32, {m, 2}, pads);
  const int y = tensor(b, "out", dtype, out);
  b.add_operator(type, {x, block_shape, paddings}, {y});
  b.set_inputs({x});
  b.set_outputs({y});
}

// A reduction with a different output scale (SUM's grows with the count).
void reduce(ModelBuilder& b, OpType type, DType dtype, Shape in, MeanOptions o, Shape out,
            float out_scale) {
  const int x = tensor(b, "in", dtype, in);
  Quantization q = shared_quantization(dtype);
  if (quantized(dtype)) q.scales[0] = out_scale;
  const int y = b.add_tensor("out", dtype, out, q);
  b.add_operator(type, {x}, {y}, o);
  b.set_inputs({x});
  b.set_outputs({y});
}

void quantize(ModelBuilder& b, OpType type, DType from, DType to) {
  single(b, type, {{from, {2, 5}}}, {{to, {2, 5}}}, NoOptions{});
}

// A [2, 5] -> [2, 5] operator whose tensors carry the quantization given
// (int32 with a scale, SOFTMAX's int16 probabilities) instead of the shared one.
void requantized(ModelBuilder& b, OpType type, DType from, Quantization in, DType to,
                 Quantization out) {
  const int x = b.add_tensor("in", from, {2, 5}, std::move(in));
  const int y = b.add_tensor("out", to, {2, 5}, std::move(out));
  b.add_operator(type, {x}, {y});
  b.set_inputs({x});
  b.set_outputs({y});
}

}  // namespace

std::vector<OpSeed> activation_seeds() {
  const ElementwiseOptions relu{Activation::kRelu};
  const MeanOptions last_axis{{-1}, false}, spatial_keep{{1, 2}, true}, repeated_axis{{0, -2}, true};
  return {
      {"add_int8_relu_broadcast", [=](ModelBuilder& b) {
         single(b, OpType::kAdd, {{s8, {2, 3}}, {s8, {3}}}, {{s8, {2, 3}}}, relu);
       }},
      {"add_float", [](ModelBuilder& b) {
         single(b, OpType::kAdd, {{f32, {4}}, {f32, {4}}}, {{f32, {4}}}, ElementwiseOptions{});
       }},
      {"mul_uint8_broadcast", [](ModelBuilder& b) {
         single(b, OpType::kMul, {{u8, {2, 1}}, {u8, {1, 3}}}, {{u8, {2, 3}}}, ElementwiseOptions{});
       }},
      {"mul_int8", [=](ModelBuilder& b) {
         single(b, OpType::kMul, {{s8, {5}}, {s8, {5}}}, {{s8, {5}}}, relu);
       }},
      {"mean_int8_spatial", [=](ModelBuilder& b) {
         single(b, OpType::kMean, {{s8, {1, 3, 3, 4}}}, {{s8, {1, 1, 1, 4}}}, spatial_keep);
       }},
      {"mean_float_last_axis", [=](ModelBuilder& b) {
         single(b, OpType::kMean, {{f32, {2, 3}}}, {{f32, {2}}}, last_axis);
       }},
      {"softmax_int8", [](ModelBuilder& b) {
         fixed_output(b, OpType::kSoftmax, s8, {2, 5}, 1.0f / 256, -128);
       }},
      {"softmax_float", [](ModelBuilder& b) { unary(b, OpType::kSoftmax, f32, {2, 5}); }},
      {"logistic_int8", [](ModelBuilder& b) {
         fixed_output(b, OpType::kLogistic, s8, {6}, 1.0f / 256, -128);
       }},
      {"logistic_float", [](ModelBuilder& b) { unary(b, OpType::kLogistic, f32, {6}); }},
      {"hard_swish_int8", [](ModelBuilder& b) { unary(b, OpType::kHardSwish, s8, {6}); }},
      {"relu_uint8", [](ModelBuilder& b) { unary(b, OpType::kRelu, u8, {6}); }},
      {"relu_float", [](ModelBuilder& b) { unary(b, OpType::kRelu, f32, {6}); }},
      {"relu6_int8", [](ModelBuilder& b) { unary(b, OpType::kRelu6, s8, {6}); }},
      {"pad_int8", [](ModelBuilder& b) {
         single(b, OpType::kPad, {{s8, {2, 3}}}, {{s8, {3, 5}}}, PadOptions{{1, 0, 0, 2}});
       }},
      {"concatenation_uint8_axis1", [](ModelBuilder& b) {
         single(b, OpType::kConcatenation, {{u8, {2, 3}}, {u8, {2, 2}}}, {{u8, {2, 5}}},
                ConcatenationOptions{1, Activation::kNone});
       }},
      {"reshape_float", [](ModelBuilder& b) {
         single(b, OpType::kReshape, {{f32, {2, 6}}}, {{f32, {3, 4}}}, ReshapeOptions{{3, -1}});
       }},
      {"quantize_float_to_int8", [](ModelBuilder& b) { quantize(b, OpType::kQuantize, f32, s8); }},
      {"quantize_int8_to_uint8", [](ModelBuilder& b) { quantize(b, OpType::kQuantize, s8, u8); }},
      {"dequantize_uint8", [](ModelBuilder& b) { quantize(b, OpType::kDequantize, u8, f32); }},
      {"tanh_int8", [](ModelBuilder& b) { signed_unit_output(b, OpType::kTanh, s8, {7}); }},
      {"tanh_uint8", [](ModelBuilder& b) { signed_unit_output(b, OpType::kTanh, u8, {7}); }},
      {"tanh_float", [](ModelBuilder& b) { unary(b, OpType::kTanh, f32, {7}); }},
      {"exp_int8", [](ModelBuilder& b) { unary(b, OpType::kExp, s8, {7}); }},
      {"exp_float", [](ModelBuilder& b) { unary(b, OpType::kExp, f32, {7}); }},
      {"log_int8", [](ModelBuilder& b) { unary(b, OpType::kLog, s8, {7}); }},
      {"log_float", [](ModelBuilder& b) { unary(b, OpType::kLog, f32, {7}); }},
      {"leaky_relu_int8", [](ModelBuilder& b) {
         single(b, OpType::kLeakyRelu, {{s8, {7}}}, {{s8, {7}}}, LeakyReluOptions{0.2f});
       }},
      {"leaky_relu_uint8_negative_alpha", [](ModelBuilder& b) {
         single(b, OpType::kLeakyRelu, {{u8, {7}}}, {{u8, {7}}}, LeakyReluOptions{-0.5f});
       }},
      {"leaky_relu_float", [](ModelBuilder& b) {
         single(b, OpType::kLeakyRelu, {{f32, {7}}}, {{f32, {7}}}, LeakyReluOptions{0.01f});
       }},
      {"prelu_int8", [](ModelBuilder& b) { prelu(b, s8, true); }},
      {"prelu_uint8", [](ModelBuilder& b) { prelu(b, u8, true); }},
      {"prelu_float_alpha_input", [](ModelBuilder& b) { prelu(b, f32, false); }},
      {"l2_normalization_int8", [](ModelBuilder& b) {
         signed_unit_output(b, OpType::kL2Normalization, s8, {2, 5});
       }},
      {"l2_normalization_uint8", [](ModelBuilder& b) {
         signed_unit_output(b, OpType::kL2Normalization, u8, {3, 4});
       }},
      {"l2_normalization_float", [](ModelBuilder& b) { unary(b, OpType::kL2Normalization, f32, {2, 5}); }},
      {"reduce_max_int8", [=](ModelBuilder& b) {
         reduce(b, OpType::kReduceMax, s8, {2, 3}, last_axis, {2}, 0.25f);
       }},
      {"reduce_max_float_repeated_axis", [=](ModelBuilder& b) {
         reduce(b, OpType::kReduceMax, f32, {2, 3}, repeated_axis, {1, 3}, 0);
       }},
      {"reduce_min_uint8_spatial", [=](ModelBuilder& b) {
         reduce(b, OpType::kReduceMin, u8, {1, 3, 3, 2}, spatial_keep, {1, 1, 1, 2}, 0.25f);
       }},
      {"reduce_min_int32", [=](ModelBuilder& b) {
         reduce(b, OpType::kReduceMin, i32, {2, 3}, last_axis, {2}, 0);
       }},
      {"sum_int8_rescaled", [=](ModelBuilder& b) {
         reduce(b, OpType::kSum, s8, {2, 3}, last_axis, {2}, 0.75f);
       }},
      {"sum_uint8_spatial", [=](ModelBuilder& b) {
         reduce(b, OpType::kSum, u8, {1, 3, 3, 2}, spatial_keep, {1, 1, 1, 2}, 2.0f);
       }},
      {"sum_float", [=](ModelBuilder& b) { reduce(b, OpType::kSum, f32, {2, 3}, repeated_axis, {1, 3}, 0); }},
      {"sum_int64", [=](ModelBuilder& b) { reduce(b, OpType::kSum, i64, {2, 3}, last_axis, {2}, 0); }},
      {"space_to_batch_nd_int8", [](ModelBuilder& b) {
         space_batch(b, OpType::kSpaceToBatchNd, s8, {1, 4, 4, 2}, {2, 2}, {0, 0, 0, 0}, {4, 2, 2, 2});
       }},
      {"space_to_batch_nd_uint8_padded_3d", [](ModelBuilder& b) {
         space_batch(b, OpType::kSpaceToBatchNd, u8, {1, 3, 2}, {2}, {1, 0}, {2, 2, 2});
       }},
      {"space_to_batch_nd_float", [](ModelBuilder& b) {
         space_batch(b, OpType::kSpaceToBatchNd, f32, {2, 2, 3, 1}, {1, 2}, {0, 0, 0, 1}, {4, 2, 2, 1});
       }},
      {"batch_to_space_nd_int8_cropped", [](ModelBuilder& b) {
         space_batch(b, OpType::kBatchToSpaceNd, s8, {4, 2, 2, 1}, {2, 2}, {0, 0, 1, 0}, {1, 4, 3, 1});
       }},
      {"batch_to_space_nd_uint8_3d", [](ModelBuilder& b) {
         space_batch(b, OpType::kBatchToSpaceNd, u8, {2, 2, 3}, {2}, {0, 1}, {1, 3, 3});
       }},
      {"batch_to_space_nd_float", [](ModelBuilder& b) {
         space_batch(b, OpType::kBatchToSpaceNd, f32, {4, 1, 1, 2}, {2, 2}, {0, 0, 0, 0}, {1, 2, 2, 2});
       }},
      // 16x8 (int16 activations).
      {"add_int16_relu_broadcast", [=](ModelBuilder& b) {
         single(b, OpType::kAdd, {{s16, {2, 3}}, {s16, {3}}}, {{s16, {2, 3}}}, relu);
       }},
      {"sub_int16", [](ModelBuilder& b) {
         single(b, OpType::kSub, {{s16, {4}}, {s16, {4}}}, {{s16, {4}}}, ElementwiseOptions{});
       }},
      {"mul_int16_broadcast", [](ModelBuilder& b) {
         single(b, OpType::kMul, {{s16, {2, 1}}, {s16, {1, 3}}}, {{s16, {2, 3}}}, ElementwiseOptions{});
       }},
      {"leaky_relu_int16", [](ModelBuilder& b) {
         single(b, OpType::kLeakyRelu, {{s16, {7}}}, {{s16, {7}}}, LeakyReluOptions{0.2f});
       }},
      {"logistic_int16", [](ModelBuilder& b) {
         fixed_output(b, OpType::kLogistic, s16, {6}, 1.0f / 32768, 0);
       }},
      {"tanh_int16", [](ModelBuilder& b) { fixed_output(b, OpType::kTanh, s16, {6}, 1.0f / 32768, 0); }},
      {"softmax_int16", [](ModelBuilder& b) {
         fixed_output(b, OpType::kSoftmax, s16, {2, 5}, 1.0f / 32768, 0);
       }},
      {"softmax_int8_to_int16", [](ModelBuilder& b) {
         requantized(b, OpType::kSoftmax, s8, shared_quantization(s8), s16,
                     {{1.0f / 65536}, {-32768}, 0});
       }},
      {"mean_int16_last_axis", [=](ModelBuilder& b) {
         single(b, OpType::kMean, {{s16, {2, 3}}}, {{s16, {2}}}, last_axis);
       }},
      {"pad_int16", [](ModelBuilder& b) {
         single(b, OpType::kPad, {{s16, {2, 3}}}, {{s16, {3, 5}}}, PadOptions{{1, 0, 0, 2}});
       }},
      {"concatenation_int16_axis0", [](ModelBuilder& b) {
         single(b, OpType::kConcatenation, {{s16, {1, 3}}, {s16, {2, 3}}}, {{s16, {3, 3}}},
                ConcatenationOptions{0, Activation::kNone});
       }},
      {"reshape_int16", [](ModelBuilder& b) {
         single(b, OpType::kReshape, {{s16, {2, 6}}}, {{s16, {3, 4}}}, ReshapeOptions{{3, -1}});
       }},
      {"quantize_float_to_int16", [](ModelBuilder& b) { quantize(b, OpType::kQuantize, f32, s16); }},
      {"quantize_int16_to_int8", [](ModelBuilder& b) { quantize(b, OpType::kQuantize, s16, s8); }},
      {"quantize_int8_to_int16", [](ModelBuilder& b) { quantize(b, OpType::kQuantize, s8, s16); }},
      {"quantize_int16_to_int32", [](ModelBuilder& b) {
         // int32 output with a scale: TFLite's requantization, not a CAST.
         requantized(b, OpType::kQuantize, s16, shared_quantization(s16), i32, {{0.5f}, {0}, 0});
       }},
      {"quantize_int32_to_int16", [](ModelBuilder& b) {
         requantized(b, OpType::kQuantize, i32, {{0.5f}, {0}, 0}, s16, shared_quantization(s16));
       }},
      {"dequantize_int16", [](ModelBuilder& b) { quantize(b, OpType::kDequantize, s16, f32); }},
  };
}

}  // namespace lowbit::fuzz_seeds
