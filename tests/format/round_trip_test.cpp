// ModelBuilder → .lbm bytes → reader: the graph must come back unchanged,
// with constants 64-byte aligned and used in place where possible.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "format/lbm_format.h"
#include "format_test_util.h"
#include "graph/validate.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

bool offset_aligned(const void* p, const void* base) {
  return (static_cast<const uint8_t*>(p) - static_cast<const uint8_t*>(base)) % 64 == 0;
}

TEST_CASE("every options kind and dtype survive a round trip") {
  ModelBuilder builder;
  build_every_option_graph(builder);
  Result<std::vector<uint8_t>> bytes = builder.finish();
  REQUIRE(bytes.ok());
  const PlacedBytes file(bytes.value(), 0);

  GraphDesc graph;
  uint32_t version = 0;
  const Status status = parse_lbm(file.data(), file.size(), LoadOptions(), &graph, &version);
  INFO(status.to_string());
  REQUIRE(status.ok());
  CHECK(version == kLbmFormatVersion);
  CHECK(graph_difference(builder.graph(), graph) == "");
  CHECK(validate_graph_structure(graph, LoadOptions()).ok());

  int constants = 0;
  for (const TensorDesc& t : graph.tensors) {
    if (!t.is_constant()) continue;
    ++constants;
    INFO(t.name);
    CHECK(offset_aligned(t.data, file.data()));
    CHECK(file.contains(t.data));  // zero-copy
  }
  CHECK(constants == 7);  // six, and the int64 GATHER indices
}

TEST_CASE("absent options read back as the operator's defaults") {
  ModelBuilder builder;
  const int in = builder.add_tensor("in", DType::kFloat32, {1, 4});
  const int out = builder.add_tensor("out", DType::kFloat32, {1, 4});
  builder.add_operator(OpType::kAdd, {in, in}, {out});
  builder.set_inputs({in});
  builder.set_outputs({out});
  REQUIRE(std::holds_alternative<ElementwiseOptions>(builder.graph().operators[0].options));
  Result<std::vector<uint8_t>> bytes = builder.finish();
  REQUIRE(bytes.ok());
  GraphDesc graph;
  uint32_t version = 0;
  REQUIRE(parse_lbm(bytes.value().data(), bytes.value().size(), {}, &graph, &version).ok());
  const auto* options = std::get_if<ElementwiseOptions>(&graph.operators[0].options);
  REQUIRE(options != nullptr);
  CHECK(options->activation == Activation::kNone);
}

// No operators, so the full public load path (which also runs every
// operator's validation) does not depend on operator implementations.
void build_constants_only(ModelBuilder& b, std::mt19937& rng) {
  const int in = b.add_tensor("in", DType::kInt8, {2, 5}, per_tensor(1.0f, 0));
  const std::vector<int32_t> sizes = {1, 3, 64, 65, 200};
  for (size_t i = 0; i < sizes.size(); ++i) {
    b.add_constant("c" + std::to_string(i), DType::kInt8, {sizes[i]},
                   random_ints<int8_t>(rng, sizes[i], -128, 127), per_tensor(0.5f, 1));
  }
  b.add_constant("bits", DType::kBit, {3, 33}, random_ints<uint32_t>(rng, 6, 0, 1 << 30));
  b.set_inputs({in});
  b.set_outputs({in});
}

void check_loaded(const Model& model, const ModelBuilder& builder, const void* file_start) {
  CHECK(graph_difference(builder.graph(), model.graph()) == "");
  CHECK(model.format_version() == kLbmFormatVersion);
  size_t constant_bytes = 0;
  for (const TensorDesc& t : model.graph().tensors) {
    if (!t.is_constant()) continue;
    constant_bytes += t.data_bytes;
    CHECK(reinterpret_cast<uintptr_t>(t.data) % 64 == 0);
    CHECK(offset_aligned(t.data, file_start));
  }
  CHECK(model.constant_bytes() == constant_bytes);
}

TEST_CASE("from_buffer uses an aligned buffer in place and copies a misaligned one") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  ModelBuilder builder;
  build_constants_only(builder, rng);
  Result<std::vector<uint8_t>> bytes = builder.finish();
  REQUIRE(bytes.ok());

  SECTION("aligned: zero-copy") {
    const PlacedBytes file(bytes.value(), 0);
    auto model = Model::from_buffer(file.data(), file.size());
    INFO(model.status().to_string());
    REQUIRE(model.ok());
    CHECK(model.value()->file_bytes() == file.size());
    check_loaded(*model.value(), builder, file.data());
    for (const TensorDesc& t : model.value()->graph().tensors) {
      if (t.is_constant()) CHECK(file.contains(t.data));
    }
  }
  for (size_t misalignment : {1, 4, 16, 32}) {
    DYNAMIC_SECTION("misaligned by " << misalignment << ": copied") {
      const PlacedBytes file(bytes.value(), misalignment);
      auto model = Model::from_buffer(file.data(), file.size());
      INFO(model.status().to_string());
      REQUIRE(model.ok());
      check_loaded(*model.value(), builder, model.value()->graph().tensors[1].data);
      for (const TensorDesc& t : model.value()->graph().tensors) {
        if (t.is_constant()) CHECK_FALSE(file.contains(t.data));
      }
    }
  }
}

std::string temp_model_path(const char* tag) {
  return (std::filesystem::temp_directory_path() /
          ("lowbit_format_" + std::to_string(::getpid()) + "_" + tag + ".lbm"))
      .string();
}

TEST_CASE("save and from_file map the file") {
  std::mt19937 rng(test_seed());
  ModelBuilder builder;
  build_constants_only(builder, rng);
  const std::string path = temp_model_path("save");
  REQUIRE(builder.save(path).ok());
  auto model = Model::from_file(path);
  std::remove(path.c_str());  // the mapping stays valid after unlink
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  check_loaded(*model.value(), builder, model.value()->graph().tensors[1].data);
  CHECK(model.value()->file_bytes() == builder.finish().value().size());
}

TEST_CASE("from_file reports a missing file as an I/O error") {
  auto model = Model::from_file("/nonexistent/dir/model.lbm");
  REQUIRE_FALSE(model.ok());
  CHECK(model.status().code() == StatusCode::kIoError);
  CHECK_THAT(model.status().message(), Catch::Contains("/nonexistent/dir/model.lbm"));
}

TEST_CASE("random graphs of constants round trip byte-exactly") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const DType dtypes[] = {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32, DType::kBit};
  for (int iter = 0; iter < scaled_iterations(50); ++iter) {
    CAPTURE(iter);
    ModelBuilder builder;
    const int count = std::uniform_int_distribution<int>(1, 12)(rng);
    for (int i = 0; i < count; ++i) {
      const DType dtype = dtypes[rng() % 5];
      Shape shape;
      shape.rank = static_cast<int>(rng() % 5);
      for (int d = 0; d < shape.rank; ++d) shape.dims[d] = static_cast<int32_t>(rng() % 7);
      size_t bytes = 0;
      REQUIRE(storage_bytes(dtype, shape, &bytes));
      builder.add_constant("t" + std::to_string(i), dtype, shape,
                           random_ints<uint8_t>(rng, bytes, 0, 255));
    }
    const int in = builder.add_tensor("in", DType::kFloat32, {1});
    builder.set_inputs({in});
    builder.set_outputs({in});
    std::unique_ptr<PlacedBytes> file;
    check_round_trip(builder, &file);
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
