// Qs8GemmConvDriver keeps the tap pointers of small-channel K x K layers
// between runs (built for one input address): a run on an input at another
// address must rebuild them. Every variant with an indirect GEMM against the
// portable variant through the same driver, which gathers its rows afresh
// on every run.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "int8_test_util.h"
#include "kernels/qs8_gemm.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

struct Aligned {
  explicit Aligned(size_t bytes)
      : data(static_cast<uint8_t*>(std::aligned_alloc(64, (bytes + 64) / 64 * 64))) {
    std::memset(data, 0, (bytes + 64) / 64 * 64);
  }
  ~Aligned() { std::free(data); }
  uint8_t* data;
};

// A prepare context holding persistent memory and the scratch size; the
// driver is given its variant directly, so no selector is asked.
class DriverPrepare : public PrepareContext {
 public:
  explicit DriverPrepare(ThreadPool& pool)
      : pool_(pool), selector_(KernelSelector::create("auto", CpuFeatures::detect()).value()) {
    graph_.operators.resize(1);
  }
  const GraphDesc& graph() const override { return graph_; }
  const OperatorDesc& op() const override { return graph_.operators[0]; }
  int op_index() const override { return 0; }
  RequantProfile profile() const override { return RequantProfile::kTfliteReference; }
  const KernelSelector& selector() const override { return selector_; }
  ThreadPool& pool() const override { return pool_; }
  void request_scratch(size_t bytes) override { scratch_bytes = std::max(scratch_bytes, bytes); }
  void* allocate_persistent(size_t bytes) override {
    persistent.push_back(std::make_unique<Aligned>(bytes));
    return persistent.back()->data;
  }
  size_t scratch_bytes = 0;
  std::vector<std::unique_ptr<Aligned>> persistent;

 private:
  ThreadPool& pool_;
  KernelSelector selector_;
  GraphDesc graph_;
};

struct Layer {
  Qs8ConvGeometry g;
  Qs8ConvQuantization q;
  std::vector<ref::Requantizer> requantizers;
  std::vector<int8_t> weights;
  std::vector<int32_t> bias;

  size_t input_bytes() const { return size_t(g.input_h) * g.input_w * g.input_c; }
  size_t output_bytes() const { return size_t(g.output_h) * g.output_w * g.output_c; }
};

Layer make_layer(std::mt19937& rng, int32_t channels, int32_t outputs, int32_t stride,
                 int32_t row_sum_multiplier, int32_t height = 9, int32_t width = 11) {
  Layer l;
  l.g.input_h = height;
  l.g.input_w = width;
  l.g.input_c = channels;
  l.g.kernel_h = l.g.kernel_w = 3;
  l.g.stride_h = l.g.stride_w = stride;
  l.g.pad_top = l.g.pad_left = 1;
  l.g.output_h = (l.g.input_h + stride - 1) / stride;
  l.g.output_w = (l.g.input_w + stride - 1) / stride;
  l.g.output_c = outputs;
  l.q.input_zero_point = -7;
  l.q.output_zero_point = 5;
  l.q.profile = RequantProfile::kTfliteReference;
  l.q.row_sum_multiplier = row_sum_multiplier;
  const size_t k = 9 * size_t(channels);
  for (int32_t o = 0; o < outputs; ++o) {
    l.requantizers.push_back(ref::make_requantizer(l.q.profile, 0.004 + 0.0003 * o,
                                                   static_cast<float>(0.004 + 0.0003 * o)));
  }
  l.q.requantizers = l.requantizers.data();
  l.weights = testing::random_ints<int8_t>(rng, size_t(outputs) * k, -127, 127);
  l.bias = testing::random_ints<int32_t>(rng, size_t(outputs), -3000, 3000);
  return l;
}

// A prepared driver with its scratch.
struct Prepared {
  Prepared(const Layer& l, const KernelVariant<Qs8GemmKernel>& variant, ThreadPool& pool)
      : ctx(pool) {
    REQUIRE(driver.prepare(ctx, variant, l.g, l.q, l.weights.data(), l.bias.data()).ok());
  }
  // move_scratch: new scratch, so the offset input the kernels read (where
  // the variant has offset forms) moves too; the old scratch stays allocated
  // with its bytes.
  std::vector<int8_t> run(ThreadPool& pool, const int8_t* input, size_t output_bytes,
                          bool move_scratch) {
    if (move_scratch || scratch.empty()) {
      scratch.push_back(std::make_unique<Aligned>(ctx.scratch_bytes));
    }
    std::vector<int8_t> out(output_bytes);
    driver.run(pool, input, out.data(), scratch.back()->data);
    return out;
  }
  DriverPrepare ctx;
  Qs8GemmConvDriver driver;
  std::vector<std::unique_ptr<Aligned>> scratch;
};

TEST_CASE("int8 GEMM convolution rebuilds its taps when the input moves",
          "[ops_int8][conv2d][indirection]") {
  const auto [table, count] = qs8_gemm_variants();
  const KernelVariant<Qs8GemmKernel>& portable = table[count - 1];
  REQUIRE(portable.fn.portable);
  int tested = 0;
  for (size_t v = 0; v + 1 < count; ++v) {
    const KernelVariant<Qs8GemmKernel>& variant = table[v];
    if (variant.fn.igemm == nullptr || !CpuFeatures::detect().has(variant.required)) continue;
    // 16 and 32 channels (narrow and full tiles), stride 1 and 2, with and
    // without row sums (which read the input in place, not an offset copy).
    for (int32_t outputs : {16, 32}) {
      for (int32_t stride : {1, 2}) {
        for (int32_t row_sums : {0, 3}) {
          if (row_sums != 0 && !variant.fn.row_offsets) continue;
          INFO(variant.name << " outputs " << outputs << " stride " << stride << " row sums "
                            << row_sums);
          std::mt19937 rng(testing::test_seed() + uint32_t(outputs + stride + row_sums));
          ThreadPool pool(1);
          const Layer l = make_layer(rng, 16, outputs, stride, row_sums);
          Prepared simd(l, variant, pool), reference(l, portable, pool);
          // Two input buffers; the first keeps its old bytes while the
          // second is read, so stale taps would show.
          Aligned first(l.input_bytes()), second(l.input_bytes());
          auto* a = reinterpret_cast<int8_t*>(first.data);
          auto* b = reinterpret_cast<int8_t*>(second.data);
          for (int round = 0; round < 3; ++round) {
            int8_t* input = round == 1 ? b : a;
            const auto bytes = testing::random_ints<int8_t>(rng, l.input_bytes(), -128, 127);
            std::memcpy(input, bytes.data(), bytes.size());
            CAPTURE(round);
            const std::vector<int8_t> expected =
                reference.run(pool, input, l.output_bytes(), false);
            REQUIRE(simd.run(pool, input, l.output_bytes(), round == 1) == expected);
            // Same addresses: the kept taps are reused.
            REQUIRE(simd.run(pool, input, l.output_bytes(), false) == expected);
          }
          ++tested;
        }
      }
    }
  }
  if (tested == 0) WARN("no variant with an indirect GEMM runs on this CPU");
}

// RGB and 16-channel 3x3 layers (kernel-row taps of the padded image, kept
// pixel taps) against the portable variant: images 32 wide, where every
// tile of 8 or 16 rows lies in one output row (the taps then come from a
// per-layer pattern), and 11 wide, where tiles cross output rows.
TEST_CASE("int8 GEMM convolution of RGB and 16-channel layers matches the portable variant",
          "[ops_int8][conv2d][indirection]") {
  const auto [table, count] = qs8_gemm_variants();
  const KernelVariant<Qs8GemmKernel>& portable = table[count - 1];
  REQUIRE(portable.fn.portable);
  int tested = 0;
  for (size_t v = 0; v + 1 < count; ++v) {
    const KernelVariant<Qs8GemmKernel>& variant = table[v];
    if (variant.fn.igemm == nullptr || !CpuFeatures::detect().has(variant.required)) continue;
    for (int32_t channels : {3, 16}) {
      for (int32_t width : {32, 11}) {
        for (int32_t outputs : {16, 32}) {
          for (int32_t stride : {1, 2}) {
            INFO(variant.name << " channels " << channels << " width " << width << " outputs "
                              << outputs << " stride " << stride);
            std::mt19937 rng(testing::test_seed() + uint32_t(channels * width + outputs + stride));
            ThreadPool pool(1);
            const Layer l = make_layer(rng, channels, outputs, stride, 0, 5, width);
            Prepared simd(l, variant, pool), reference(l, portable, pool);
            Aligned buffer(l.input_bytes());
            auto* input = reinterpret_cast<int8_t*>(buffer.data);
            const auto bytes = testing::random_ints<int8_t>(rng, l.input_bytes(), -128, 127);
            std::memcpy(input, bytes.data(), bytes.size());
            REQUIRE(simd.run(pool, input, l.output_bytes(), false) ==
                    reference.run(pool, input, l.output_bytes(), false));
            ++tested;
          }
        }
      }
    }
  }
  if (tested == 0) WARN("no variant with an indirect GEMM runs on this CPU");
}

}  // namespace
}  // namespace lowbit
