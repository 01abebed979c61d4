// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: hand-computed outputs for each
// dtype and coordinate option, an independent simulation of TFLite's
// coordinate rules on random shapes, thread-count invariance, and validation.
// (Bit-exactness against LiteRT itself: tests/conformance/resize_cases.py.)
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Case {
  Case(DType d, Shape input, int h, int w, bool a = false, bool hp = false)
      : dtype(d), in(input), out_h(h), out_w(w), align(a), half(hp) {}
  DType dtype;
  Shape in;
  int out_h, out_w;
  bool align, half;
  Quantization out_quant;  // empty: the input's
  Shape out_shape;         // empty: [N, out_h, out_w, C]
};

Quantization quant_of(DType dtype) {
  if (dtype == DType::kInt8) return per_tensor(0.5f, -3);
  if (dtype == DType::kUInt8) return per_tensor(0.5f, 130);
  return {};
}

RunResult run_resize(OpType type, const Case& c, const Bytes& input, int threads = 1) {
  ModelBuilder b;
  const Quantization q = quant_of(c.dtype);
  const int x = b.add_tensor("x", c.dtype, c.in, q);
  const Shape out_shape =
      c.out_shape.rank > 0 ? c.out_shape : Shape({c.in[0], c.out_h, c.out_w, c.in[3]});
  const int y = b.add_tensor("y", c.dtype, out_shape, c.out_quant.scales.empty() ? q : c.out_quant);
  ResizeOptions o;
  o.new_height = c.out_h;
  o.new_width = c.out_w;
  o.align_corners = c.align;
  o.half_pixel_centers = c.half;
  b.add_operator(type, {x}, {y}, o, "resize");
  b.set_inputs({x});
  b.set_outputs({y});
  InterpreterOptions options;
  options.num_threads = threads;
  return run_model(b, {input}, options);
}

template <typename T>
std::vector<T> resize_ok(OpType type, const Case& c, const std::vector<T>& input) {
  RunResult r = run_resize(type, c, to_bytes(input));
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<T>(r.outputs[0]);
}

// TFLite's source coordinate of an output index (float path), written from
// its published definition.
double source_position(int i, int in, int out, bool align, bool half) {
  const float scale = align && out > 1 ? float(in - 1) / float(out - 1) : float(in) / float(out);
  return half ? (float(i) + 0.5f) * scale - 0.5f : float(i) * scale;
}

int sim_nearest(int i, int in, int out, bool align, bool half) {
  const float scale = align && out > 1 ? float(in - 1) / float(out - 1) : float(in) / float(out);
  const float p = (float(i) + (half ? 0.5f : 0.0f)) * scale;
  int index = static_cast<int>(align ? std::round(p) : std::floor(p));
  index = std::min(index, in - 1);
  return half ? std::max(index, 0) : index;
}

}  // namespace

TEST_CASE("RESIZE_BILINEAR float32 2x2 upscales, hand-computed per option", "[resize]") {
  const std::vector<float> in = {0, 10, 20, 30};
  Case c{DType::kFloat32, {1, 2, 2, 1}, 4, 4};
  // Positions 0, .5, 1, 1.5: the last clamps onto the edge row/column.
  CHECK(resize_ok(OpType::kResizeBilinear, c, in) ==
        std::vector<float>{0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30});
  c.out_h = c.out_w = 3;
  c.align = true;  // corners meet: step 0.5
  CHECK(resize_ok(OpType::kResizeBilinear, c, in) ==
        std::vector<float>{0, 5, 10, 10, 15, 20, 20, 25, 30});
  c.out_h = 1, c.out_w = 4, c.align = false, c.half = true;
  // Positions -0.25 (extrapolated onto pixel 0 itself), 0.25, 0.75, 1.25; the
  // single output row samples row position 0.5.
  CHECK(resize_ok(OpType::kResizeBilinear, c, in) == std::vector<float>{10, 12.5, 17.5, 20});
}

TEST_CASE("RESIZE_BILINEAR int8 uses 10-bit weights, uint8 float weights plus 0.5",
          "[resize]") {
  Case c{DType::kInt8, {1, 1, 2, 1}, 1, 3};
  // Step 683/1024: 100 * 683 / 1024 = 66.7 rounds to 67; the edge clamps.
  CHECK(resize_ok(OpType::kResizeBilinear, c, std::vector<int8_t>{0, 100}) ==
        std::vector<int8_t>{0, 67, 100});
  // Rounding is half away from zero: -100 * 341 / 1024 = -33.3.
  CHECK(resize_ok(OpType::kResizeBilinear, c, std::vector<int8_t>{-100, 0}) ==
        std::vector<int8_t>{-100, -33, 0});
  c.dtype = DType::kUInt8;
  CHECK(resize_ok(OpType::kResizeBilinear, c, std::vector<uint8_t>{0, 100}) ==
        std::vector<uint8_t>{0, 67, 100});
  // 1x1 input: every output pixel is the input pixel. Not in float under
  // half_pixel_centers: there TFLite weighs the pixel by 1 + d and -d, which
  // float rounding need not sum back to the pixel (int8's integer weights do).
  for (DType dtype : {DType::kFloat32, DType::kInt8, DType::kUInt8}) {
    for (int option = 0; option < (dtype == DType::kInt8 ? 3 : 2); ++option) {
      Case one{dtype, {1, 1, 1, 2}, 3, 2, option == 1, option == 2};
      RunResult r = run_resize(OpType::kResizeBilinear, one,
                               dtype == DType::kFloat32 ? to_bytes(std::vector<float>{1.5f, -7})
                                                        : Bytes{9, 200});
      REQUIRE(r.status.ok());
      const size_t pixel = dtype == DType::kFloat32 ? 8 : 2;
      for (size_t k = 0; k < 6; ++k) {
        CHECK(std::memcmp(r.outputs[0].data() + k * pixel, r.outputs[0].data(), pixel) == 0);
      }
    }
  }
}

TEST_CASE("RESIZE_BILINEAR float32 matches a simulation of TFLite's coordinates", "[resize]") {
  std::mt19937 rng(test_seed());
  const int sizes[] = {1, 2, 3, 5, 8, 13};
  for (int iter = 0; iter < scaled_iterations(60); ++iter) {
    const int h = sizes[rng() % 6], w = sizes[rng() % 6], oh = sizes[rng() % 6],
              ow = sizes[rng() % 6], ch = 1 + rng() % 3;
    const bool align = rng() % 2, half = !align && rng() % 2;
    Case c{DType::kFloat32, {2, h, w, ch}, oh, ow, align, half};
    // Integer inputs: the simulation in double differs from the float kernel
    // only by float rounding.
    std::vector<float> in(size_t(2) * h * w * ch);
    for (float& v : in) v = float(int(rng() % 41) - 20);
    const std::vector<float> out = resize_ok(OpType::kResizeBilinear, c, in);
    for (int b = 0; b < 2; ++b) {
      for (int y = 0; y < oh; ++y) {
        const double py = source_position(y, h, oh, align, half);
        const int y0 = std::max(int(std::floor(py)), 0), y1 = std::min(int(std::ceil(py)), h - 1);
        for (int x = 0; x < ow; ++x) {
          const double px = source_position(x, w, ow, align, half);
          const int x0 = std::max(int(std::floor(px)), 0),
                    x1 = std::min(int(std::ceil(px)), w - 1);
          for (int k = 0; k < ch; ++k) {
            auto at = [&](int yy, int xx) { return double(in[((b * h + yy) * w + xx) * ch + k]); };
            const double dy = py - y0, dx = px - x0;
            const double want = at(y0, x0) * (1 - dy) * (1 - dx) + at(y1, x0) * dy * (1 - dx) +
                                at(y0, x1) * (1 - dy) * dx + at(y1, x1) * dy * dx;
            INFO(h << "x" << w << " -> " << oh << "x" << ow << " align " << align << " half "
                   << half << " at " << b << "," << y << "," << x << "," << k);
            CHECK(out[((b * oh + y) * ow + x) * ch + k] == Approx(want).margin(1e-4));
          }
        }
      }
    }
  }
}

TEST_CASE("RESIZE_NEAREST_NEIGHBOR picks TFLite's source pixel for every option and dtype",
          "[resize]") {
  std::mt19937 rng(test_seed());
  const int sizes[] = {1, 2, 3, 4, 7, 9, 16};
  for (int iter = 0; iter < scaled_iterations(80); ++iter) {
    const DType dtypes[] = {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32};
    const DType dtype = dtypes[rng() % 4];
    const int h = sizes[rng() % 7], w = sizes[rng() % 7], oh = sizes[rng() % 7],
              ow = sizes[rng() % 7], ch = 1 + rng() % 4;
    const bool align = rng() % 2, half = rng() % 2;  // both together are valid here
    Case c{dtype, {1, h, w, ch}, oh, ow, align, half};
    const size_t element = dtype == DType::kFloat32 || dtype == DType::kInt32 ? 4 : 1;
    const Bytes in = random_ints<uint8_t>(rng, size_t(h) * w * ch * element, 0, 255);
    RunResult r = run_resize(OpType::kResizeNearestNeighbor, c, in);
    REQUIRE(r.status.ok());
    const size_t pixel = ch * element;
    for (int y = 0; y < oh; ++y) {
      for (int x = 0; x < ow; ++x) {
        const int sy = sim_nearest(y, h, oh, align, half), sx = sim_nearest(x, w, ow, align, half);
        INFO(h << "x" << w << " -> " << oh << "x" << ow << " align " << align << " half " << half);
        CHECK(std::memcmp(r.outputs[0].data() + (size_t(y) * ow + x) * pixel,
                          in.data() + (size_t(sy) * w + sx) * pixel, pixel) == 0);
      }
    }
  }
  // Hand-checked 2 -> 3: floor(i * 2/3) = 0 0 1; align: round(i / 2) = 0 1 1.
  Case c{DType::kInt8, {1, 1, 2, 1}, 1, 3};
  CHECK(resize_ok(OpType::kResizeNearestNeighbor, c, std::vector<int8_t>{4, 5}) ==
        std::vector<int8_t>{4, 4, 5});
  c.align = true;
  CHECK(resize_ok(OpType::kResizeNearestNeighbor, c, std::vector<int8_t>{4, 5}) ==
        std::vector<int8_t>{4, 5, 5});
}

TEST_CASE("RESIZE operators give the same bytes on 1 and 2 threads", "[resize]") {
  std::mt19937 rng(test_seed());
  for (OpType type : {OpType::kResizeBilinear, OpType::kResizeNearestNeighbor}) {
    for (DType dtype : {DType::kInt8, DType::kUInt8, DType::kFloat32}) {
      Case c{dtype, {2, 17, 9, 5}, 61, 33, false, true};
      const size_t bytes = size_t(2) * 17 * 9 * 5 * (dtype == DType::kFloat32 ? 4 : 1);
      Bytes in = random_ints<uint8_t>(rng, bytes, 0, 255);
      if (dtype == DType::kFloat32) {
        in = to_bytes(random_floats(rng, bytes / 4, -3.0f, 3.0f));
      }
      RunResult one = run_resize(type, c, in, 1), two = run_resize(type, c, in, 2);
      REQUIRE(one.status.ok());
      REQUIRE(two.status.ok());
      CHECK(one.outputs[0] == two.outputs[0]);
    }
  }
}

TEST_CASE("RESIZE operators reject bad operands naming them", "[resize][validation]") {
  const Bytes in(16, 0);
  Case c{DType::kInt8, {1, 4, 4, 1}, 2, 2, true, true};
  RunResult r = run_resize(OpType::kResizeBilinear, c, in);
  CHECK_THAT(r.status.message(), Catch::Contains("RESIZE_BILINEAR") &&
                                     Catch::Contains("align_corners and half_pixel_centers"));
  CHECK(run_resize(OpType::kResizeNearestNeighbor, c, in).status.ok());

  c = Case{DType::kInt8, {4, 4, 1}, 2, 2};
  c.out_shape = Shape({4, 2, 2});
  r = run_resize(OpType::kResizeBilinear, c, in);
  CHECK_THAT(r.status.message(), Catch::Contains("input 0") && Catch::Contains("rank"));

  c = Case{DType::kInt8, {1, 4, 4, 1}, 0, 2};
  c.out_shape = Shape({1, 1, 2, 1});
  r = run_resize(OpType::kResizeNearestNeighbor, c, in);
  CHECK_THAT(r.status.message(), Catch::Contains("RESIZE_NEAREST_NEIGHBOR") &&
                                     Catch::Contains("output size 0x2"));

  c = Case{DType::kInt8, {1, 4, 4, 1}, 3, 3};
  c.out_shape = Shape({1, 2, 2, 1});
  r = run_resize(OpType::kResizeBilinear, c, in);
  CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("[1,3,3,1]"));

  c = Case{DType::kInt8, {1, 4, 4, 1}, 2, 2};
  c.out_quant = per_tensor(0.25f, -3);
  r = run_resize(OpType::kResizeBilinear, c, in);
  CHECK_THAT(r.status.message(), Catch::Contains("input 0") && Catch::Contains("quantization"));

  c = Case{DType::kInt32, {1, 2, 2, 1}, 2, 2};
  r = run_resize(OpType::kResizeBilinear, c, Bytes(16, 0));
  CHECK_THAT(r.status.message(), Catch::Contains("RESIZE_BILINEAR") && Catch::Contains("input 0"));
}
