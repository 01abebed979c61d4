// lowbit-convert --prepack: weights stored packed for the selected kernels
// are used in place, give the same output bytes as packing at load, and any
// block that does not fit (another ISA, wrong size, wrong key) falls back.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>

#include "convert/prepack.h"
#include "format/lbm_format.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm.h"
#include "runtime/arena_size.h"
#include "runtime/cpu_features.h"
#include "schema/lowbit_generated.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

// Every driver path that packs: a 3-channel 3x3 CONV_2D (kernel-row taps),
// a 16-channel 3x3 CONV_2D (pixel taps), a strided depthwise 3x3, a 1x1
// CONV_2D (direct rows) and a FULLY_CONNECTED, then (int8) a LOGISTIC (its
// table); int8, or legacy uint8 with weights far from their zero point (row sums,
// split taps).
void build_weighted_graph(ModelBuilder& b, DType dtype, uint32_t seed) {
  std::mt19937 rng(seed);
  const bool u8 = dtype == DType::kUInt8;
  const int32_t zx = u8 ? 128 : 0, zw = u8 ? 20 : 0;
  auto weights = [&](const std::string& name, Shape shape, int axis) {
    const size_t n = size_t(shape.num_elements());
    if (u8) {
      return b.add_constant(name, dtype, shape, random_ints<uint8_t>(rng, n, 0, 255),
                            per_tensor(0.004f, zw));
    }
    std::vector<float> scales(size_t(shape[axis]), 0.003f);
    return b.add_constant(name, dtype, shape, random_ints<int8_t>(rng, n, -127, 127),
                          per_axis(scales, axis));
  };
  auto bias = [&](const std::string& name, int channels, float input_scale, int w) {
    const TensorDesc& wt = b.graph().tensors[w];
    std::vector<float> scales(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c) {
      scales[size_t(c)] = input_scale * wt.quant.scales[wt.quant.scales.size() > 1 ? c : 0];
    }
    return b.add_constant(name, DType::kInt32, Shape{channels},
                          random_ints<int32_t>(rng, size_t(channels), -500, 500),
                          u8 ? per_tensor(scales[0], 0) : per_axis(scales, 0));
  };
  auto activation = [&](const std::string& name, Shape shape, float scale) {
    return b.add_tensor(name, dtype, shape, per_tensor(scale, u8 ? 120 : -3));
  };
  const int x = b.add_tensor("input", dtype, Shape{1, 10, 10, 3}, per_tensor(0.05f, zx));
  Conv2DOptions same;
  same.padding = Padding::kSame;
  const int w1 = weights("rows/w", Shape{16, 3, 3, 3}, 0);
  const int y1 = activation("rows/out", Shape{1, 10, 10, 16}, 0.1f);
  b.add_operator(OpType::kConv2D, {x, w1, bias("rows/b", 16, 0.05f, w1)}, {y1}, same, "rows");
  const int w2 = weights("pixels/w", Shape{24, 3, 3, 16}, 0);
  const int y2 = activation("pixels/out", Shape{1, 10, 10, 24}, 0.2f);
  b.add_operator(OpType::kConv2D, {y1, w2, bias("pixels/b", 24, 0.1f, w2)}, {y2}, same,
                 "pixels");
  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.stride_h = dw.stride_w = 2;
  const int w3 = weights("dw/w", Shape{1, 3, 3, 24}, 3);
  const int y3 = activation("dw/out", Shape{1, 5, 5, 24}, 0.2f);
  b.add_operator(OpType::kDepthwiseConv2D, {y2, w3, bias("dw/b", 24, 0.2f, w3)}, {y3}, dw, "dw");
  const int w4 = weights("point/w", Shape{8, 1, 1, 24}, 0);
  const int y4 = activation("point/out", Shape{1, 5, 5, 8}, 0.3f);
  b.add_operator(OpType::kConv2D, {y3, w4}, {y4}, Conv2DOptions{}, "point");
  const int flat = activation("flat", Shape{1, 200}, 0.3f);
  ReshapeOptions reshape;
  reshape.new_shape = {1, 200};
  b.add_operator(OpType::kReshape, {y4}, {flat}, reshape, "flatten");
  const int w5 = weights("fc/w", Shape{10, 200}, 0);
  const int out = activation("fc/out", Shape{1, 10}, 0.5f);
  b.add_operator(OpType::kFullyConnected, {flat, w5, bias("fc/b", 10, 0.3f, w5)}, {out},
                 FullyConnectedOptions{}, "fc");
  int last = out;
  if (!u8) {  // LOGISTIC takes int8 only
    last = b.add_tensor("probability", dtype, Shape{1, 10}, per_tensor(1.0f / 256, -128));
    b.add_operator(OpType::kLogistic, {out}, {last}, {}, "logistic");
  }
  b.set_inputs({x});
  b.set_outputs({y2, y3, last});
}

struct Run {
  Status status;
  std::vector<Bytes> outputs;
  size_t packed_weight_bytes = 0;
};

// Loads `file` in place (64-byte aligned), prepares, checks the sizing pass
// agrees, runs one seeded input.
Run run(const std::vector<uint8_t>& file, const InterpreterOptions& options = {}) {
  Run r;
  auto storage = std::make_shared<std::vector<uint8_t>>(file);
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(storage->data(), storage->size());
  if (!model.ok()) {
    r.status = model.status();
    return r;
  }
  Interpreter interp(model.value(), options);
  r.status = interp.prepare();
  if (!r.status.ok()) return r;
  ArenaSizes sizes;
  r.status = size_arena(model.value(), options, &sizes);
  if (!r.status.ok()) return r;
  if (sizes.persistent_bytes != interp.packed_weight_bytes()) {
    r.status = Status(StatusCode::kInternal, "sizing pass and prepare disagree");
    return r;
  }
  r.packed_weight_bytes = interp.packed_weight_bytes();
  std::mt19937 rng(7);
  TensorView in = interp.input(0);
  const Bytes input = random_ints<uint8_t>(rng, in.bytes, 0, 255);
  std::memcpy(in.data, input.data(), in.bytes);
  r.status = interp.invoke();
  for (size_t i = 0; r.status.ok() && i < interp.num_outputs(); ++i) {
    const auto* p = static_cast<const uint8_t*>(interp.output(i).data);
    r.outputs.emplace_back(p, p + interp.output(i).bytes);
  }
  return r;
}

std::vector<uint8_t> build(DType dtype) {
  ModelBuilder b;
  build_weighted_graph(b, dtype, test_seed());
  Result<std::vector<uint8_t>> bytes = b.finish();
  REQUIRE(bytes.ok());
  return bytes.value();
}

std::vector<uint8_t> prepack(const std::vector<uint8_t>& file, const std::string& target,
                             PrepackSummary* summary = nullptr) {
  PrepackSummary s;
  Result<std::vector<uint8_t>> out = prepack_model(file, PrepackOptions{target}, &s);
  INFO(out.status().to_string());
  REQUIRE(out.ok());
  if (summary) *summary = s;
  return out.value();
}

// Whether this machine's kernels run the layers through a SIMD driver (not
// under the reference kernel set, e.g. the x86 fallback runs).
bool drivers_selected(const std::vector<uint8_t>& file) {
  auto model = Model::from_buffer(file.data(), file.size());
  REQUIRE(model.ok());
  Interpreter interp(model.value());
  REQUIRE(interp.prepare().ok());
  return std::string(interp.kernel_name(1)).find("reference") == std::string::npos;
}

GraphDesc loaded_graph(const std::vector<uint8_t>& file,
                       std::shared_ptr<const Model>* keep) {
  auto model = Model::from_buffer(file.data(), file.size());
  REQUIRE(model.ok());
  *keep = model.value();
  return model.value()->graph();
}

TEST_CASE("prepack: prepared weights are used in place, outputs unchanged") {
  for (DType dtype : {DType::kInt8, DType::kUInt8}) {
    INFO(dtype_name(dtype) << ", seed " << test_seed());
    const std::vector<uint8_t> plain = build(dtype);
    PrepackSummary summary;
    const std::vector<uint8_t> packed = prepack(plain, "auto", &summary);
    CHECK(summary.operators == (dtype == DType::kInt8 ? 6 : 5));
    CHECK(packed.size() > plain.size());
    const Run before = run(plain), after = run(packed);
    REQUIRE(before.status.ok());
    REQUIRE(after.status.ok());
    CHECK(after.outputs == before.outputs);
    if (drivers_selected(plain)) {
      // Only the small per-channel parameters are still made at prepare, and
      // (variants with an indirect GEMM) the kept tap pointers of the
      // 16-channel "pixels" layer: 10 x 10 rows of 9 taps.
      const size_t indirection = 10 * 10 * 9 * sizeof(void*);
      CHECK(after.packed_weight_bytes < before.packed_weight_bytes / 4 + indirection);
    }
    // A model converted twice carries the same bytes.
    CHECK(prepack(packed, "auto") == packed);
    CHECK(prepack(packed, "none") == packed);
  }
}

TEST_CASE("prepack: blocks for other kernels fall back to packing at load") {
  const std::vector<uint8_t> plain = build(DType::kUInt8);
  const Run before = run(plain);
  REQUIRE(before.status.ok());
  for (const char* target : {"reference", "avx2", "avx512vnni", "avxvnni", "neondot", "i8mm"}) {
    INFO(target);
    const Run after = run(prepack(plain, target));
    REQUIRE(after.status.ok());
    CHECK(after.outputs == before.outputs);
    // The reference kernel set of the runtime ignores every packed block.
    InterpreterOptions reference;
    reference.kernel = "reference";
    const Run ref_plain = run(plain, reference), ref_packed = run(prepack(plain, target), reference);
    REQUIRE(ref_packed.status.ok());
    CHECK(ref_packed.outputs == ref_plain.outputs);
  }
  // A forced kernel set this CPU has uses the blocks made for it.
  const CpuFeatures cpu = CpuFeatures::detect();
  if (cpu.has(find_isa("avx2")->features)) {
    InterpreterOptions avx2;
    avx2.kernel = "avx2";
    const Run plain_avx2 = run(plain, avx2), packed_avx2 = run(prepack(plain, "avx2"), avx2);
    REQUIRE(packed_avx2.status.ok());
    CHECK(packed_avx2.outputs == plain_avx2.outputs);
    CHECK(packed_avx2.packed_weight_bytes < plain_avx2.packed_weight_bytes / 4);
  }
}

TEST_CASE("prepack: a model the runtime refuses is converted without prepared data") {
  // FULLY_CONNECTED weights that are a graph input: the runtime refuses the
  // model at load, naming them; conversion must not (lowbit micro and the
  // runtime's own message decide), so the file is the one without --prepack.
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kInt8, Shape{1, 8}, per_tensor(0.05f, 0));
  const int w = b.add_tensor("w", DType::kInt8, Shape{4, 8}, per_tensor(0.01f, 0));
  const int y = b.add_tensor("y", DType::kInt8, Shape{1, 4}, per_tensor(0.1f, 0));
  b.add_operator(OpType::kFullyConnected, {x, w}, {y}, FullyConnectedOptions{}, "y");
  b.set_inputs({x, w});
  b.set_outputs({y});
  Result<std::vector<uint8_t>> plain = b.finish();
  REQUIRE(plain.ok());
  REQUIRE_FALSE(Model::from_buffer(plain.value().data(), plain.value().size()).ok());
  PrepackSummary summary;
  CHECK(prepack(plain.value(), "auto", &summary) == plain.value());
  CHECK(summary.operators == 0);
}

TEST_CASE("prepack: unknown targets are refused by name") {
  PrepackSummary summary;
  const Result<std::vector<uint8_t>> out =
      prepack_model(build(DType::kInt8), PrepackOptions{"avx1024"}, &summary);
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.status().message(), Catch::Contains("unknown prepack target 'avx1024'"));
  CHECK_THAT(out.status().message(), Catch::Contains("avx512vnni"));
}

TEST_CASE("malformed: corrupt prepared data falls back or is refused naming the operator") {
  for (DType dtype : {DType::kInt8, DType::kUInt8}) {
    INFO(dtype_name(dtype));
    const std::vector<uint8_t> plain = build(dtype);
    const Run before = run(plain);
    REQUIRE(before.status.ok());
    const std::vector<uint8_t> packed = prepack(plain, "auto");
    std::shared_ptr<const Model> keep;
    const GraphDesc graph = loaded_graph(packed, &keep);
    auto rewritten = [&](auto&& edit) {
      GraphDesc g = graph;
      for (OperatorDesc& op : g.operators) {
        for (PreparedData& p : op.prepared) edit(p);
      }
      Result<std::vector<uint8_t>> bytes = serialize_graph(g);
      REQUIRE(bytes.ok());
      return bytes.value();
    };
    std::vector<uint8_t> shorter_storage(1 << 20, 0x5a);
    SECTION("wrong size") {
      const Run r = run(rewritten([](PreparedData& p) {
        if (p.bytes >= 64) p.bytes -= 64;
      }));
      REQUIRE(r.status.ok());
      CHECK(r.outputs == before.outputs);
    }
    SECTION("wrong layout id or version") {
      const Run r = run(rewritten([](PreparedData& p) {
        const size_t v1 = p.key.find(".v1");
        if (v1 != std::string::npos) p.key.replace(v1, 3, ".v0");
      }));
      REQUIRE(r.status.ok());
      CHECK(r.outputs == before.outputs);
    }
    SECTION("requantizers out of range are recomputed") {
      std::vector<std::vector<int32_t>> bad_shifts;
      const Run r = run(rewritten([&](PreparedData& p) {
        if (p.key.rfind("requantizers.", 0) != 0) return;
        bad_shifts.emplace_back(p.bytes / 4, 0);
        for (size_t i = 1; i < bad_shifts.back().size(); i += 3) bad_shifts.back()[i] = 100;
        p.data = bad_shifts.back().data();
      }));
      CHECK(bad_shifts.size() == 5);
      REQUIRE(r.status.ok());
      CHECK(r.outputs == before.outputs);
    }
    SECTION("garbage bytes under the right key and size still run") {
      const Run r = run(rewritten([&](PreparedData& p) { p.data = shorter_storage.data(); }));
      CHECK(r.status.ok());  // wrong numbers, as wrong weights would give, but no fault
    }
    SECTION("buffer index out of range") {
      std::vector<uint8_t> bad = packed;
      const fb::Model* model = fb::GetModel(bad.data());
      const fb::PreparedData* entry = model->operators()->Get(1)->prepared()->Get(0);
      auto* field = const_cast<uint8_t*>(reinterpret_cast<const flatbuffers::Table*>(entry)
                                             ->GetAddressOf(fb::PreparedData::VT_BUFFER));
      REQUIRE(field != nullptr);
      const int32_t out_of_range = 9999;
      std::memcpy(field, &out_of_range, sizeof out_of_range);
      const Run r = run(bad);
      CHECK(r.status.code() == StatusCode::kInvalidModel);
      CHECK_THAT(r.status.message(), Catch::Contains("operator 1 (CONV_2D \"pixels\"): prepared "
                                                     "data 0 (\""));
      CHECK_THAT(r.status.message(), Catch::Contains("buffer index 9999 is out of range"));
    }
    SECTION("block off the 64-byte grid in the file") {
      std::vector<uint8_t> bad = packed;
      const fb::Model* model = fb::GetModel(bad.data());
      const size_t last = model->buffers()->size() - 1;
      // Buffer { offset: ulong; size: ulong } in place (little-endian host).
      const uint64_t offset = model->buffers()->Get(last)->offset() + 8;
      std::memcpy(reinterpret_cast<uint8_t*>(const_cast<fb::Buffer*>(model->buffers()->Get(last))),
                  &offset, sizeof offset);
      const Run r = run(bad);
      CHECK(r.status.code() == StatusCode::kInvalidModel);
      CHECK_THAT(r.status.message(),
                 Catch::Contains("buffer " + std::to_string(last) + ": offset "));
      CHECK_THAT(r.status.message(), Catch::Contains("is not a multiple of 64"));
    }
    SECTION("model bytes off the 64-byte grid in memory") {
      // from_buffer copies them to an aligned block: the prepared data is
      // aligned again and used.
      std::vector<uint8_t> storage(packed.size() + 128);
      uint8_t* p = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) + 8;
      std::memcpy(p, packed.data(), packed.size());
      auto model = Model::from_buffer(p, packed.size());
      REQUIRE(model.ok());
      Interpreter interp(model.value());
      CHECK(interp.prepare().ok());
      CHECK(interp.packed_weight_bytes() == run(packed).packed_weight_bytes);
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit

namespace lowbit {
namespace testing {
namespace {

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 1469598103934665603u;
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211u;
  return h;
}

// Models on disk carry packed weights under keys "qs8_gemm.v1 ..." and
// "qs8_dwconv.v1 ...". If a packing routine's bytes change for the same
// parameters, files converted before would match and compute wrong numbers:
// this test then fails. Bump the version in the driver's key (and the
// format's table in docs/format.md), then update the fingerprints here.
TEST_CASE("prepack: packed layouts keep their fingerprints (bump the key version if not)") {
  std::mt19937 rng(11);
  const size_t n = 19, k = 37, channels = 40;
  const std::vector<int8_t> w = random_ints<int8_t>(rng, n * k, -128, 127);
  const std::vector<int32_t> bias = random_ints<int32_t>(rng, channels, -9999, 9999);
  std::vector<uint64_t> prints;
  for (const Qs8GemmLayout layout : {Qs8GemmLayout{16, 4, true}, Qs8GemmLayout{8, 4, true},
                                     Qs8GemmLayout{16, 4, false}}) {
    std::vector<uint8_t> packed(qs8_gemm_packed_bytes(layout, n, k));
    qs8_gemm_pack(layout, n, k, w.data(), bias.data(), -3, packed.data());
    prints.push_back(fnv1a(packed));
  }
  const std::vector<int8_t> dw = random_ints<int8_t>(rng, 9 * channels, -128, 127);
  std::vector<int16_t> wide(dw.size());
  for (size_t i = 0; i < dw.size(); ++i) wide[i] = int16_t(dw[i] * 2 - 1);
  std::vector<uint8_t> packed(qs8_dwconv_packed_bytes(32, channels, 9));
  qs8_dwconv_pack(32, channels, 9, dw.data(), bias.data(), 5, packed.data());
  prints.push_back(fnv1a(packed));
  packed.assign(qs8_dwconv_rows_packed_bytes(32, channels, 3, 3), 0);
  qs8_dwconv_pack_rows(32, channels, 3, 3, dw.data(), bias.data(), 5, packed.data());
  prints.push_back(fnv1a(packed));
  qs8_dwconv_pack_rows_wide(32, channels, 3, 3, wide.data(), bias.data(), 5, packed.data());
  prints.push_back(fnv1a(packed));
  char text[32];
  const std::vector<uint64_t> expected = {0x887971c9e6106194u, 0xf29b16422d347e54u,
                                          0x0cf537972f94a2cbu, 0x97bf5c7d32b0eb3cu,
                                          0x9d396eabed1597dcu, 0xc6222ad48c5c3cadu};
  std::string printed;
  for (uint64_t p : prints) {
    std::snprintf(text, sizeof text, "0x%016llxu ", static_cast<unsigned long long>(p));
    printed += text;
  }
  INFO("fingerprints now: " << printed);
  CHECK(prints == expected);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
