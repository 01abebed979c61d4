// Corrupt and inconsistent models: each must be refused with a clean Status
// whose message names what is wrong, never a crash.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>

#include "format/lbm_format.h"
#include "format_test_util.h"
#include "graph/validate.h"
#include "schema/lowbit_generated.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

Status load(const std::vector<uint8_t>& bytes, const LoadOptions& options = {}) {
  const PlacedBytes file(bytes, 0);
  auto model = Model::from_buffer(file.data(), file.size(), options);
  return model.ok() ? Status::Ok() : model.status();
}

Status load(const GraphDesc& graph, const LoadOptions& options = {}) {
  Result<std::vector<uint8_t>> bytes = serialize_graph(graph);
  if (!bytes.ok()) return bytes.status();
  return load(bytes.value(), options);
}

#define CHECK_REJECTED(status_expr, expected_code, text)               \
  do {                                                                 \
    const Status rejected_ = (status_expr);                            \
    INFO("status: " << rejected_.to_string());                         \
    CHECK(rejected_.code() == (expected_code));                        \
    CHECK_THAT(rejected_.message(), Catch::Contains(text));            \
  } while (0)

// ---------------------------------------------------------------------------
// Byte-level faults, written with the raw FlatBuffer writer.


TEST_CASE("the raw base model loads") {
  const Status status = load(raw_base().serialize());
  INFO(status.to_string());
  CHECK(status.ok());
}

TEST_CASE("malformed: truncated files") {
  const std::vector<uint8_t> good = raw_base().serialize();
  const size_t flatbuffer_end = good.size() - 64;
  SECTION("too short for a header") {
    CHECK_REJECTED(load(std::vector<uint8_t>(good.begin(), good.begin() + 5)),
                   StatusCode::kInvalidModel, "truncated");
  }
  SECTION("cut inside the FlatBuffer") {
    CHECK_REJECTED(load(std::vector<uint8_t>(good.begin(), good.begin() + flatbuffer_end / 2)),
                   StatusCode::kInvalidModel, "FlatBuffers verification failed");
  }
  SECTION("cut inside the data segments") {
    CHECK_REJECTED(load(std::vector<uint8_t>(good.begin(), good.begin() + flatbuffer_end + 4)),
                   StatusCode::kInvalidModel, "buffer 0: bytes [");
  }
}

TEST_CASE("malformed: wrong file identifier") {
  RawModel m = raw_base();
  m.identifier = "TFL3";
  CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                 "wrong file identifier \"TFL3\" (expected \"LBM1\")");
}

TEST_CASE("malformed: format versions") {
  RawModel m = raw_base();
  m.format_version = 2;
  CHECK_REJECTED(load(m.serialize()), StatusCode::kUnsupported, "format_version 2 is newer");
  m.format_version = 0;
  CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel, "format_version 0");
}

TEST_CASE("malformed: buffer placement") {
  RawModel m = raw_base();
  SECTION("offset not a multiple of 64") {
    m.buffers[0].offset = 8;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel, "not a multiple of 64");
  }
  SECTION("segment beyond the end of the file") {
    m.buffers[0].offset = 640;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel, "lie outside the");
  }
  SECTION("offset + size overflows 64 bits") {
    m.buffers[0] = {std::numeric_limits<uint64_t>::max() - 63, 128, true};
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel, "lie outside the");
  }
  SECTION("size differs from the tensor's storage size") {
    m.buffers[0].size = 7;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "tensor 2 \"weights\": constant data has 7 bytes but int8[8] needs 8");
  }
  SECTION("tensor's buffer index out of range") {
    m.tensors[2].buffer = 5;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "tensor 2 \"weights\": buffer index 5 is out of range (model has 1 buffers)");
    m.tensors[2].buffer = -7;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel, "buffer index -7");
  }
}

TEST_CASE("malformed: tensor encodings") {
  RawModel m = raw_base();
  SECTION("unknown dtype") {
    m.tensors[1].dtype = 10;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "tensor 1 \"out\": unknown dtype 10");
  }
  SECTION("rank above kMaxRank") {
    m.tensors[1].shape.assign(9, 1);
    CHECK_REJECTED(load(m.serialize()), StatusCode::kResourceExhausted,
                   "tensor 1 \"out\": rank 9 exceeds the limit of 8");
  }
  SECTION("rank above LoadOptions::max_rank") {
    LoadOptions options;
    options.max_rank = 3;
    CHECK_REJECTED(load(m.serialize(), options), StatusCode::kResourceExhausted,
                   "tensor 0 \"in\": rank 4 exceeds the limit of 3");
  }
  SECTION("zero point beyond int32") {
    m.tensors[0].zero_points = {int64_t{1} << 40};
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "tensor 0 \"in\": zero point 1099511627776 is out of range");
  }
}

TEST_CASE("malformed: operator encodings") {
  RawModel m = raw_base();
  SECTION("unknown operator type") {
    m.operators[0].type = 200;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "operator 0 (\"pool\"): unknown operator type 200");
  }
  SECTION("unknown options union type") {
    m.operators[0].options_type = 99;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool\"): unknown options type 99");
  }
  SECTION("options tag without its table") {
    m.operators[0].options_table = 0;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool\"): options of type Pool2DOptions are missing");
  }
  SECTION("unknown enum value inside the options") {
    m.operators[0].pool_padding = 7;
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool\"): options: unknown padding value 7");
  }
  SECTION("options of another operator's kind") {
    m.operators[0].options_type = static_cast<int>(fb::Options::Conv2DOptions);
    CHECK_REJECTED(load(m.serialize()), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool\"): options type mismatch: has Conv2DOptions, "
                   "expected Pool2DOptions");
  }
}

std::string temp_model_path(const char* tag) {
  return (std::filesystem::temp_directory_path() /
          ("lowbit_malformed_" + std::to_string(::getpid()) + "_" + tag + ".lbm"))
      .string();
}

TEST_CASE("malformed: file larger than max_model_bytes") {
  const std::vector<uint8_t> bytes = raw_base().serialize();
  LoadOptions options;
  options.max_model_bytes = bytes.size() - 1;
  CHECK_REJECTED(load(bytes, options), StatusCode::kResourceExhausted, "max_model_bytes");

  const std::string path = temp_model_path("limit");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
  auto model = Model::from_file(path, options);
  options.max_model_bytes = bytes.size();
  auto exact = Model::from_file(path, options);
  std::remove(path.c_str());
  REQUIRE_FALSE(model.ok());
  CHECK(model.status().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(model.status().message(), Catch::Contains("max_model_bytes"));
  INFO(exact.status().to_string());
  CHECK(exact.ok());
}

TEST_CASE("from_file names the file in its errors") {
  const std::string path = temp_model_path("errors");
  auto write = [&](const std::vector<uint8_t>& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    if (!bytes.empty()) REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    std::fclose(f);
  };
  SECTION("empty file") {
    write({});
    auto model = Model::from_file(path);
    REQUIRE_FALSE(model.ok());
    CHECK(model.status().code() == StatusCode::kInvalidModel);
    CHECK_THAT(model.status().message(), Catch::StartsWith(path + ": file is truncated"));
  }
  SECTION("corrupt file") {
    RawModel m = raw_base();
    m.identifier = "XXXX";
    write(m.serialize());
    auto model = Model::from_file(path);
    REQUIRE_FALSE(model.ok());
    CHECK_THAT(model.status().message(), Catch::StartsWith(path + ": wrong file identifier"));
  }
  SECTION("a directory") {
    auto model = Model::from_file(std::filesystem::temp_directory_path().string());
    REQUIRE_FALSE(model.ok());
    CHECK(model.status().code() == StatusCode::kIoError);
    CHECK_THAT(model.status().message(), Catch::Contains("not a readable regular file"));
  }
  std::remove(path.c_str());
}

TEST_CASE("malformed: random corruption is always a clean Status") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  ModelBuilder rich;
  build_every_option_graph(rich);
  const std::vector<std::vector<uint8_t>> bases = {raw_base().serialize(), rich.finish().value()};
  for (size_t base = 0; base < bases.size(); ++base) {
    CAPTURE(base);
    const std::vector<uint8_t>& good = bases[base];
    // Damage only the FlatBuffer: the data segments are opaque weights.
    size_t flatbuffer_end = good.size();
    for (const TensorDesc& t : rich.graph().tensors) {
      if (base == 1 && t.is_constant()) flatbuffer_end -= (t.data_bytes + 63) / 64 * 64;
    }
    if (base == 0) flatbuffer_end -= 64;
    int rejected = 0;
    const int iterations = scaled_iterations(3000);
    for (int i = 0; i < iterations; ++i) {
      std::vector<uint8_t> bad = good;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) bad[rng() % flatbuffer_end] = static_cast<uint8_t>(rng());
      if (rng() % 4 == 0) bad.resize(rng() % good.size());
      const Status status = load(bad);
      if (!status.ok()) {
        ++rejected;
        CHECK_FALSE(status.message().empty());
      }
    }
    // Most damage must be noticed; a flip inside a name or padding may not be.
    // (The rich graph is never runnable, so all of its variants are refused.)
    CHECK(rejected > iterations / 4);
  }
}

// ---------------------------------------------------------------------------
// Graph-level faults: a valid graph from ModelBuilder, one field changed.

// in int8[1,4,4,2] → pool1 (2x2/2) → mid[1,2,2,2] → pool2 (2x2/2) → out[1,1,1,2]
struct BaseGraph {
  ModelBuilder builder;
  int in, mid, out, weights;
  BaseGraph() {
    const Quantization q = per_tensor(0.5f, -1);
    in = builder.add_tensor("in", DType::kInt8, {1, 4, 4, 2}, q);
    mid = builder.add_tensor("mid", DType::kInt8, {1, 2, 2, 2}, q);
    out = builder.add_tensor("out", DType::kInt8, {1, 1, 1, 2}, q);
    weights = builder.add_constant("weights", DType::kInt8, {2, 3},
                                   std::vector<int8_t>{1, 2, 3, 4, 5, 6},
                                   per_axis({0.5f, 0.25f}, 0));
    Pool2DOptions pool;
    pool.filter_h = pool.filter_w = 2;
    pool.stride_h = pool.stride_w = 2;
    builder.add_operator(OpType::kMaxPool2D, {in}, {mid}, pool, "pool1");
    builder.add_operator(OpType::kMaxPool2D, {mid}, {out}, pool, "pool2");
    builder.set_inputs({in});
    builder.set_outputs({out});
  }
  GraphDesc graph() const { return builder.graph(); }
};

TEST_CASE("the base graph loads and validates") {
  BaseGraph base;
  CHECK(validate_graph(base.graph(), {}).ok());
  const Status status = load(base.graph());
  INFO(status.to_string());
  CHECK(status.ok());
}

TEST_CASE("malformed: tensor shapes and sizes") {
  BaseGraph base;
  GraphDesc g = base.graph();
  SECTION("negative dimension") {
    g.tensors[base.mid].shape = {1, -2, 2, 2};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "tensor 1 \"mid\": negative dimension -2 in shape [1,-2,2,2]");
  }
  SECTION("element count overflow") {
    g.tensors[base.mid].shape = {65536, 65536, 65536, 65536, 65536};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "tensor 1 \"mid\": element count or byte");
  }
  SECTION("bit tensor whose innermost dimension overflows its word count") {
    g.tensors[base.mid].dtype = DType::kBit;
    g.tensors[base.mid].quant = Quantization();
    g.tensors[base.mid].shape = {1, 1, 1, INT32_MAX};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "tensor 1 \"mid\": element count or byte");
  }
  SECTION("tensor over max_tensor_bytes") {
    LoadOptions options;
    options.max_tensor_bytes = 31;
    CHECK_REJECTED(load(g, options), StatusCode::kResourceExhausted,
                   "tensor 0 \"in\": 32 bytes exceeds max_tensor_bytes (31)");
    options.max_tensor_bytes = 32;
    CHECK(load(g, options).ok());
  }
  SECTION("constant of the wrong size from the builder") {
    ModelBuilder b;
    const int c = b.add_constant("c", DType::kBit, {2, 33}, std::vector<uint32_t>{1, 2, 3});
    b.set_inputs({});
    b.set_outputs({});
    (void)c;
    Result<std::vector<uint8_t>> bytes = b.finish();
    REQUIRE(bytes.ok());
    CHECK_REJECTED(load(bytes.value()), StatusCode::kInvalidModel,
                   "tensor 0 \"c\": constant data has 12 bytes but bit[2,33] needs 16");
  }
}

TEST_CASE("malformed: quantization parameters") {
  BaseGraph base;
  GraphDesc g = base.graph();
  Quantization& q = g.tensors[base.weights].quant;
  const char* who = "tensor 3 \"weights\": ";
  SECTION("zero scale") {
    q.scales[1] = 0.0f;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   std::string(who) + "quantization scale 1 is 0");
  }
  SECTION("negative scale") {
    q.scales[0] = -0.5f;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "scales must be finite and > 0");
  }
  SECTION("NaN and infinite scales") {
    q.scales[0] = std::nanf("");
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "scales must be finite and > 0");
    q.scales[0] = std::numeric_limits<float>::infinity();
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "scales must be finite and > 0");
  }
  SECTION("zero point out of the dtype's range") {
    q.zero_points[0] = 200;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   std::string(who) + "zero point 200 is out of range for int8");
    q.zero_points[0] = 0;
    g.tensors[base.in].dtype = DType::kUInt8;
    g.tensors[base.in].quant.zero_points = {-1};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "zero point -1 is out of range for uint8");
  }
  SECTION("scale count differs from the axis dimension") {
    q.scales.push_back(1.0f);
    q.zero_points.push_back(0);
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   std::string(who) + "quantization has 3 scales; expected 1 or 2");
  }
  SECTION("scales and zero points of different lengths") {
    q.zero_points.pop_back();
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   std::string(who) + "quantization has 2 scales but 1 zero points");
  }
  SECTION("axis out of range") {
    q.axis = 2;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   std::string(who) + "quantization axis 2 is out of range for rank 2");
    q.axis = -1;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "quantization axis -1 is out of range");
  }
}

TEST_CASE("malformed: operator operands") {
  BaseGraph base;
  GraphDesc g = base.graph();
  SECTION("input index out of range") {
    g.operators[1].inputs[0] = 99;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 1 (MAX_POOL_2D \"pool2\"): input 0 is tensor 99, out of range "
                   "(graph has 4 tensors)");
    g.operators[1].inputs[0] = -2;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "input 0 is tensor -2, out of range");
  }
  SECTION("output index out of range") {
    g.operators[0].outputs[0] = 4;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool1\"): output 0 is tensor 4, out of range");
  }
  SECTION("output is a constant") {
    g.operators[1].outputs[0] = base.weights;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 1 (MAX_POOL_2D \"pool2\"): output 0 tensor 3 \"weights\" is a constant");
  }
  SECTION("output is a graph input") {
    g.operators[1].outputs[0] = base.in;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "output 0 tensor 0 \"in\" is a graph input");
  }
  SECTION("tensor produced twice") {
    g.operators[1].outputs[0] = base.mid;
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 1 (MAX_POOL_2D \"pool2\"): output 0 tensor 1 \"mid\" is already "
                   "produced by operator 0 (MAX_POOL_2D \"pool1\")");
  }
  SECTION("operators in the wrong order") {
    std::swap(g.operators[0], g.operators[1]);
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool2\"): input 0 tensor 1 \"mid\" is used before "
                   "any operator produces it (cycle or wrong order)");
  }
  SECTION("a cycle") {
    g.operators[0].inputs[0] = base.out;  // pool1 reads what pool2 writes
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "cycle or wrong order");
  }
  SECTION("no outputs") {
    g.operators[1].outputs.clear();
    g.outputs = {base.mid};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "operator 1 (MAX_POOL_2D \"pool2\"): has no outputs");
  }
  SECTION("unknown operator type from the builder") {
    g.operators[1].type = static_cast<OpType>(77);
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 1 (\"pool2\"): unknown operator type 77");
    CHECK_REJECTED(validate_graph(g, {}), StatusCode::kInvalidModel, "unknown operator type 77");
  }
  SECTION("unknown enum values in builder options") {
    Pool2DOptions pool = std::get<Pool2DOptions>(g.operators[1].options);
    pool.activation = static_cast<Activation>(9);
    g.operators[1].options = pool;
    CHECK_REJECTED(validate_graph(g, {}), StatusCode::kInvalidModel,
                   "operator 1 (MAX_POOL_2D \"pool2\"): options: unknown activation value 9");
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "unknown activation value 9");
  }
  SECTION("options type mismatch from the builder") {
    g.operators[0].options = Conv2DOptions{};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 0 (MAX_POOL_2D \"pool1\"): options type mismatch: has "
                   "Conv2DOptions, expected Pool2DOptions");
    g.operators[0].options = std::monostate{};
    CHECK_REJECTED(validate_graph(g, {}), StatusCode::kInvalidModel,
                   "has no options, expected Pool2DOptions");
  }
}

TEST_CASE("malformed: graph inputs and outputs") {
  BaseGraph base;
  GraphDesc g = base.graph();
  SECTION("output never produced") {
    const int orphan = static_cast<int>(g.tensors.size());
    g.tensors.push_back(g.tensors[base.out]);
    g.tensors.back().name = "orphan";
    g.outputs.push_back(orphan);
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "graph output 1 tensor 4 \"orphan\" is never produced by an operator");
  }
  SECTION("output index out of range") {
    g.outputs = {12};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "graph output 0 is tensor 12, out of range");
  }
  SECTION("input index out of range") {
    g.inputs = {base.in, -1};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "graph input 1 is tensor -1, out of range");
  }
  SECTION("constant graph input") {
    g.inputs = {base.in, base.weights};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "graph input 1 is tensor 3 \"weights\", which is a constant");
  }
}

TEST_CASE("malformed: operator semantics") {
  BaseGraph base;
  GraphDesc g = base.graph();
  SECTION("declared output shape differs from the inferred one") {
    g.tensors[base.out].shape = {1, 2, 1, 2};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel,
                   "operator 1 (MAX_POOL_2D \"pool2\"): output 0 tensor 2 \"out\" is declared "
                   "[1,2,1,2] but the operator yields [1,1,1,2] (output shape mismatch)");
  }
  SECTION("the operator's own validation is prefixed with the operator") {
    g.tensors[base.in].shape = {1, 4, 4};
    CHECK_REJECTED(load(g), StatusCode::kInvalidModel, "operator 0 (MAX_POOL_2D \"pool1\"): ");
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
