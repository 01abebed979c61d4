// The in-memory description of a model: tensors, operators and their options.
// ModelBuilder produces it, the loader reads it back from a .lbm file, and the
// interpreter executes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "lowbit/types.h"

namespace lowbit {

// One enumerator per line of lowbit/ops.def, with the value .lbm files store.
enum class OpType : uint8_t {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) k##Name = value,
#include "lowbit/ops.def"
};
constexpr int kNumOpTypes = 0
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) +1
#include "lowbit/ops.def"
    ;

const char* op_type_name(OpType type);  // "CONV_2D"

enum class Padding : uint8_t { kSame = 0, kValid = 1 };
enum class Activation : uint8_t { kNone = 0, kRelu = 1, kRelu6 = 2, kReluN1To1 = 3 };

struct Conv2DOptions {
  Padding padding = Padding::kValid;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Activation activation = Activation::kNone;
};

struct DepthwiseConv2DOptions {
  Padding padding = Padding::kValid;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int depth_multiplier = 1;
  Activation activation = Activation::kNone;
};

struct FullyConnectedOptions {
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;
};

struct Pool2DOptions {
  Padding padding = Padding::kValid;
  int stride_h = 1, stride_w = 1;
  int filter_h = 1, filter_w = 1;
  Activation activation = Activation::kNone;
};

// ADD, MUL.
struct ElementwiseOptions {
  Activation activation = Activation::kNone;
  // int16 ADD/SUB: TFLite's pot_scale_int16. With power-of-two scales the
  // operator then runs TFLite's saturating power-of-two path.
  bool pot_scale_int16 = false;
};

struct MeanOptions {
  std::vector<int32_t> axes;
  bool keep_dims = false;
};

struct SoftmaxOptions {
  float beta = 1.0f;
};

struct ConcatenationOptions {
  int axis = 0;
  Activation activation = Activation::kNone;
};

struct ReshapeOptions {
  std::vector<int32_t> new_shape;
};

// (before, after) for each input dimension.
struct PadOptions {
  std::vector<int32_t> paddings;
};

struct BConv2DOptions {
  Padding padding = Padding::kValid;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Activation activation = Activation::kNone;
  int pad_values = 1;  // 0 or 1 (LCE): what SAME padding pads with
};

struct BFullyConnectedOptions {
  Activation activation = Activation::kNone;
};

// Data movement (src/ops/data_movement/). TFLite passes these parameters as
// int32/int64 tensors; lowbit plans shapes when a model loads, so they must be
// constants, and the converter moves them into options like PAD's paddings.

// TRANSPOSE: output dimension d is input dimension perm[d].
struct TransposeOptions {
  std::vector<int32_t> perm;
};

// SLICE: size[d] = -1 takes everything from begin[d] to the end.
struct SliceOptions {
  std::vector<int32_t> begin;
  std::vector<int32_t> size;
};

// STRIDED_SLICE with TFLite's mask bits (bit d refers to entry d of begin).
struct StridedSliceOptions {
  std::vector<int32_t> begin, end, strides;
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0;
  int32_t new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;  // end[d] counts from begin[d]
};

// SPLIT (size_splits empty: as many equal parts as outputs) and SPLIT_V (one
// size per output, at most one -1 for the rest).
struct SplitOptions {
  int32_t axis = 0;
  std::vector<int32_t> size_splits;
};

// PACK, UNPACK and EXPAND_DIMS: the axis inserted or removed (negative
// counts from the end of the higher-rank shape). ARG_MAX and ARG_MIN: the
// axis reduced (negative counts from the end of the input's shape); the
// output tensor's dtype (int32 or int64) is TFLite's output_type.
struct AxisOptions {
  int32_t axis = 0;
};

// SQUEEZE: the size-1 axes removed; empty removes every size-1 axis.
struct SqueezeOptions {
  std::vector<int32_t> axes;
};

struct GatherOptions {
  int32_t axis = 0;
  int32_t batch_dims = 0;
};

struct TileOptions {
  std::vector<int32_t> multiples;
};

// DEPTH_TO_SPACE and SPACE_TO_DEPTH on NHWC tensors.
struct BlockSizeOptions {
  int32_t block_size = 2;
};

// RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: the output height and width (TFLite's
// constant size operand) and how output pixels map onto input coordinates.
struct ResizeOptions {
  int new_height = 1, new_width = 1;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// TFLite_Detection_PostProcess (SSD box decoding and non-maximum suppression),
// the fields of its FlexBuffer custom options.
struct DetectionPostprocessOptions {
  int max_detections = 0;
  int max_classes_per_detection = 1;  // fast (class-agnostic) NMS
  int detections_per_class = 100;     // regular (per-class) NMS
  bool use_regular_nms = false;
  float nms_score_threshold = 0.0f;
  float nms_iou_threshold = 0.0f;
  int num_classes = 0;
  float y_scale = 1.0f, x_scale = 1.0f, h_scale = 1.0f, w_scale = 1.0f;
};

// TRANSPOSE_CONV: stride, padding and fused activation as TFLite's, and the
// output height and width (TFLite's constant output_shape operand; SAME
// padding leaves them ambiguous from the input alone).
struct TransposeConvOptions {
  Padding padding = Padding::kValid;
  int stride_h = 1, stride_w = 1;
  Activation activation = Activation::kNone;
  int output_height = 1, output_width = 1;
};

// LEAKY_RELU: x > 0 ? x : alpha * x.
struct LeakyReluOptions {
  float alpha = 0.2f;
};

// UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite's UnidirectionalSequenceLSTMOptions,
// plus the quantization of the hidden state (o * tanh(c)) that TFLite's
// converter records on the operator's effective_hidden_scale_intermediate.
// BIDIRECTIONAL_SEQUENCE_LSTM: its BidirectionalSequenceLSTMOptions (the same
// fields and merge_outputs).
struct SequenceLstmOptions {
  int32_t cell_activation = 4;  // TFLite ActivationFunctionType: 4 = TANH
  float cell_clip = 0.0f;       // > 0: cell state clipped to +-cell_clip
  float proj_clip = 0.0f;       // > 0: projection output clipped
  bool time_major = false;      // input [time, batch, in] instead of [batch, time, in]
  bool asymmetric_quantize_inputs = false;  // hybrid kernels only
  float hidden_scale = 0.0f;
  int32_t hidden_zero_point = 0;
  // Layer-norm integer LSTM: the gates' pre-activation scales TFLite's
  // converter records on intermediates 0-3 (input, forget, cell, output).
  float input_gate_scale = 0.0f;
  float forget_gate_scale = 0.0f;
  float cell_gate_scale = 0.0f;
  float output_gate_scale = 0.0f;
  // BIDIRECTIONAL_SEQUENCE_LSTM: one output [.., fw_units + bw_units] instead of two.
  bool merge_outputs = false;
};

// SVDF and UNIDIRECTIONAL_SEQUENCE_RNN: TFLite's SVDFOptions and
// SequenceRNNOptions in one kind. fused_activation is TFLite's
// ActivationFunctionType code: these operators take TANH and SIGN_BIT too,
// which Activation has not.
struct RecurrentOptions {
  int32_t rank = 1;                         // SVDF: filters per output unit
  int32_t fused_activation = 0;             // 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6, 4 TANH, 5 SIGN_BIT
  bool time_major = false;                  // RNN: input [time, batch, in]
  bool asymmetric_quantize_inputs = false;  // hybrid kernels only
};

// The options kind of operators that take none.
using NoOptions = std::monostate;

// NoOptions, then the kinds of lowbit/ops.def in schema order, so index() is
// the schema's union tag.
using OpOptions = std::variant<NoOptions
#define LOWBIT_OPTIONS(Kind) , Kind
#include "lowbit/ops.def"
                               >;

struct TensorDesc {
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;
  Quantization quant;
  // Constant tensors point at their data (inside the mapped file or the
  // builder's storage); intermediate and graph-input tensors have none.
  const void* data = nullptr;
  size_t data_bytes = 0;
  // Recurrent state: an operator reads and overwrites it in place, its value
  // persists across invoke() calls, and Interpreter::reset_state() sets it
  // back to its zero point (int8) or zero (other dtypes), as TFLite does.
  bool is_variable = false;

  bool is_constant() const { return data != nullptr; }
};

constexpr int kAbsentInput = -1;

// Bytes the converter derived from an operator's constants for one kernel
// layout (docs/format.md, "Prepared data"); data points into the model.
struct PreparedData {
  std::string key;
  const void* data = nullptr;
  size_t bytes = 0;
};

struct OperatorDesc {
  OpType type = OpType::kConv2D;
  std::string name;
  std::vector<int> inputs;  // kAbsentInput for an optional input not given
  std::vector<int> outputs;
  OpOptions options;
  std::vector<PreparedData> prepared;  // optional, see PreparedData
};

struct GraphDesc {
  std::string description;
  std::vector<TensorDesc> tensors;
  std::vector<OperatorDesc> operators;  // in execution order
  std::vector<int> inputs;
  std::vector<int> outputs;
};

// "operator 3 (CONV_2D \"conv1\")" / "tensor 7 (\"conv1/weights\")" for messages.
std::string describe_operator(const GraphDesc& graph, int op_index);
std::string describe_tensor(const GraphDesc& graph, int tensor_index);

}  // namespace lowbit
