// lowbit micro reads the .lbm FlatBuffer without generated code, by field ids
// and enum values written out in src/micro/lbm_view.h. These must equal what
// flatc generates from schema/lowbit.fbs: checked at compile time (a field id
// is its vtable slot VT_* = 4 + 2 * id), the names at run time.
#include <catch2/catch.hpp>

#include <cctype>
#include <string>

#include "lowbit/c_types.h"
#include "micro/lbm_view.h"
#include "schema/lowbit_generated.h"

namespace lowbit {
namespace micro {
namespace {

constexpr int slot(int id) { return 4 + 2 * id; }

// Model
static_assert(fb::Model::VT_FORMAT_VERSION == slot(field::kFormatVersion));
static_assert(fb::Model::VT_DESCRIPTION == slot(field::kDescription));
static_assert(fb::Model::VT_TENSORS == slot(field::kTensors));
static_assert(fb::Model::VT_OPERATORS == slot(field::kOperators));
static_assert(fb::Model::VT_INPUTS == slot(field::kInputs));
static_assert(fb::Model::VT_OUTPUTS == slot(field::kOutputs));
static_assert(fb::Model::VT_BUFFERS == slot(field::kBuffers));
// Tensor
static_assert(fb::Tensor::VT_NAME == slot(field::kName));
static_assert(fb::Tensor::VT_DTYPE == slot(field::kDtype));
static_assert(fb::Tensor::VT_SHAPE == slot(field::kShape));
static_assert(fb::Tensor::VT_BUFFER == slot(field::kBuffer));
static_assert(fb::Tensor::VT_QUANTIZATION == slot(field::kQuantization));
static_assert(fb::Tensor::VT_IS_VARIABLE == slot(field::kIsVariable));
// Quantization
static_assert(fb::Quantization::VT_SCALE == slot(field::kScale));
static_assert(fb::Quantization::VT_ZERO_POINT == slot(field::kZeroPoint));
static_assert(fb::Quantization::VT_AXIS == slot(field::kAxis));
// Operator (the options union takes two slots: its type, then its table)
static_assert(fb::Operator::VT_TYPE == slot(field::kType));
static_assert(fb::Operator::VT_NAME == slot(field::kOpName));
static_assert(fb::Operator::VT_INPUTS == slot(field::kOpInputs));
static_assert(fb::Operator::VT_OUTPUTS == slot(field::kOpOutputs));
static_assert(fb::Operator::VT_OPTIONS_TYPE == slot(field::kOptionsType));
static_assert(fb::Operator::VT_OPTIONS == slot(field::kOptions));

// The options tables the operators read.
static_assert(fb::Conv2DOptions::VT_PADDING == slot(field::conv2d::kPadding));
static_assert(fb::Conv2DOptions::VT_STRIDE_H == slot(field::conv2d::kStrideH));
static_assert(fb::Conv2DOptions::VT_STRIDE_W == slot(field::conv2d::kStrideW));
static_assert(fb::Conv2DOptions::VT_DILATION_H == slot(field::conv2d::kDilationH));
static_assert(fb::Conv2DOptions::VT_DILATION_W == slot(field::conv2d::kDilationW));
static_assert(fb::Conv2DOptions::VT_ACTIVATION == slot(field::conv2d::kActivation));
static_assert(fb::DepthwiseConv2DOptions::VT_PADDING == slot(field::depthwise_conv2d::kPadding));
static_assert(fb::DepthwiseConv2DOptions::VT_STRIDE_H == slot(field::depthwise_conv2d::kStrideH));
static_assert(fb::DepthwiseConv2DOptions::VT_STRIDE_W == slot(field::depthwise_conv2d::kStrideW));
static_assert(fb::DepthwiseConv2DOptions::VT_DILATION_H == slot(field::depthwise_conv2d::kDilationH));
static_assert(fb::DepthwiseConv2DOptions::VT_DILATION_W == slot(field::depthwise_conv2d::kDilationW));
static_assert(fb::DepthwiseConv2DOptions::VT_DEPTH_MULTIPLIER ==
              slot(field::depthwise_conv2d::kDepthMultiplier));
static_assert(fb::DepthwiseConv2DOptions::VT_ACTIVATION == slot(field::depthwise_conv2d::kActivation));
// weighted.cpp reads both convolutions' windows with conv2d's ids.
static_assert(int(field::depthwise_conv2d::kPadding) == int(field::conv2d::kPadding) &&
              int(field::depthwise_conv2d::kStrideH) == int(field::conv2d::kStrideH) &&
              int(field::depthwise_conv2d::kStrideW) == int(field::conv2d::kStrideW) &&
              int(field::depthwise_conv2d::kDilationH) == int(field::conv2d::kDilationH) &&
              int(field::depthwise_conv2d::kDilationW) == int(field::conv2d::kDilationW));
static_assert(fb::FullyConnectedOptions::VT_ACTIVATION == slot(field::fully_connected::kActivation));
static_assert(fb::FullyConnectedOptions::VT_KEEP_NUM_DIMS ==
              slot(field::fully_connected::kKeepNumDims));
static_assert(fb::Pool2DOptions::VT_PADDING == slot(field::pool2d::kPadding));
static_assert(fb::Pool2DOptions::VT_STRIDE_H == slot(field::pool2d::kStrideH));
static_assert(fb::Pool2DOptions::VT_STRIDE_W == slot(field::pool2d::kStrideW));
static_assert(fb::Pool2DOptions::VT_FILTER_H == slot(field::pool2d::kFilterH));
static_assert(fb::Pool2DOptions::VT_FILTER_W == slot(field::pool2d::kFilterW));
static_assert(fb::Pool2DOptions::VT_ACTIVATION == slot(field::pool2d::kActivation));
static_assert(fb::ElementwiseOptions::VT_ACTIVATION == slot(field::elementwise::kActivation));
static_assert(fb::ElementwiseOptions::VT_POT_SCALE_INT16 == slot(field::elementwise::kPotScaleInt16));
static_assert(fb::SoftmaxOptions::VT_BETA == slot(field::softmax::kBeta));
static_assert(fb::ReshapeOptions::VT_NEW_SHAPE == slot(field::reshape::kNewShape));

// The segment table's rows, read as two uint64 at 16-byte strides.
static_assert(sizeof(fb::Buffer) == 16);

// The Options union's tags.
static_assert(uint8_t(fb::Options::NONE) == kNoOptions);
static_assert(uint8_t(fb::Options::Conv2DOptions) == kConv2DOptions);
static_assert(uint8_t(fb::Options::DepthwiseConv2DOptions) == kDepthwiseConv2DOptions);
static_assert(uint8_t(fb::Options::FullyConnectedOptions) == kFullyConnectedOptions);
static_assert(uint8_t(fb::Options::Pool2DOptions) == kPool2DOptions);
static_assert(uint8_t(fb::Options::ElementwiseOptions) == kElementwiseOptions);
static_assert(uint8_t(fb::Options::SoftmaxOptions) == kSoftmaxOptions);
static_assert(uint8_t(fb::Options::ReshapeOptions) == kReshapeOptions);

// The operator types lowbit micro runs, and the last one it can name.
static_assert(uint8_t(fb::OpType::CONV_2D) == kOpConv2D);
static_assert(uint8_t(fb::OpType::DEPTHWISE_CONV_2D) == kOpDepthwiseConv2D);
static_assert(uint8_t(fb::OpType::FULLY_CONNECTED) == kOpFullyConnected);
static_assert(uint8_t(fb::OpType::ADD) == kOpAdd);
static_assert(uint8_t(fb::OpType::AVERAGE_POOL_2D) == kOpAveragePool2D);
static_assert(uint8_t(fb::OpType::MAX_POOL_2D) == kOpMaxPool2D);
static_assert(uint8_t(fb::OpType::SOFTMAX) == kOpSoftmax);
static_assert(uint8_t(fb::OpType::RESHAPE) == kOpReshape);
static_assert(uint8_t(fb::OpType::MAX) == kLastOpType);

// lowbit_micro_tensor::dtype is the schema's DType value.
static_assert(int(fb::DType::FLOAT32) == LOWBIT_FLOAT32);
static_assert(int(fb::DType::INT8) == LOWBIT_INT8);
static_assert(int(fb::DType::UINT8) == LOWBIT_UINT8);
static_assert(int(fb::DType::INT32) == LOWBIT_INT32);
static_assert(int(fb::DType::BIT) == LOWBIT_BIT);
static_assert(int(fb::DType::INT64) == LOWBIT_INT64);
static_assert(int(fb::DType::BOOL) == LOWBIT_BOOL);
static_assert(int(fb::DType::INT16) == LOWBIT_INT16);
static_assert(int(fb::DType::FLOAT16) == LOWBIT_FLOAT16);
static_assert(int(fb::DType::INT4) == LOWBIT_INT4);

std::string lower(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

TEST_CASE("operator and dtype names in messages are the schema's") {
  for (int type = 0; type <= int(fb::OpType::MAX); ++type) {
    INFO("OpType " << type);
    CHECK(std::string(op_type_name(uint8_t(type))) == fb::EnumNameOpType(fb::OpType(type)));
  }
  CHECK(std::string(op_type_name(uint8_t(int(fb::OpType::MAX) + 1))) == "?");
  for (int dtype = int(fb::DType::MIN); dtype <= int(fb::DType::MAX); ++dtype) {
    INFO("DType " << dtype);
    CHECK(std::string(dtype_name(uint8_t(dtype))) == lower(fb::EnumNameDType(fb::DType(dtype))));
  }
  CHECK(std::string(dtype_name(uint8_t(int(fb::DType::MAX) + 1))) == "?");
}

TEST_CASE("tensor_bytes sizes every dtype as the format stores it") {
  const int32_t dims[] = {2, 3, 40};
  size_t bytes = 0;
  REQUIRE(tensor_bytes(LOWBIT_INT8, dims, 3, &bytes));
  CHECK(bytes == 240);
  REQUIRE(tensor_bytes(LOWBIT_INT16, dims, 3, &bytes));
  CHECK(bytes == 480);
  REQUIRE(tensor_bytes(LOWBIT_FLOAT32, dims, 3, &bytes));
  CHECK(bytes == 960);
  REQUIRE(tensor_bytes(LOWBIT_INT64, dims, 3, &bytes));
  CHECK(bytes == 1920);
  REQUIRE(tensor_bytes(LOWBIT_INT4, dims, 3, &bytes));
  CHECK(bytes == 120);
  REQUIRE(tensor_bytes(LOWBIT_BIT, dims, 3, &bytes));  // 40 bits: 2 words per row
  CHECK(bytes == 6 * 2 * 4);
  REQUIRE(tensor_bytes(LOWBIT_INT8, dims, 0, &bytes));  // a scalar
  CHECK(bytes == 1);
  const int32_t negative[] = {2, -1};
  CHECK_FALSE(tensor_bytes(LOWBIT_INT8, negative, 2, &bytes));
  const int32_t huge[] = {65536, 65536};
  CHECK_FALSE(tensor_bytes(LOWBIT_INT8, huge, 2, &bytes));
  // Bytes, not only elements, stay within 2^31 (the plan's uint32 offsets).
  const int32_t two_gib[] = {1 << 30, 2};
  REQUIRE(tensor_bytes(LOWBIT_INT8, two_gib, 2, &bytes));
  CHECK(bytes == size_t(1) << 31);
  CHECK_FALSE(tensor_bytes(LOWBIT_INT16, two_gib, 2, &bytes));
  const int32_t words[] = {1 << 30, 3};  // 2^32 + 12 bytes of float: once wrapped to 12
  CHECK_FALSE(tensor_bytes(LOWBIT_FLOAT32, words, 2, &bytes));
  CHECK_FALSE(tensor_bytes(uint8_t(int(fb::DType::MAX) + 1), dims, 3, &bytes));
}

}  // namespace
}  // namespace micro
}  // namespace lowbit
