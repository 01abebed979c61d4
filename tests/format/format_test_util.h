// Helpers for the model-format tests: aligned byte buffers, field-by-field
// graph comparison, and a hand-written FlatBuffer writer that can express
// files ModelBuilder never would (bad versions, offsets, enum values).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace testing {

// Bytes at a chosen distance from a 64-byte boundary (0 = aligned).
class PlacedBytes {
 public:
  PlacedBytes(const std::vector<uint8_t>& bytes, size_t misalignment)
      : storage_(static_cast<uint8_t*>(std::aligned_alloc(64, round_up(bytes.size() + 64)))),
        data_(storage_.get() + misalignment),
        size_(bytes.size()) {
    if (size_) std::memcpy(data_, bytes.data(), size_);
  }
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool contains(const void* p) const {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    return b >= data_ && b < data_ + size_;
  }

 private:
  static size_t round_up(size_t n) { return (n + 63) / 64 * 64; }
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> storage_;
  uint8_t* data_;
  size_t size_;
};

// Structurally valid but not meant to run: one operator per options kind plus
// one without options, tensors of every dtype, per-tensor and per-axis
// quantization, an absent optional input. Every options field is non-default.
void build_every_option_graph(ModelBuilder& builder);

// Passes every operator's validation and runs: float conv, depthwise, pool,
// add, mean, reshape, FC, softmax, concat, pad, plus a binary branch
// (bitpack, bconv, bmaxpool, bfc). Uses every options kind.
void build_valid_every_option_graph(ModelBuilder& builder);

// Every field of the options as text, so two options compare field by field
// and a mismatch prints readably.
std::string describe_options(const OpOptions& options);

// Empty when equal, else the first difference.
std::string graph_difference(const GraphDesc& expected, const GraphDesc& actual);

// Finishes the builder into *file (64-byte aligned) and loads the model from
// it in place; the loaded graph must equal the built one.
std::shared_ptr<const Model> check_round_trip(ModelBuilder& builder,
                                              std::unique_ptr<PlacedBytes>* file);

// A FlatBuffer model written field by field with raw enum values.
struct RawTensor {
  std::string name;
  int dtype = 1;  // INT8
  std::vector<int32_t> shape;
  int32_t buffer = -1;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t axis = 0;
};
struct RawOperator {
  int type = 11;  // RELU
  std::string name;
  std::vector<int32_t> inputs, outputs;
  int options_type = 0;  // NONE
  // For options_type != 0: which options table to actually write (its union
  // tag); -1 = same as options_type.
  int options_table = -1;
  int pool_padding = 1;  // VALID; written into a Pool2DOptions table
};
struct RawBuffer {
  uint64_t offset = 0;  // relative to the data area unless `absolute`
  uint64_t size = 0;
  bool absolute = false;
};
struct RawModel {
  uint32_t format_version = 1;
  const char* identifier = "LBM1";
  std::vector<RawTensor> tensors;
  std::vector<RawOperator> operators;
  std::vector<int32_t> inputs, outputs;
  std::vector<RawBuffer> buffers;
  std::vector<uint8_t> data;  // placed at the first 64-byte boundary after the FlatBuffer

  std::vector<uint8_t> serialize() const;
};

// The byte-level base of the malformed-model tests: MAX_POOL_2D (default 1x1
// window) on int8 [1,4,4,2] plus one unused constant in a data segment.
RawModel raw_base();

}  // namespace testing
}  // namespace lowbit
