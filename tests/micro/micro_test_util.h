// Helpers for lowbit micro's tests: small .lbm models written with the
// generated FlatBuffers code, model bytes placed where a test wants them, and
// the C API's two entry points run as firmware would run them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/micro.h"

namespace lowbit {
namespace micro_test {

struct TinyTensor {
  std::string name;
  lowbit_dtype dtype = LOWBIT_INT8;
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;  // constant when not empty
  int32_t buffer = -1;        // the buffer index written when data is empty
  std::vector<float> scales;  // no quantization table when empty
  std::vector<int64_t> zero_points;
  bool is_variable = false;
};

struct TinyOperator {
  uint8_t type = 15;  // schema OpType (15: RESHAPE)
  std::vector<int32_t> inputs, outputs;
  std::string name;
  bool reshape_options = false;  // a ReshapeOptions table with the output's shape
  // Else an options table of this union type with every field at its default
  // (0: none; 1 Conv2D, 2 DepthwiseConv2D, 3 FullyConnected, 4 Pool2D,
  // 5 Elementwise, 7 Softmax).
  int default_options = 0;
};

struct TinyModel {
  std::vector<TinyTensor> tensors;
  std::vector<TinyOperator> operators;
  std::vector<int32_t> inputs, outputs;
  uint32_t format_version = 1;

  int32_t add(TinyTensor tensor) {
    tensors.push_back(std::move(tensor));
    return int32_t(tensors.size() - 1);
  }
  // The .lbm file: the FlatBuffer, then each constant at a 64-byte boundary.
  std::vector<uint8_t> serialize() const;
};

// int8 activations of this shape, quantized per tensor (scale 0.5, zero point -3).
TinyTensor int8_tensor(const std::string& name, std::vector<int32_t> shape);

// in [1,4,6] -> RESHAPE -> [24] -> RESHAPE -> [1,24] -> ... (`steps` operators,
// shapes alternating), the first with a constant int32 shape input.
TinyModel reshape_chain(int steps);

// A heap block from the 16-byte aligned operator new[].
struct FreeBlock {
  void operator()(uint8_t* p) const;
};
using Block = std::unique_ptr<uint8_t[], FreeBlock>;
Block new_block(size_t bytes);

// Bytes in heap memory of exactly their size (so AddressSanitizer sees every
// read past the end) at `misalignment` bytes from a 16-byte boundary.
class Placed {
 public:
  Placed(const std::vector<uint8_t>& bytes, size_t misalignment = 0);
  Placed(const uint8_t* bytes, size_t size, size_t misalignment = 0);
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  Block storage_;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Every operator lowbit micro has.
lowbit_micro_resolver all_ops();

// lowbit_micro_arena_size, then lowbit_micro_create in exactly that many
// bytes (its own heap block, so reads and writes past it are caught) at
// `arena_misalignment` from a 16-byte boundary.
struct Outcome {
  lowbit_status sizing = LOWBIT_OK;
  lowbit_status create = LOWBIT_OK;  // not tried (OK) when sizing failed
  size_t arena_bytes = 0;
  std::string message;    // the failing call's
  std::string bad_error;  // how a call's lowbit_micro_error broke its contract ("" when it kept it)
  lowbit_micro_memory memory{};
  Block arena;
  lowbit_micro* micro = nullptr;
};
Outcome size_and_create(const uint8_t* model, size_t model_bytes,
                        const lowbit_micro_resolver& resolver, int profile = 0,
                        size_t arena_misalignment = 0);

// What a failed call must look like: its status and a message ("" when the
// call succeeded, or describes what is wrong).
std::string check_error(lowbit_status status, const lowbit_micro_error& error);

const char* status_name(lowbit_status status);

bool read_file(const std::string& path, std::vector<uint8_t>* bytes);
// Regular files in a folder, sorted.
std::vector<std::string> list_files(const std::string& dir);

// build/models/<name>.lbm (made from ../shared/models at build time), or a
// message saying where it looked and how it is made.
bool build_model(const std::string& name, std::vector<uint8_t>* bytes, std::string* why_not);

}  // namespace micro_test
}  // namespace lowbit
