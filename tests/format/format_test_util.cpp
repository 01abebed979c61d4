#include "format_test_util.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <type_traits>

#include "schema/lowbit_generated.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

std::string join(const std::vector<int32_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

int act(Activation a) { return static_cast<int>(a); }
int pad(Padding p) { return static_cast<int>(p); }

}  // namespace

std::string describe_options(const OpOptions& options) {
  std::ostringstream s;
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          s << "none";
        } else if constexpr (std::is_same_v<T, Conv2DOptions>) {
          s << "conv pad=" << pad(o.padding) << " s=" << o.stride_h << "," << o.stride_w
            << " d=" << o.dilation_h << "," << o.dilation_w << " act=" << act(o.activation);
        } else if constexpr (std::is_same_v<T, DepthwiseConv2DOptions>) {
          s << "dw pad=" << pad(o.padding) << " s=" << o.stride_h << "," << o.stride_w
            << " d=" << o.dilation_h << "," << o.dilation_w << " m=" << o.depth_multiplier
            << " act=" << act(o.activation);
        } else if constexpr (std::is_same_v<T, FullyConnectedOptions>) {
          s << "fc act=" << act(o.activation) << " keep=" << o.keep_num_dims;
        } else if constexpr (std::is_same_v<T, Pool2DOptions>) {
          s << "pool pad=" << pad(o.padding) << " s=" << o.stride_h << "," << o.stride_w
            << " f=" << o.filter_h << "," << o.filter_w << " act=" << act(o.activation);
        } else if constexpr (std::is_same_v<T, ElementwiseOptions>) {
          s << "elementwise act=" << act(o.activation) << " pot=" << o.pot_scale_int16;
        } else if constexpr (std::is_same_v<T, MeanOptions>) {
          s << "mean axes=" << join(o.axes) << " keep=" << o.keep_dims;
        } else if constexpr (std::is_same_v<T, SoftmaxOptions>) {
          s << "softmax beta=" << o.beta;
        } else if constexpr (std::is_same_v<T, ConcatenationOptions>) {
          s << "concat axis=" << o.axis << " act=" << act(o.activation);
        } else if constexpr (std::is_same_v<T, ReshapeOptions>) {
          s << "reshape " << join(o.new_shape);
        } else if constexpr (std::is_same_v<T, PadOptions>) {
          s << "pad " << join(o.paddings);
        } else if constexpr (std::is_same_v<T, BConv2DOptions>) {
          s << "bconv pad=" << pad(o.padding) << " s=" << o.stride_h << "," << o.stride_w
            << " d=" << o.dilation_h << "," << o.dilation_w << " act=" << act(o.activation)
            << " pad_values=" << o.pad_values;
        } else if constexpr (std::is_same_v<T, TransposeOptions>) {
          s << "transpose " << join(o.perm);
        } else if constexpr (std::is_same_v<T, SliceOptions>) {
          s << "slice " << join(o.begin) << " " << join(o.size);
        } else if constexpr (std::is_same_v<T, StridedSliceOptions>) {
          s << "strided " << join(o.begin) << " " << join(o.end) << " " << join(o.strides)
            << " masks=" << o.begin_mask << "," << o.end_mask << "," << o.ellipsis_mask << ","
            << o.new_axis_mask << "," << o.shrink_axis_mask << " offset=" << o.offset;
        } else if constexpr (std::is_same_v<T, SplitOptions>) {
          s << "split axis=" << o.axis << " " << join(o.size_splits);
        } else if constexpr (std::is_same_v<T, AxisOptions>) {
          s << "axis " << o.axis;
        } else if constexpr (std::is_same_v<T, SqueezeOptions>) {
          s << "squeeze " << join(o.axes);
        } else if constexpr (std::is_same_v<T, GatherOptions>) {
          s << "gather axis=" << o.axis << " batch_dims=" << o.batch_dims;
        } else if constexpr (std::is_same_v<T, TileOptions>) {
          s << "tile " << join(o.multiples);
        } else if constexpr (std::is_same_v<T, BlockSizeOptions>) {
          s << "block " << o.block_size;
        } else if constexpr (std::is_same_v<T, BFullyConnectedOptions>) {
          s << "bfc act=" << act(o.activation);
        } else if constexpr (std::is_same_v<T, ResizeOptions>) {
          s << "resize " << o.new_height << "x" << o.new_width << " align=" << o.align_corners
            << " half=" << o.half_pixel_centers;
        } else if constexpr (std::is_same_v<T, TransposeConvOptions>) {
          s << "tconv pad=" << pad(o.padding) << " s=" << o.stride_h << "," << o.stride_w
            << " act=" << act(o.activation) << " out=" << o.output_height << "x"
            << o.output_width;
        } else if constexpr (std::is_same_v<T, LeakyReluOptions>) {
          s << "leaky_relu alpha=" << o.alpha;
        } else if constexpr (std::is_same_v<T, SequenceLstmOptions>) {
          s << "lstm act=" << o.cell_activation << " clips=" << o.cell_clip << "," << o.proj_clip
            << " time_major=" << o.time_major << " asym=" << o.asymmetric_quantize_inputs
            << " hidden=" << o.hidden_scale << "," << o.hidden_zero_point
            << " gates=" << o.input_gate_scale << "," << o.forget_gate_scale << ","
            << o.cell_gate_scale << "," << o.output_gate_scale << " merge=" << o.merge_outputs;
        } else if constexpr (std::is_same_v<T, RecurrentOptions>) {
          s << "recurrent rank=" << o.rank << " act=" << o.fused_activation
            << " time_major=" << o.time_major << " asym=" << o.asymmetric_quantize_inputs;
        } else {
          static_assert(std::is_same_v<T, DetectionPostprocessOptions>, "unhandled options");
          s << "detect max=" << o.max_detections << " classes/det=" << o.max_classes_per_detection
            << " per_class=" << o.detections_per_class << " regular=" << o.use_regular_nms
            << " score>=" << o.nms_score_threshold << " iou>" << o.nms_iou_threshold
            << " classes=" << o.num_classes << " scales=" << o.y_scale << "," << o.x_scale << ","
            << o.h_scale << "," << o.w_scale;
        }
      },
      options);
  return s.str();
}

std::string graph_difference(const GraphDesc& e, const GraphDesc& a) {
  if (e.description != a.description) return "description differs";
  if (e.tensors.size() != a.tensors.size()) return "tensor count differs";
  for (size_t i = 0; i < e.tensors.size(); ++i) {
    const TensorDesc& x = e.tensors[i];
    const TensorDesc& y = a.tensors[i];
    const std::string who = "tensor " + std::to_string(i) + ": ";
    if (x.name != y.name) return who + "name " + x.name + " vs " + y.name;
    if (x.dtype != y.dtype) return who + "dtype";
    if (x.shape != y.shape) return who + "shape " + x.shape.to_string() + " vs " + y.shape.to_string();
    if (x.quant.scales != y.quant.scales) return who + "scales";
    if (x.quant.zero_points != y.quant.zero_points) return who + "zero points";
    if (x.quant.axis != y.quant.axis) return who + "axis";
    if (x.is_constant() != y.is_constant()) return who + "constness";
    if (x.is_variable != y.is_variable) return who + "is_variable";
    if (x.data_bytes != y.data_bytes) return who + "data_bytes";
    if (x.data_bytes && std::memcmp(x.data, y.data, x.data_bytes) != 0) return who + "data bytes";
  }
  if (e.operators.size() != a.operators.size()) return "operator count differs";
  for (size_t i = 0; i < e.operators.size(); ++i) {
    const OperatorDesc& x = e.operators[i];
    const OperatorDesc& y = a.operators[i];
    const std::string who = "operator " + std::to_string(i) + ": ";
    if (x.type != y.type) return who + "type";
    if (x.name != y.name) return who + "name";
    if (x.inputs != y.inputs) return who + "inputs";
    if (x.outputs != y.outputs) return who + "outputs";
    if (x.options.index() != y.options.index()) return who + "options kind";
    if (describe_options(x.options) != describe_options(y.options)) {
      return who + "options " + describe_options(x.options) + " vs " + describe_options(y.options);
    }
  }
  if (e.inputs != a.inputs) return "graph inputs differ";
  if (e.outputs != a.outputs) return "graph outputs differ";
  return "";
}

// Structurally valid but not meant to run: one operator per options kind plus
// one without options, tensors of every dtype, per-tensor and per-axis
// quantization, an absent optional input. Every options field is non-default.
void build_every_option_graph(ModelBuilder& b) {
  b.set_description("every option kind");
  const int in = b.add_tensor("input", DType::kFloat32, {1, 8, 8, 4});
  const int in_q = b.add_tensor("input_q", DType::kInt8, {1, 8, 8, 4}, per_tensor(0.5f, -3));
  const std::vector<int8_t> w(4 * 3 * 3 * 4, -7);
  const int weights = b.add_constant("w", DType::kInt8, {4, 3, 3, 4}, w,
                                     per_axis({0.1f, 0.2f, 0.3f, 0.4f}, 0));
  const int bias = b.add_constant("bias", DType::kInt32, {4}, std::vector<int32_t>{1, -2, 3, -4},
                                  per_axis({0.05f, 0.1f, 0.15f, 0.2f}, 0));
  const int table = b.add_constant("u8", DType::kUInt8, {2, 3},
                                   std::vector<uint8_t>{0, 1, 2, 253, 254, 255},
                                   per_tensor(0.25f, 128));
  const int bits = b.add_constant("bits", DType::kBit, {2, 40},
                                  std::vector<uint32_t>{0xdeadbeefu, 0xffu, 0x1u, 0x80u});
  const int floats = b.add_constant("f", DType::kFloat32, {3}, std::vector<float>{1.5f, -2, 1e-9f});
  const int scalar = b.add_constant("scalar", DType::kInt32, Shape(), std::vector<int32_t>{42});

  int next = 0;
  auto out = [&](DType dtype) {
    return b.add_tensor("out" + std::to_string(next++), dtype, {1, 2, 3, 4});
  };
  Conv2DOptions conv;
  conv.padding = Padding::kSame;
  conv.stride_h = 2, conv.stride_w = 3, conv.dilation_h = 4, conv.dilation_w = 5;
  conv.activation = Activation::kRelu6;
  const int c = out(DType::kInt8);
  b.add_operator(OpType::kConv2D, {in_q, weights, bias}, {c}, conv, "conv");
  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.stride_h = 3, dw.stride_w = 2, dw.dilation_h = 2, dw.dilation_w = 3, dw.depth_multiplier = 4;
  dw.activation = Activation::kReluN1To1;
  b.add_operator(OpType::kDepthwiseConv2D, {c, weights, kAbsentInput}, {out(DType::kInt8)}, dw,
                 "dw");
  FullyConnectedOptions fc;
  fc.activation = Activation::kRelu;
  fc.keep_num_dims = true;
  b.add_operator(OpType::kFullyConnected, {in, floats}, {out(DType::kFloat32)}, fc);
  Pool2DOptions pool;
  pool.padding = Padding::kSame;
  pool.stride_h = 2, pool.stride_w = 5, pool.filter_h = 3, pool.filter_w = 7;
  pool.activation = Activation::kRelu;
  b.add_operator(OpType::kAveragePool2D, {in}, {out(DType::kFloat32)}, pool, "pool");
  b.add_operator(OpType::kAdd, {in, in}, {out(DType::kFloat32)},
                 ElementwiseOptions{Activation::kRelu6, true}, "add");
  MeanOptions mean;
  mean.axes = {1, 2};
  mean.keep_dims = true;
  b.add_operator(OpType::kMean, {in}, {out(DType::kFloat32)}, mean);
  b.add_operator(OpType::kSoftmax, {in}, {out(DType::kFloat32)}, SoftmaxOptions{0.75f});
  b.add_operator(OpType::kConcatenation, {in, c}, {out(DType::kFloat32)},
                 ConcatenationOptions{3, Activation::kRelu});
  b.add_operator(OpType::kReshape, {table}, {out(DType::kUInt8)}, ReshapeOptions{{3, -1}});
  b.add_operator(OpType::kPad, {in}, {out(DType::kFloat32)}, PadOptions{{0, 0, 1, 2, 3, 4, 0, 0}});
  BConv2DOptions bconv;
  bconv.padding = Padding::kSame;
  bconv.stride_h = 2, bconv.stride_w = 1, bconv.dilation_h = 1, bconv.dilation_w = 2;
  bconv.activation = Activation::kRelu;
  bconv.pad_values = 0;
  const int bit_out = out(DType::kBit);
  b.add_operator(OpType::kBConv2D, {bits, bits, kAbsentInput, kAbsentInput, scalar}, {bit_out},
                 bconv);
  b.add_operator(OpType::kBFullyConnected, {bit_out, bits, floats, floats}, {out(DType::kFloat32)},
                 BFullyConnectedOptions{Activation::kReluN1To1});
  StridedSliceOptions ss;
  ss.begin = {1, -2};
  ss.end = {3, 0};
  ss.strides = {2, -1};
  ss.begin_mask = 1, ss.end_mask = 2, ss.ellipsis_mask = 4, ss.new_axis_mask = 8;
  ss.shrink_axis_mask = 16;
  ss.offset = true;
  b.add_operator(OpType::kTranspose, {in}, {out(DType::kFloat32)}, TransposeOptions{{3, 1, 2, 0}});
  b.add_operator(OpType::kSlice, {in}, {out(DType::kFloat32)}, SliceOptions{{0, 1}, {-1, 2}});
  b.add_operator(OpType::kStridedSlice, {in}, {out(DType::kFloat32)}, ss);
  b.add_operator(OpType::kSplitV, {in}, {out(DType::kFloat32), out(DType::kFloat32)},
                 SplitOptions{-1, {3, -1}});
  b.add_operator(OpType::kUnpack, {in}, {out(DType::kFloat32)}, AxisOptions{-4});
  b.add_operator(OpType::kSqueeze, {in}, {out(DType::kFloat32)}, SqueezeOptions{{0, -2}});
  b.add_operator(OpType::kGather, {in, scalar}, {out(DType::kFloat32)}, GatherOptions{2, -1});
  b.add_operator(OpType::kTile, {in}, {out(DType::kFloat32)}, TileOptions{{1, 2, 3, 4}});
  b.add_operator(OpType::kDepthToSpace, {in}, {out(DType::kFloat32)}, BlockSizeOptions{7});
  b.add_operator(OpType::kGather, {table, b.add_constant("i64", DType::kInt64, {2},
                                                         std::vector<int64_t>{-1, 1})},
                 {b.add_tensor("bools", DType::kBool, {2})});
  b.add_operator(OpType::kResizeBilinear, {in_q}, {out(DType::kInt8)},
                 ResizeOptions{5, 7, false, true}, "resize");
  DetectionPostprocessOptions detect;
  detect.max_detections = 3, detect.max_classes_per_detection = 2, detect.detections_per_class = 9;
  detect.use_regular_nms = true, detect.nms_score_threshold = 0.25f, detect.nms_iou_threshold = 0.5f;
  detect.num_classes = 4, detect.y_scale = 10, detect.x_scale = 11, detect.h_scale = 5;
  detect.w_scale = 6;
  b.add_operator(OpType::kDetectionPostprocess, {in, in, floats},
                 {out(DType::kFloat32), out(DType::kFloat32), out(DType::kFloat32),
                  out(DType::kFloat32)},
                 detect, "detect");
  TransposeConvOptions tconv;
  tconv.padding = Padding::kSame;
  tconv.stride_h = 3, tconv.stride_w = 2, tconv.activation = Activation::kRelu6;
  tconv.output_height = 9, tconv.output_width = 5;
  b.add_operator(OpType::kTransposeConv, {in_q, weights, bias}, {out(DType::kInt8)}, tconv,
                 "tconv");
  b.add_operator(OpType::kLeakyRelu, {in}, {out(DType::kFloat32)}, LeakyReluOptions{-0.375f},
                 "leaky_relu");
  SequenceLstmOptions lstm;
  lstm.cell_clip = 8, lstm.proj_clip = 0.5f, lstm.time_major = true;
  lstm.asymmetric_quantize_inputs = true, lstm.hidden_scale = 0.25f, lstm.hidden_zero_point = -3;
  lstm.input_gate_scale = 0.5f, lstm.forget_gate_scale = 0.75f;
  lstm.cell_gate_scale = 1.25f, lstm.output_gate_scale = 1.5f, lstm.merge_outputs = true;
  std::vector<int> lstm_inputs(24, kAbsentInput);
  lstm_inputs[0] = in_q;
  lstm_inputs[19] = b.add_variable("cell_state", DType::kInt16, {1, 4}, per_tensor(0.125f, 0));
  b.add_operator(OpType::kUnidirectionalSequenceLstm, lstm_inputs, {out(DType::kInt8)}, lstm,
                 "lstm");
  RecurrentOptions svdf;
  svdf.rank = 2, svdf.fused_activation = 4, svdf.time_major = true;
  svdf.asymmetric_quantize_inputs = true;
  b.add_operator(OpType::kSvdf, {in}, {out(DType::kFloat32)}, svdf, "svdf");
  const int last = out(DType::kFloat32);
  b.add_operator(OpType::kLogistic, {in}, {last}, {}, "logistic");
  b.set_inputs({in, in_q});
  b.set_outputs({last, c});
}

void build_valid_every_option_graph(ModelBuilder& b) {
  b.set_description("valid graph, every options kind");
  const DType f32 = DType::kFloat32;
  const int x = b.add_tensor("x", f32, {1, 8, 8, 4});

  Conv2DOptions conv;
  conv.padding = Padding::kSame;
  conv.activation = Activation::kRelu;
  const int conv_w = b.add_constant("conv/w", f32, {4, 3, 3, 4}, std::vector<float>(144, 0.01f));
  const int conv_b = b.add_constant("conv/b", f32, {4}, std::vector<float>{0.1f, 0.2f, 0.3f, 0.4f});
  const int c = b.add_tensor("conv", f32, {1, 8, 8, 4});
  b.add_operator(OpType::kConv2D, {x, conv_w, conv_b}, {c}, conv, "conv");

  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.stride_h = dw.stride_w = 2;
  dw.depth_multiplier = 2;
  dw.activation = Activation::kRelu6;
  const int dw_w = b.add_constant("dw/w", f32, {1, 3, 3, 8}, std::vector<float>(72, -0.02f));
  const int dw_b = b.add_constant("dw/b", f32, {8}, std::vector<float>(8, 0.5f));
  const int d = b.add_tensor("dw", f32, {1, 4, 4, 8});
  b.add_operator(OpType::kDepthwiseConv2D, {c, dw_w, dw_b}, {d}, dw, "dw");

  Pool2DOptions pool;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  const int p = b.add_tensor("pool", f32, {1, 2, 2, 8});
  b.add_operator(OpType::kAveragePool2D, {d}, {p}, pool, "pool");

  const int a = b.add_tensor("add", f32, {1, 2, 2, 8});
  b.add_operator(OpType::kAdd, {p, p}, {a}, ElementwiseOptions{Activation::kRelu}, "add");

  MeanOptions mean;
  mean.axes = {1, 2};
  mean.keep_dims = true;
  const int m = b.add_tensor("mean", f32, {1, 1, 1, 8});
  b.add_operator(OpType::kMean, {a}, {m}, mean, "mean");

  const int r = b.add_tensor("reshape", f32, {1, 8});
  b.add_operator(OpType::kReshape, {m}, {r}, ReshapeOptions{{1, -1}}, "reshape");

  FullyConnectedOptions fc;
  fc.activation = Activation::kReluN1To1;
  const int fc_w = b.add_constant("fc/w", f32, {4, 8}, std::vector<float>(32, 0.125f));
  const int fc_b = b.add_constant("fc/b", f32, {4}, std::vector<float>(4, -0.25f));
  const int f = b.add_tensor("fc", f32, {1, 4});
  b.add_operator(OpType::kFullyConnected, {r, fc_w, fc_b}, {f}, fc, "fc");

  const int s = b.add_tensor("softmax", f32, {1, 4});
  b.add_operator(OpType::kSoftmax, {f}, {s}, SoftmaxOptions{0.5f}, "softmax");

  const int cat = b.add_tensor("concat", f32, {1, 8});
  b.add_operator(OpType::kConcatenation, {s, f}, {cat}, ConcatenationOptions{1, Activation::kNone},
                 "concat");

  const int padded = b.add_tensor("pad", f32, {1, 10});
  b.add_operator(OpType::kPad, {cat}, {padded}, PadOptions{{0, 0, 1, 1}}, "pad");

  // Binary branch: pack the input, binary conv, binary max pool, binary FC.
  const int bits = b.add_tensor("bits", DType::kBit, {1, 8, 8, 4});
  b.add_operator(OpType::kBitpack, {x}, {bits}, {}, "pack");
  BConv2DOptions bconv;
  bconv.padding = Padding::kSame;
  bconv.pad_values = 1;
  const int bconv_w = b.add_constant("bconv/w", DType::kBit, {2, 3, 3, 4},
                                     std::vector<uint32_t>(18, 0x5u));
  const int bconv_mul = b.add_constant("bconv/mul", f32, {2}, std::vector<float>{0.5f, -1.0f});
  const int bconv_bias = b.add_constant("bconv/bias", f32, {2}, std::vector<float>{0.0f, 1.0f});
  const int bc = b.add_tensor("bconv", f32, {1, 8, 8, 2});
  b.add_operator(OpType::kBConv2D, {bits, bconv_w, bconv_mul, bconv_bias}, {bc}, bconv, "bconv");
  const int bp = b.add_tensor("bmaxpool", DType::kBit, {1, 4, 4, 4});
  b.add_operator(OpType::kBMaxPool2D, {bits}, {bp}, pool, "bmaxpool");
  const int flat_bits = b.add_tensor("flat", f32, {1, 8});
  b.add_operator(OpType::kRelu, {r}, {flat_bits}, {}, "relu");
  const int packed_flat = b.add_tensor("packed_flat", DType::kBit, {1, 8});
  b.add_operator(OpType::kBitpack, {flat_bits}, {packed_flat}, {}, "pack_flat");
  const int bfc_w = b.add_constant("bfc/w", DType::kBit, {3, 8}, std::vector<uint32_t>{1, 2, 3});
  const int bfc_mul = b.add_constant("bfc/mul", f32, {3}, std::vector<float>{1, 1, 1});
  const int bfc_bias = b.add_constant("bfc/bias", f32, {3}, std::vector<float>{0, 0, 0});
  const int bfc = b.add_tensor("bfc", f32, {1, 3});
  b.add_operator(OpType::kBFullyConnected, {packed_flat, bfc_w, bfc_mul, bfc_bias}, {bfc},
                 BFullyConnectedOptions{Activation::kNone}, "bfc");

  // Data movement: [1,10] -> ... -> [1,5]; [1,8,8,4] -> [1,4,4,16] -> [1,8,8,4].
  const int t = b.add_tensor("transpose", f32, {10, 1});
  b.add_operator(OpType::kTranspose, {padded}, {t}, TransposeOptions{{1, 0}}, "transpose");
  const int sq = b.add_tensor("squeeze", f32, {10});
  b.add_operator(OpType::kSqueeze, {t}, {sq}, SqueezeOptions{{1}}, "squeeze");
  const int ex = b.add_tensor("expand", f32, {1, 10});
  b.add_operator(OpType::kExpandDims, {sq}, {ex}, AxisOptions{0}, "expand");
  const int sl = b.add_tensor("slice", f32, {1, 9});
  b.add_operator(OpType::kSlice, {ex}, {sl}, SliceOptions{{0, 1}, {1, -1}}, "slice");
  StridedSliceOptions ss;
  ss.begin = {0, 0};
  ss.end = {1, 9};
  ss.strides = {1, 2};
  ss.shrink_axis_mask = 1;
  const int st = b.add_tensor("strided", f32, {5});
  b.add_operator(OpType::kStridedSlice, {sl}, {st}, ss, "strided");
  const int ti = b.add_tensor("tile", f32, {10});
  b.add_operator(OpType::kTile, {st}, {ti}, TileOptions{{2}}, "tile");
  const int halves[2] = {b.add_tensor("half0", f32, {5}), b.add_tensor("half1", f32, {5})};
  b.add_operator(OpType::kSplit, {ti}, {halves[0], halves[1]}, SplitOptions{0, {}}, "split");
  const int pk = b.add_tensor("pack", f32, {2, 5});
  b.add_operator(OpType::kPack, {halves[0], halves[1]}, {pk}, AxisOptions{0}, "pack");
  const int which = b.add_constant("which", DType::kInt64, {1}, std::vector<int64_t>{1});
  const int g = b.add_tensor("gather", f32, {1, 5});
  b.add_operator(OpType::kGather, {pk, which}, {g}, GatherOptions{0, 0}, "gather");
  const int s2d = b.add_tensor("s2d", f32, {1, 4, 4, 16});
  b.add_operator(OpType::kSpaceToDepth, {x}, {s2d}, BlockSizeOptions{2}, "s2d");
  const int d2s = b.add_tensor("d2s", f32, {1, 8, 8, 4});
  b.add_operator(OpType::kDepthToSpace, {s2d}, {d2s}, BlockSizeOptions{2}, "d2s");
  b.add_operator(OpType::kLeakyRelu, {x}, {b.add_tensor("leaky", f32, {1, 8, 8, 4})},
                 LeakyReluOptions{0.1f}, "leaky_relu");
  // Resampling and SSD post-processing, off the graph outputs' paths.
  const int resized = b.add_tensor("resize", f32, {1, 6, 3, 8});
  b.add_operator(OpType::kResizeBilinear, {d}, {resized}, ResizeOptions{6, 3, true, false},
                 "resize");
  const int codes = b.add_constant("ssd/codes", f32, {1, 2, 4}, std::vector<float>(8, 0.5f));
  const int classes = b.add_constant("ssd/scores", f32, {1, 2, 3},
                                     std::vector<float>{0.1f, 0.9f, 0.2f, 0.3f, 0.4f, 0.8f});
  const int anchors = b.add_constant("ssd/anchors", f32, {2, 4},
                                     std::vector<float>{0.3f, 0.3f, 0.2f, 0.2f, 0.6f, 0.6f, 0.3f, 0.3f});
  DetectionPostprocessOptions detect;
  detect.max_detections = 2, detect.num_classes = 2, detect.nms_iou_threshold = 0.5f;
  detect.y_scale = detect.x_scale = 10, detect.h_scale = detect.w_scale = 5;
  b.add_operator(OpType::kDetectionPostprocess, {codes, classes, anchors},
                 {b.add_tensor("ssd/boxes", f32, {1, 2, 4}), b.add_tensor("ssd/classes", f32, {1, 2}),
                  b.add_tensor("ssd/scores_out", f32, {1, 2}), b.add_tensor("ssd/count", f32, {1})},
                 detect, "ssd");
  TransposeConvOptions tconv;
  tconv.padding = Padding::kSame;
  tconv.stride_h = tconv.stride_w = 2, tconv.activation = Activation::kRelu;
  tconv.output_height = tconv.output_width = 16;
  const int tconv_w = b.add_constant("tconv/w", f32, {2, 3, 3, 4}, std::vector<float>(72, 0.25f));
  b.add_operator(OpType::kTransposeConv, {x, tconv_w, kAbsentInput},
                 {b.add_tensor("tconv", f32, {1, 16, 16, 2})}, tconv, "tconv");
  // A fully-integer LSTM (1 unit, 2 steps of 3 features) with its variable state.
  std::vector<int> lstm(24, kAbsentInput);
  lstm[0] = b.add_constant("lstm/x", DType::kInt8, {1, 2, 3},
                           std::vector<int8_t>{1, -2, 3, 4, -5, 6}, per_tensor(0.05f, 0));
  for (int gate = 0; gate < 4; ++gate) {
    const std::string n = std::to_string(gate);
    lstm[1 + gate] = b.add_constant("lstm/w_in" + n, DType::kInt8, {1, 3},
                                    std::vector<int8_t>{1, 2, 3}, per_tensor(0.01f, 0));
    lstm[5 + gate] = b.add_constant("lstm/w_rec" + n, DType::kInt8, {1, 1},
                                    std::vector<int8_t>{7}, per_tensor(0.02f, 0));
    lstm[12 + gate] = b.add_constant("lstm/bias" + n, DType::kInt32, {1},
                                     std::vector<int32_t>{100}, per_tensor(0.0005f, 0));
  }
  lstm[18] = b.add_variable("lstm/h", DType::kInt8, {1, 1}, per_tensor(1 / 128.0f, 0));
  lstm[19] = b.add_variable("lstm/c", DType::kInt16, {1, 1}, per_tensor(1 / 4096.0f, 0));
  SequenceLstmOptions lstm_options;
  lstm_options.cell_clip = 3, lstm_options.hidden_scale = 1 / 128.0f;
  const int lstm_out = b.add_tensor("lstm/y", DType::kInt8, {1, 2, 1}, per_tensor(1 / 128.0f, 0));
  b.add_operator(OpType::kUnidirectionalSequenceLstm, lstm, {lstm_out}, lstm_options, "lstm");
  // A float SVDF (2 units of rank 2, memory 3) with its variable state.
  RecurrentOptions svdf;
  svdf.rank = 2, svdf.fused_activation = 4;
  b.add_operator(OpType::kSvdf,
                 {b.add_constant("svdf/x", f32, {1, 3}, std::vector<float>{1, -2, 0.5f}),
                  b.add_constant("svdf/wf", f32, {4, 3}, std::vector<float>(12, 0.25f)),
                  b.add_constant("svdf/wt", f32, {4, 3}, std::vector<float>(12, -0.5f)),
                  kAbsentInput, b.add_variable("svdf/state", f32, {1, 12})},
                 {b.add_tensor("svdf/y", f32, {1, 2})}, svdf, "svdf");

  b.set_inputs({x});
  b.set_outputs({padded, bc, bp, bfc, g, d2s, lstm_out});
}

std::vector<uint8_t> RawModel::serialize() const {
  auto build = [&](flatbuffers::FlatBufferBuilder& fbb, uint64_t data_start) {
    fbb.Clear();
    std::vector<flatbuffers::Offset<fb::Tensor>> ts;
    for (const RawTensor& t : tensors) {
      flatbuffers::Offset<fb::Quantization> q = 0;
      if (!t.scales.empty() || !t.zero_points.empty() || t.axis != 0) {
        q = fb::CreateQuantization(fbb, fbb.CreateVector(t.scales),
                                   fbb.CreateVector(t.zero_points), t.axis);
      }
      ts.push_back(fb::CreateTensor(fbb, fbb.CreateString(t.name), static_cast<fb::DType>(t.dtype),
                                    fbb.CreateVector(t.shape), t.buffer, q));
    }
    std::vector<flatbuffers::Offset<fb::Operator>> ops;
    for (const RawOperator& op : operators) {
      flatbuffers::Offset<void> options = 0;
      const int table = op.options_table >= 0 ? op.options_table : op.options_type;
      if (table == static_cast<int>(fb::Options::Pool2DOptions)) {
        options = fb::CreatePool2DOptions(fbb, static_cast<fb::Padding>(op.pool_padding)).Union();
      } else if (table != 0) {
        // Conv2DOptions' layout serves every other tag: the payload is only
        // read when the tag is a known one.
        options = fb::CreateConv2DOptions(fbb).Union();
      }
      ops.push_back(fb::CreateOperator(fbb, static_cast<fb::OpType>(op.type),
                                       fbb.CreateString(op.name), fbb.CreateVector(op.inputs),
                                       fbb.CreateVector(op.outputs),
                                       static_cast<fb::Options>(op.options_type), options));
    }
    std::vector<fb::Buffer> bs;
    for (const RawBuffer& b : buffers) {
      bs.emplace_back(b.absolute ? b.offset : data_start + b.offset, b.size);
    }
    auto model = fb::CreateModel(fbb, format_version, fbb.CreateString("raw"),
                                 fbb.CreateVector(ts), fbb.CreateVector(ops),
                                 fbb.CreateVector(inputs), fbb.CreateVector(outputs),
                                 fbb.CreateVectorOfStructs(bs));
    fbb.Finish(model, identifier);
  };
  flatbuffers::FlatBufferBuilder fbb;
  build(fbb, 0);
  const uint64_t data_start = (fbb.GetSize() + 63) / 64 * 64;
  build(fbb, data_start);
  std::vector<uint8_t> file(data_start + data.size(), 0);
  std::memcpy(file.data(), fbb.GetBufferPointer(), fbb.GetSize());
  if (!data.empty()) std::memcpy(file.data() + data_start, data.data(), data.size());
  return file;
}

RawModel raw_base() {
  RawModel m;
  RawTensor in;
  in.name = "in";
  in.shape = {1, 4, 4, 2};
  in.scales = {0.5f};
  in.zero_points = {-1};
  RawTensor out = in;
  out.name = "out";
  RawTensor weights;
  weights.name = "weights";
  weights.shape = {8};
  weights.buffer = 0;
  m.tensors = {in, out, weights};
  RawOperator pool;
  pool.type = static_cast<int>(fb::OpType::MAX_POOL_2D);
  pool.name = "pool";
  pool.inputs = {0};
  pool.outputs = {1};
  pool.options_type = static_cast<int>(fb::Options::Pool2DOptions);
  m.operators = {pool};
  m.inputs = {0};
  m.outputs = {1};
  m.buffers = {{0, 8}};
  m.data.assign(64, 7);
  return m;
}

std::shared_ptr<const Model> check_round_trip(ModelBuilder& builder,
                                              std::unique_ptr<PlacedBytes>* file) {
  Result<std::vector<uint8_t>> bytes = builder.finish();
  REQUIRE(bytes.ok());
  *file = std::make_unique<PlacedBytes>(bytes.value(), 0);
  auto model = Model::from_buffer((*file)->data(), (*file)->size());
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  CHECK(graph_difference(builder.graph(), model.value()->graph()) == "");
  return model.value();
}

}  // namespace testing
}  // namespace lowbit
