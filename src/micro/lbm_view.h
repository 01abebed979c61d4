// A .lbm model read in place (schema/lowbit.fbs): open() checks everything
// the firmware runtime later reads, then the accessors hand out views into
// the caller's buffer. Nothing is copied: names, shapes, quantization and
// options stay where the model is (flash, on a microcontroller).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/micro.h"
#include "micro/fb_view.h"
#include "micro/message.h"

namespace lowbit {
namespace micro {

// Field ids of schema/lowbit.fbs (position in the table; a union takes two
// ids, its type then its value). tests/micro/lbm_view_test.cpp checks them
// against the generated code.
namespace field {
enum Model { kFormatVersion = 0, kDescription, kTensors, kOperators, kInputs, kOutputs, kBuffers };
enum Tensor { kName = 0, kDtype, kShape, kBuffer, kQuantization, kIsVariable };
enum Quantization { kScale = 0, kZeroPoint, kAxis };
enum Operator { kType = 0, kOpName, kOpInputs, kOpOutputs, kOptionsType, kOptions };
// The options tables lowbit micro's operators read (PrepareContext::option).
namespace conv2d {
enum { kPadding = 0, kStrideH, kStrideW, kDilationH, kDilationW, kActivation };
}
namespace depthwise_conv2d {  // the first five as conv2d's
enum { kPadding = 0, kStrideH, kStrideW, kDilationH, kDilationW, kDepthMultiplier, kActivation };
}
namespace fully_connected {
enum { kActivation = 0, kKeepNumDims };
}
namespace pool2d {
enum { kPadding = 0, kStrideH, kStrideW, kFilterH, kFilterW, kActivation };
}
namespace elementwise {
enum { kActivation = 0, kPotScaleInt16 };
}
namespace softmax {
enum { kBeta = 0 };
}
namespace reshape {
enum { kNewShape = 0 };
}
}  // namespace field

// The Options union's type ids used here (schema order, NONE = 0).
enum OptionsType : uint8_t {
  kNoOptions = 0,
  kConv2DOptions = 1,
  kDepthwiseConv2DOptions = 2,
  kFullyConnectedOptions = 3,
  kPool2DOptions = 4,
  kElementwiseOptions = 5,
  kSoftmaxOptions = 7,
  kReshapeOptions = 9,
};

// OpType values (schema/lowbit.fbs) of the operators lowbit micro runs.
enum MicroOpType : uint8_t {
  kOpConv2D = 0,
  kOpDepthwiseConv2D = 1,
  kOpFullyConnected = 2,
  kOpAdd = 3,
  kOpAveragePool2D = 5,
  kOpMaxPool2D = 6,
  kOpSoftmax = 8,
  kOpReshape = 15,
};
constexpr uint8_t kLastOpType = 69;  // BIDIRECTIONAL_SEQUENCE_LSTM

const char* op_type_name(uint8_t type);  // "CONV_2D"; "operator type 70" style names are not kept
const char* dtype_name(uint8_t dtype);   // "int8"

struct TensorView {
  int32_t index = -1;
  uint8_t dtype = 0;  // a lowbit_dtype value
  int rank = 0;
  int32_t dims[LOWBIT_MICRO_MAX_RANK] = {};
  size_t bytes = 0;
  const void* constant = nullptr;  // into the model; nullptr unless constant
  // Quantization: `scales` scale/zero-point pairs (0: none), per index of
  // `axis` when more than one.
  uint32_t scales = 0;
  int32_t axis = 0;
  FbVector scale_vector, zero_point_vector;
  Text name{"", 0};
  bool is_variable = false;

  int64_t elements() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
  int32_t dim(int i) const { return i < rank ? dims[i] : 1; }
};

struct OperatorView {
  int32_t index = -1;
  uint8_t type = 0;
  FbVector inputs, outputs;  // int32 tensor indices; -1 = an absent optional input
  uint8_t options_type = kNoOptions;
  FbTable options;  // pos 0 when the operator has none
  Text name{"", 0};
};

class ModelView {
 public:
  // Checks the buffer; LOWBIT_INVALID_MODEL with a message naming what is
  // wrong (the tensor or operator) otherwise.
  lowbit_status open(const void* data, size_t size, Message& error);

  uint32_t num_tensors() const { return tensors_.count; }
  uint32_t num_operators() const { return operators_.count; }
  uint32_t num_inputs() const { return inputs_.count; }
  uint32_t num_outputs() const { return outputs_.count; }
  int32_t input(uint32_t i) const { return reader_.element<int32_t>(inputs_, i); }
  int32_t output(uint32_t i) const { return reader_.element<int32_t>(outputs_, i); }

  TensorView tensor(int32_t index) const;
  OperatorView op(uint32_t index) const;
  int32_t op_input(const OperatorView& op, uint32_t i) const {
    return i < op.inputs.count ? reader_.element<int32_t>(op.inputs, i) : -1;
  }
  int32_t op_output(const OperatorView& op, uint32_t i) const {
    return i < op.outputs.count ? reader_.element<int32_t>(op.outputs, i) : -1;
  }
  float scale(const TensorView& t, uint32_t i) const {
    return i < t.scale_vector.count ? reader_.element<float>(t.scale_vector, i) : 0.0f;
  }
  int64_t zero_point(const TensorView& t, uint32_t i) const {
    return i < t.zero_point_vector.count ? reader_.element<int64_t>(t.zero_point_vector, i) : 0;
  }
  const FbReader& reader() const { return reader_; }

 private:
  bool check_tensor(uint32_t index, Message& error) const;
  bool check_operator(uint32_t index, Message& error) const;
  bool read_tensor(int32_t index, TensorView* view) const;

  FbReader reader_;
  FbVector tensors_, operators_, inputs_, outputs_, buffers_;
};

// Bytes of a tensor of this dtype and shape (0 for an unknown dtype); false
// when the element count or the bytes pass 2^31.
bool tensor_bytes(uint8_t dtype, const int32_t* dims, int rank, size_t* bytes);

}  // namespace micro
}  // namespace lowbit
