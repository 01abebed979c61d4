// FbReader (src/micro/fb_view.h), lowbit micro's bounds-checked FlatBuffer
// reader: what it reads from a flatc-built model equals what the generated
// accessors read, and on hand-made corrupt buffers every read that would
// leave the buffer answers false. The buffers sit in blocks of exactly their
// size, so under AddressSanitizer a read one byte past them is a failure.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "micro/fb_view.h"
#include "micro/lbm_view.h"
#include "micro_test_util.h"
#include "schema/lowbit_generated.h"

namespace lowbit {
namespace micro {
namespace {

using micro_test::Placed;

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) { std::memcpy(&b[at], &v, 2); }
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }

// A root table with a uint32 scalar (field 0) and an int32 vector (field 1):
//   0  root offset 16       4  "LBM1"
//   8  vtable: 8 bytes, table inline 12 bytes, field 0 at +4, field 1 at +8
//   16 table: soffset 8 (vtable at 16 - 8), 42, offset 4 (-> 28)
//   28 vector: count 3, then 1, 2, 3
std::vector<uint8_t> hand_made() {
  std::vector<uint8_t> b(44, 0);
  put32(b, 0, 16);
  std::memcpy(&b[4], "LBM1", 4);
  put16(b, 8, 8);
  put16(b, 10, 12);
  put16(b, 12, 4);
  put16(b, 14, 8);
  put32(b, 16, 8);
  put32(b, 20, 42);
  put32(b, 24, 4);
  put32(b, 28, 3);
  for (uint32_t i = 0; i < 3; ++i) put32(b, 32 + 4 * i, i + 1);
  return b;
}

TEST_CASE("FbReader reads a hand-made table") {
  const Placed p(hand_made());
  const FbReader r(p.data(), p.size());
  FbTable root;
  REQUIRE(r.root(&root));
  CHECK(root.pos == 16);
  CHECK(root.vtable == 8);
  CHECK(r.scalar<uint32_t>(root, 0, 7) == 42);
  CHECK(r.scalar<uint32_t>(root, 5, 7) == 7);  // past the vtable: absent
  FbVector v;
  REQUIRE(r.vector(root, 1, 4, &v));
  REQUIRE(v.count == 3);
  CHECK(r.element<int32_t>(v, 0) == 1);
  CHECK(r.element<int32_t>(v, 2) == 3);
  REQUIRE(r.vector(root, 3, 4, &v));  // absent: empty
  CHECK(v.count == 0);
  const char* text = nullptr;
  uint32_t length = 9;
  REQUIRE(r.string(root, 4, &text, &length));
  CHECK(length == 0);
  CHECK(std::string(text).empty());
  FbTable sub;
  REQUIRE(r.table(root, 6, &sub));
  CHECK(sub.pos == 0);
}

TEST_CASE("FbReader::in_bounds has no overflow at the edges") {
  const std::vector<uint8_t> bytes(10, 0);
  const FbReader r(bytes.data(), bytes.size());
  CHECK(r.in_bounds(0, 10));
  CHECK(r.in_bounds(10, 0));
  CHECK_FALSE(r.in_bounds(11, 0));
  CHECK_FALSE(r.in_bounds(1, 10));
  CHECK_FALSE(r.in_bounds(~uint64_t(0), 1));
  CHECK_FALSE(r.in_bounds(1, ~uint64_t(0)));
  CHECK_FALSE(r.in_bounds(uint64_t(1) << 63, uint64_t(1) << 63));
}

TEST_CASE("FbReader refuses corrupt tables, fields and vectors") {
  struct Corruption {
    const char* what;
    void (*apply)(std::vector<uint8_t>&);
    bool root_ok;       // the root table still reads
    bool vector_ok;     // field 1 still reads as a vector
  };
  const Corruption cases[] = {
      {"root offset past the end", [](auto& b) { put32(b, 0, 44); }, false, false},
      {"root offset 0", [](auto& b) { put32(b, 0, 0); }, false, false},
      {"root offset wraps", [](auto& b) { put32(b, 0, 0xfffffffcu); }, false, false},
      {"vtable before the buffer", [](auto& b) { put32(b, 16, 100); }, false, false},
      {"vtable at 0", [](auto& b) { put32(b, 16, 16); }, false, false},
      {"vtable past the end", [](auto& b) { put32(b, 16, uint32_t(-1000)); }, false, false},
      {"vtable past the end by its own size", [](auto& b) { put16(b, 8, 40); }, false, false},
      {"odd vtable size", [](auto& b) { put16(b, 8, 7); }, false, false},
      {"vtable shorter than its header", [](auto& b) { put16(b, 8, 2); }, false, false},
      {"inline size under 4", [](auto& b) { put16(b, 10, 3); }, false, false},
      {"inline size past the end", [](auto& b) { put16(b, 10, 29); }, false, false},
      {"field slot past the table's inline bytes", [](auto& b) { put16(b, 14, 10); }, true, false},
      {"vector offset past the end", [](auto& b) { put32(b, 24, 1000); }, true, false},
      {"vector offset wraps", [](auto& b) { put32(b, 24, 0xfffffffcu); }, true, false},
      {"vector count past the end", [](auto& b) { put32(b, 28, 4); }, true, false},
      {"vector count 2^32 - 1", [](auto& b) { put32(b, 28, 0xffffffffu); }, true, false},
      {"vtable shrunk: field 1 absent", [](auto& b) { put16(b, 8, 6); }, true, true},
  };
  for (const Corruption& c : cases) {
    INFO(c.what);
    std::vector<uint8_t> bytes = hand_made();
    c.apply(bytes);
    const Placed p(bytes);
    const FbReader r(p.data(), p.size());
    FbTable root;
    CHECK(r.root(&root) == c.root_ok);
    if (!c.root_ok) continue;
    FbVector v;
    CHECK(r.vector(root, 1, 4, &v) == c.vector_ok);
    if (c.vector_ok) CHECK(v.count == 0);
  }
}

TEST_CASE("FbReader on every prefix of a table reads nothing outside it") {
  const std::vector<uint8_t> full = hand_made();
  for (size_t size = 0; size <= full.size(); ++size) {
    INFO(size << " bytes");
    const Placed p(full.data(), size);
    const FbReader r(p.data(), p.size());
    FbTable root;
    if (!r.root(&root)) {
      CHECK(size < 28);  // the root table ends at 28
      continue;
    }
    FbVector v;
    CHECK(r.vector(root, 1, 4, &v) == (size == full.size()));
  }
}

TEST_CASE("FbReader and lbm_view read a flatc-built model as the generated code does") {
  const std::vector<uint8_t> bytes = micro_test::reshape_chain(3).serialize();
  const Placed p(bytes);
  const fb::Model* model = fb::GetModel(p.data());
  flatbuffers::Verifier verifier(p.data(), p.size());
  REQUIRE(fb::VerifyModelBuffer(verifier));

  char text[LOWBIT_MICRO_MESSAGE_BYTES];
  Message error(text, sizeof text);
  ModelView view;
  REQUIRE(view.open(p.data(), p.size(), error) == LOWBIT_OK);
  REQUIRE(view.num_tensors() == model->tensors()->size());
  REQUIRE(view.num_operators() == model->operators()->size());
  CHECK(view.num_inputs() == model->inputs()->size());
  CHECK(view.input(0) == model->inputs()->Get(0));
  CHECK(view.output(0) == model->outputs()->Get(0));
  for (uint32_t i = 0; i < view.num_tensors(); ++i) {
    const fb::Tensor* t = model->tensors()->Get(i);
    const TensorView v = view.tensor(int32_t(i));
    INFO("tensor " << i);
    CHECK(std::string(v.name.data, v.name.length) == t->name()->str());
    CHECK(int(v.dtype) == int(t->dtype()));
    REQUIRE(uint32_t(v.rank) == t->shape()->size());
    for (int d = 0; d < v.rank; ++d) CHECK(v.dims[d] == t->shape()->Get(uint32_t(d)));
    if (t->buffer() >= 0) {
      const fb::Buffer* b = model->buffers()->Get(uint32_t(t->buffer()));
      CHECK(v.constant == p.data() + b->offset());
      CHECK(v.bytes == b->size());
    } else {
      CHECK(v.constant == nullptr);
    }
    if (t->quantization() != nullptr) {
      REQUIRE(v.scales == t->quantization()->scale()->size());
      CHECK(view.scale(v, 0) == t->quantization()->scale()->Get(0));
      CHECK(view.zero_point(v, 0) == t->quantization()->zero_point()->Get(0));
    }
  }
  for (uint32_t i = 0; i < view.num_operators(); ++i) {
    const fb::Operator* o = model->operators()->Get(i);
    const OperatorView v = view.op(i);
    INFO("operator " << i);
    CHECK(v.type == uint8_t(o->type()));
    CHECK(std::string(v.name.data, v.name.length) == o->name()->str());
    CHECK(v.options_type == uint8_t(o->options_type()));
    CHECK(v.options.pos != 0);
    REQUIRE(v.inputs.count == o->inputs()->size());
    for (uint32_t k = 0; k < v.inputs.count; ++k) CHECK(view.op_input(v, k) == o->inputs()->Get(k));
    CHECK(view.op_output(v, 0) == o->outputs()->Get(0));
    CHECK(view.op_input(v, v.inputs.count) == -1);
  }
}

}  // namespace
}  // namespace micro
}  // namespace lowbit
