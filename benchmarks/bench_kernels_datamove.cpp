// The kernels behind the vision models' non-convolution layers, every variant
// this CPU runs, single-threaded: TRANSPOSE (NCHW <-> NHWC of a PyTorch
// export's 3- and 32-channel activations, a 2-D 1024x1024), ARG_MAX over
// DeepLab's 513x513x21 scores, its final RESIZE_BILINEAR 65x65x21 ->
// 513x513x21, and int8 ADD/MUL over MoveNet's 192x192x3 input in each
// requantization profile. Counter: elements/s (output elements written).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/arg_reduce.h"
#include "kernels/data_movement.h"
#include "kernels/qs8_elementwise.h"
#include "kernels/qs8_quantize.h"
#include "kernels/resize.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

void elements_per_second(benchmark::State& state, size_t elements) {
  state.counters["elements/s"] =
      benchmark::Counter(double(elements), benchmark::Counter::kIsIterationInvariantRate);
}

std::vector<uint8_t> random_bytes(size_t n) {
  std::mt19937 rng(1);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

struct TransposeCase {
  const char* name;
  std::vector<int64_t> in_dims;
  std::vector<int> perm;
};

const TransposeCase kTransposes[] = {
    {"nchw_to_nhwc/1x3x224x224", {1, 3, 224, 224}, {0, 2, 3, 1}},
    {"nhwc_to_nchw/1x224x224x3", {1, 224, 224, 3}, {0, 3, 1, 2}},
    {"nchw_to_nhwc/1x32x112x112", {1, 32, 112, 112}, {0, 2, 3, 1}},
    {"nhwc_to_nchw/1x112x112x32", {1, 112, 112, 32}, {0, 3, 1, 2}},
    {"2d/1024x1024", {1024, 1024}, {1, 0}},
};

void transpose(benchmark::State& state, ref::StridedCopyFn fn, const TransposeCase& c,
               size_t element_size) {
  const int rank = static_cast<int>(c.in_dims.size());
  std::vector<int64_t> in_strides(c.in_dims.size(), 1);
  for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * c.in_dims[d + 1];
  ref::StridedCopyParams p;
  p.rank = rank;
  p.element_size = element_size;
  int64_t out_stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    p.dims[d] = c.in_dims[c.perm[d]];
    p.in_strides[d] = in_strides[c.perm[d]];
    p.out_strides[d] = out_stride;
    out_stride *= p.dims[d];
  }
  const size_t rows = ref::simplify_strided_copy(&p);
  const size_t n = static_cast<size_t>(out_stride);
  const std::vector<uint8_t> in = random_bytes(n * element_size);
  std::vector<uint8_t> out(n * element_size);
  for (auto _ : state) {
    fn(p, in.data(), out.data(), 0, rows);
    benchmark::DoNotOptimize(out.data());
  }
  elements_per_second(state, n);
}

void arg_max(benchmark::State& state, ref::ArgReduceFn fn, DType dtype) {
  ref::ArgReduceParams p;
  p.input = dtype;
  p.output = DType::kInt64;
  p.outer = 513 * 513;
  p.axis_size = 21;
  const std::vector<uint8_t> in = random_bytes(p.outer * p.axis_size);
  std::vector<int64_t> out(p.outer);
  for (auto _ : state) {
    fn(p, in.data(), out.data(), 0, p.outer);
    benchmark::DoNotOptimize(out.data());
  }
  elements_per_second(state, p.outer);
}

template <typename T>
void resize_bilinear(benchmark::State& state,
                     void (*fn)(const ref::ResizeParams&, const T*, T*, size_t, size_t)) {
  ref::ResizeParams p;
  p.input_height = p.input_width = 65;
  p.output_height = p.output_width = 513;
  p.channels = 21;
  p.align_corners = true;
  const size_t in_size = 65 * 65 * 21, out_size = 513 * 513 * 21;
  const std::vector<uint8_t> bytes = random_bytes(in_size * sizeof(T));
  std::vector<T> in(in_size), out(out_size);
  for (size_t i = 0; i < in_size; ++i) in[i] = static_cast<T>(bytes[i]);
  for (auto _ : state) {
    fn(p, in.data(), out.data(), 0, 513);
    benchmark::DoNotOptimize(out.data());
  }
  elements_per_second(state, out_size);
}

// ADD (MUL when `multiply`) of two contiguous int8 tensors of MoveNet's
// input size, with scales every profile keeps (xnnpack_fp32 does not fall
// back to single rounding).
template <typename Fn>
void elementwise(benchmark::State& state, Fn fn, RequantProfile profile) {
  constexpr size_t kCount = 192 * 192 * 3;
  const std::vector<uint8_t> a = random_bytes(kCount), b = random_bytes(kCount + 1);
  std::vector<int8_t> out(kCount);
  const auto* x = reinterpret_cast<const int8_t*>(a.data());
  const auto* y = reinterpret_cast<const int8_t*>(b.data() + 1);
  if constexpr (std::is_same<Fn, ref::Qs8AddFn>::value) {
    ref::Qs8AddParams p;
    ref::make_qs8_add_params(profile, 0.05f, 0.03f, 0.08f, false, &p);
    ref::plan_qs8_add_linear(&p);  // as the ADD operator does
    for (auto _ : state) {
      fn(p, kCount, x, 1, y, 1, out.data());
      benchmark::DoNotOptimize(out.data());
    }
  } else {
    ref::Qs8MulParams p;
    p.profile = profile;
    p.output = ref::make_requantizer(profile, 0.05 * 0.03 / 0.08, 0.05f * 0.03f / 0.08f);
    for (auto _ : state) {
      fn(p, kCount, x, 1, y, 1, out.data());
      benchmark::DoNotOptimize(out.data());
    }
  }
  elements_per_second(state, kCount);
}

// ADD with the scales and zero points of ResNet-8's first residual ADD
// (MLPerf Tiny IC, scripts/peers/issue_models.py), where the fixed-point
// profiles run the linear form (ref::plan_qs8_add_linear); the scales above
// (sums a hair from ties) keep every profile on its general path, as does
// the _general_path variant here (the kernels before the linear form).
void add_model_scales(benchmark::State& state, ref::Qs8AddFn fn, RequantProfile profile,
                      bool linear_form) {
  constexpr size_t kCount = 192 * 192 * 3;
  const std::vector<uint8_t> a = random_bytes(kCount), b = random_bytes(kCount + 1);
  std::vector<int8_t> out(kCount);
  ref::Qs8AddParams p;
  ref::make_qs8_add_params(profile, 0.009375445f, 0.015489308f, 0.010737729f, false, &p);
  p.a_zero_point = -128;
  p.b_zero_point = -50;
  p.output_zero_point = p.act_min = -128;  // the fused RELU
  if (linear_form) ref::plan_qs8_add_linear(&p);
  for (auto _ : state) {
    fn(p, kCount, reinterpret_cast<const int8_t*>(a.data()), 1,
       reinterpret_cast<const int8_t*>(b.data() + 1), 1, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  elements_per_second(state, kCount);
}

// QUANTIZE float32 -> int8 of an image-sized input in [0, 1) at scale 1/255
// (not a power of two: TFLite's rounding divides). A multiply by the
// reciprocal with a near-tie check and division fallback measured slower
// than VDIVPS here (Intel Xeon, AVX-512 2.8 vs 3.4 G/s, AVX2 2.1 vs 3.2).
void quantize_image(benchmark::State& state, Qs8QuantizeSignature* fn, bool xnnpack_rounding) {
  constexpr size_t kCount = 192 * 192 * 3;
  std::vector<float> in(kCount);
  std::mt19937 rng(7);
  for (float& x : in) x = std::uniform_real_distribution<float>(0.0f, 1.0f)(rng);
  std::vector<int8_t> out(kCount);
  ref::QuantizeParams p;
  p.scale = 1.0f / 255;
  p.inverse_scale = 255.0f;
  p.xnnpack_rounding = xnnpack_rounding;
  p.zero_point = -128;
  p.qmin = -128;
  p.qmax = 127;
  for (auto _ : state) {
    fn(p, kCount, in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  elements_per_second(state, kCount);
}

// Registers bench(state, fn, args...) as "<variant>/<suffix>" for every
// variant of `family` this CPU runs.
template <typename Fn, typename Bench, typename... Args>
void register_variants(KernelFamily<Fn> family, const std::string& suffix, Bench bench,
                       Args... args) {
  const CpuFeatures cpu = CpuFeatures::detect();
  for (const KernelVariant<Fn>& variant : family) {
    if (!cpu.has(variant.required)) continue;
    benchmark::RegisterBenchmark((std::string(variant.name) + "/" + suffix).c_str(), bench,
                                 variant.fn, args...);
  }
}

int register_all() {
  for (const TransposeCase& c : kTransposes) {
    for (size_t es : {size_t{1}, size_t{4}}) {
      const std::string suffix = std::string(c.name) + (es == 1 ? "/int8" : "/float");
      register_variants(move_strided_variants(), suffix, transpose, c, es);
    }
  }
  register_variants(arg_reduce_variants(), "513x513x21/int8", arg_max, DType::kInt8);
  register_variants(arg_reduce_variants(), "513x513x21/uint8", arg_max, DType::kUInt8);
  const std::string deeplab_resize = "65x65x21_to_513x513";
  register_variants(qu8_resize_bilinear_variants(), deeplab_resize, resize_bilinear<uint8_t>);
  register_variants(qs8_resize_bilinear_variants(), deeplab_resize, resize_bilinear<int8_t>);
  register_variants(f32_resize_bilinear_variants(), deeplab_resize, resize_bilinear<float>);
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kXnnpackFp32}) {
    const std::string suffix = std::string("192x192x3/") + requant_profile_name(profile);
    register_variants(qs8_add_variants(), suffix, elementwise<ref::Qs8AddFn>, profile);
    register_variants(qs8_mul_variants(), suffix, elementwise<ref::Qs8MulFn>, profile);
  }
  for (bool xnnpack_rounding : {false, true}) {
    register_variants(qs8_quantize_variants(),
                      std::string("192x192x3/scale_1_255/") +
                          (xnnpack_rounding ? "xnnpack_rounding" : "tflite_rounding"),
                      quantize_image, xnnpack_rounding);
  }
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kTfliteOptimized, RequantProfile::kXnnpackFp32}) {
    for (bool linear_form : {true, false}) {
      register_variants(qs8_add_variants(),
                        std::string("192x192x3/resnet8_scales") +
                            (linear_form ? "/" : "_general_path/") + requant_profile_name(profile),
                        add_model_scales, profile, linear_form);
    }
  }
  return 0;
}

const int registered = register_all();

}  // namespace
}  // namespace lowbit
