// What lowbit micro refuses before any operator sees a model: tensors whose
// data, quantization or buffer index is unusable, and graphs the arena plan
// cannot hold (reads before writes, writes to constants, outputs nothing
// writes, recurrent state, too many operands). Each refusal names the
// tensor or operator at fault.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "micro_test_util.h"

namespace lowbit {
namespace micro_test {
namespace {

using Catch::Matchers::Contains;

struct Refusal {
  lowbit_status status;
  std::string message;
};

// lowbit_micro_arena_size's and lowbit_micro_create's answer, which must agree.
Refusal refusal(const std::vector<uint8_t>& bytes) {
  const Placed model(bytes);
  const lowbit_micro_resolver ops = all_ops();
  lowbit_micro_error sizing_error, create_error;
  size_t arena_bytes = 0;
  const lowbit_status sizing =
      lowbit_micro_arena_size(model.data(), model.size(), &ops, nullptr, &arena_bytes, &sizing_error);
  std::vector<uint8_t> arena(1 << 16);
  lowbit_micro* micro = nullptr;
  const lowbit_status create = lowbit_micro_create(model.data(), model.size(), &ops, nullptr,
                                                   arena.data(), arena.size(), &micro, &create_error);
  CHECK(sizing == create);
  CHECK(std::string(sizing_error.message) == create_error.message);
  return {sizing, sizing_error.message};
}

// The file offset of tensor `index`'s constant data, found as the Buffer
// row (offset, size) in the FlatBuffer part.
size_t buffer_row(const std::vector<uint8_t>& file, uint64_t offset, uint64_t size) {
  uint8_t row[16];
  std::memcpy(row, &offset, 8);
  std::memcpy(row + 8, &size, 8);
  for (size_t at = 0; at + 16 <= file.size(); at += 4) {
    if (std::memcmp(&file[at], row, 16) == 0) return at;
  }
  FAIL("no Buffer row (" << offset << ", " << size << ") in the file");
  return 0;
}

TEST_CASE("model checks: a RESHAPE chain passes them") {
  CHECK(refusal(reshape_chain(3).serialize()).status == LOWBIT_OK);
}

TEST_CASE("model checks: unusable quantization is refused naming the tensor") {
  const float bad_scales[] = {0.0f, -0.5f, std::nanf(""), std::numeric_limits<float>::infinity()};
  for (float scale : bad_scales) {
    INFO("scale " << scale);
    TinyModel m = reshape_chain(2);
    m.tensors[3].scales = {scale};
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("tensor 3 't2': quantization scale 0 is not finite and > 0"));
  }
  // int8 and uint8 zero points within their type (fuzz_micro_lbm's second
  // finding: an int8 output zero point of -2^31 overflowed a kernel's
  // qmin - zero_point), others within int32.
  struct ZeroPoint {
    lowbit_dtype dtype;
    int64_t value;
    const char* fragment;  // "" when allowed
  };
  const ZeroPoint cases[] = {
      {LOWBIT_INT8, -128, ""},
      {LOWBIT_INT8, 127, ""},
      {LOWBIT_INT8, 128, "zero point 0 is 128, outside int8's range"},
      {LOWBIT_INT8, -129, "zero point 0 is -129, outside int8's range"},
      {LOWBIT_INT8, -(int64_t(1) << 31), "outside int8's range"},
      {LOWBIT_UINT8, 255, ""},
      {LOWBIT_UINT8, -1, "zero point 0 is -1, outside uint8's range"},
      {LOWBIT_INT32, -(int64_t(1) << 31), ""},
      {LOWBIT_INT32, int64_t(1) << 31, "zero point 0 is 2147483648, outside int32's range"},
      {LOWBIT_INT32, int64_t(1) << 40, "outside int32's range"},
  };
  for (const ZeroPoint& c : cases) {
    INFO(c.dtype << " zero point " << c.value);
    TinyModel m = reshape_chain(2);
    m.tensors[0].dtype = c.dtype;  // the input: RESHAPE copies any dtype
    m.tensors[2].dtype = c.dtype;
    m.tensors[3].dtype = c.dtype;
    for (int t : {0, 2, 3}) m.tensors[size_t(t)].zero_points = {c.value};
    const Refusal r = refusal(m.serialize());
    if (std::string(c.fragment).empty()) {
      CHECK(r.status == LOWBIT_OK);
    } else {
      CHECK(r.status == LOWBIT_INVALID_MODEL);
      CHECK_THAT(r.message, Contains("tensor 0 'in': zero point 0 is ") && Contains(c.fragment));
    }
  }
}

TEST_CASE("model checks: buffer indices below -1 and misplaced constants are refused") {
  TinyModel m = reshape_chain(2);
  m.tensors[3].buffer = -2;
  Refusal r = refusal(m.serialize());
  CHECK(r.status == LOWBIT_INVALID_MODEL);
  CHECK_THAT(r.message, Contains("tensor 3 is corrupt"));

  // The shape constant moved 16 bytes off its 64-byte boundary (still inside the file).
  std::vector<uint8_t> file = reshape_chain(2).serialize();
  const size_t data = file.size() - 4;  // the only constant: 4 bytes at the end
  REQUIRE(data % 64 == 0);
  const size_t row = buffer_row(file, data, 4);
  file.resize(file.size() + 16);
  const uint64_t moved = data + 16;
  std::memcpy(&file[row], &moved, 8);
  r = refusal(file);
  CHECK(r.status == LOWBIT_INVALID_MODEL);
  CHECK_THAT(r.message, Contains("tensor 1 is corrupt"));
}

TEST_CASE("model checks: graphs the plan cannot hold are refused naming the operator") {
  SECTION("an output no operator writes") {
    TinyModel m = reshape_chain(2);
    m.add(int8_tensor("orphan", {24}));
    m.outputs.push_back(int32_t(m.tensors.size() - 1));
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("model output 1 tensor 4 'orphan' is written by no operator"));
  }
  SECTION("no operators at all") {
    TinyModel m = reshape_chain(2);
    m.operators.clear();
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("model output 0 tensor 3 't2' is written by no operator"));
  }
  SECTION("an output that is a model input is fine") {
    TinyModel m = reshape_chain(2);
    m.outputs.push_back(0);
    CHECK(refusal(m.serialize()).status == LOWBIT_OK);
  }
  SECTION("a read before the write") {
    TinyModel m = reshape_chain(2);
    std::swap(m.operators[0], m.operators[1]);
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("RESHAPE (operator 0) reads tensor 2 't1' before any operator "
                                   "writes it"));
  }
  SECTION("a write to a constant, a model input, or twice") {
    for (int32_t target : {1, 0, 2}) {
      INFO("operator 1 writes tensor " << target);
      TinyModel m = reshape_chain(2);
      m.operators[1].outputs = {target};
      const Refusal r = refusal(m.serialize());
      CHECK(r.status == LOWBIT_INVALID_MODEL);
      CHECK_THAT(r.message, Contains("RESHAPE (operator 1) writes tensor " + std::to_string(target)));
    }
  }
  SECTION("a constant model input") {
    TinyModel m = reshape_chain(2);
    m.inputs.push_back(1);
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("model input 1 is constant tensor 1 'new_shape'"));
  }
  SECTION("a variable tensor (recurrent state)") {
    TinyModel m = reshape_chain(2);
    m.tensors[2].is_variable = true;
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_UNSUPPORTED);
    CHECK_THAT(r.message, Contains("tensor 2 't1' is a variable"));
  }
  SECTION("more operands than an operator record holds") {
    TinyModel m = reshape_chain(2);
    m.operators[1].inputs.assign(9, 2);
    const Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_UNSUPPORTED);
    CHECK_THAT(r.message, Contains("RESHAPE (operator 1) has 9 inputs and 1 outputs"));
  }
  SECTION("operand and model tensor indices out of range") {
    TinyModel m = reshape_chain(2);
    m.operators[1].inputs = {7};
    Refusal r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("RESHAPE (operator 1) input 0 names tensor 7 of 4"));
    m = reshape_chain(2);
    m.operators[1].outputs = {-1};
    r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("output 0 names tensor -1"));
    m = reshape_chain(2);
    m.outputs = {4};
    r = refusal(m.serialize());
    CHECK(r.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(r.message, Contains("model output 0 names tensor 4 of 4"));
  }
}

TEST_CASE("model checks: tensors and plans past 2^31 bytes are refused, not wrapped") {
  // fuzz_micro_lbm's first finding: a float32 input of 2^32 + 12 bytes was
  // planned as 16 (uint32_t rounding) and written past the arena.
  TinyModel m = reshape_chain(1);
  m.tensors[0].dtype = LOWBIT_FLOAT32;
  m.tensors[0].shape = {(1 << 30) + 3};
  Refusal r = refusal(m.serialize());
  CHECK(r.status == LOWBIT_INVALID_MODEL);
  CHECK_THAT(r.message, Contains("tensor 0 is corrupt"));

  // Two tensors of 2^31 bytes live together: a plan of 2^32 bytes.
  m = reshape_chain(1);
  m.operators[0].inputs.pop_back();  // no shape constant
  m.tensors[0].shape = {1 << 30, 2};
  m.tensors[2].shape = {1 << 30, 2};
  r = refusal(m.serialize());
  CHECK(r.status == LOWBIT_RESOURCE_EXHAUSTED);
  CHECK_THAT(r.message, Contains("the model needs more than 2147483648 bytes of arena"));
}

TEST_CASE("model checks: more buffers than lowbit_micro_arena_size plans go to create") {
  const int steps = LOWBIT_MICRO_SIZING_BUFFERS + 10;
  const Placed model(reshape_chain(steps).serialize());
  const lowbit_micro_resolver ops = all_ops();
  lowbit_micro_error error;
  size_t bytes = 0;
  CHECK(lowbit_micro_arena_size(model.data(), model.size(), &ops, nullptr, &bytes, &error) ==
        LOWBIT_UNSUPPORTED);
  CHECK_THAT(std::string(error.message), Contains("LOWBIT_MICRO_SIZING_BUFFERS"));
  std::vector<uint8_t> arena(1 << 20);
  lowbit_micro* micro = nullptr;
  REQUIRE(lowbit_micro_create(model.data(), model.size(), &ops, nullptr, arena.data(), arena.size(),
                              &micro, &error) == LOWBIT_OK);
  lowbit_micro_memory memory;
  lowbit_micro_memory_use(micro, &memory);
  CHECK(memory.planned_bytes == 3 * 32);  // the input, and two live at each step
  CHECK(memory.arena_bytes <= arena.size());
  REQUIRE(lowbit_micro_invoke(micro) == LOWBIT_OK);
}

}  // namespace
}  // namespace micro_test
}  // namespace lowbit
