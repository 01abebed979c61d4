// The C++ API in one page: build a tiny int8 model with ModelBuilder, load it
// back (the same path a .lbm file takes), prepare an interpreter, fill the
// input, invoke, read the output.
//
//   build/bin/hello_lowbit [MODEL.lbm]    (without a model, the built-in one)
#include <cstdio>
#include <cstring>
#include <vector>

#include "lowbit/lowbit.h"

namespace {

// y = relu(x * w + b) on 4 inputs -> 3 outputs, int8 with per-tensor scales.
std::vector<uint8_t> tiny_model() {
  using namespace lowbit;
  ModelBuilder b;
  b.set_description("hello_lowbit: one fully connected layer");
  Quantization in_q{{0.05f}, {0}, 0}, w_q{{0.02f}, {0}, 0}, b_q{{0.05f * 0.02f}, {0}, 0},
      out_q{{0.1f}, {-128}, 0};
  const int x = b.add_tensor("x", DType::kInt8, Shape{1, 4}, in_q);
  const int w = b.add_constant("w", DType::kInt8, Shape{3, 4},
                               std::vector<int8_t>{10, 20, 30, 40, -10, -20, -30, -40, 5, 5, 5, 5},
                               w_q);
  const int bias = b.add_constant("b", DType::kInt32, Shape{3}, std::vector<int32_t>{100, 0, -50}, b_q);
  const int y = b.add_tensor("y", DType::kInt8, Shape{1, 3}, out_q);
  FullyConnectedOptions fc;
  fc.activation = Activation::kRelu;
  b.add_operator(OpType::kFullyConnected, {x, w, bias}, {y}, fc, "fc");
  b.set_inputs({x});
  b.set_outputs({y});
  Result<std::vector<uint8_t>> bytes = b.finish();
  return bytes.ok() ? bytes.value() : std::vector<uint8_t>{};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lowbit;
  std::vector<uint8_t> built;
  Result<std::shared_ptr<const Model>> model =
      argc > 1 ? Model::from_file(argv[1])
               : (built = tiny_model(), Model::from_buffer(built.data(), built.size()));
  if (!model.ok()) {
    std::fprintf(stderr, "load failed: %s\n", model.status().to_string().c_str());
    return 1;
  }

  InterpreterOptions options;
  options.num_threads = 1;  // RequantProfile and kernel set are options too
  Interpreter interpreter(model.value(), options);
  if (Status s = interpreter.prepare(); !s.ok()) {
    std::fprintf(stderr, "prepare failed: %s\n", s.to_string().c_str());
    return 1;
  }

  // Inputs live in the interpreter's arena; write them in place.
  for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
    TensorView in = interpreter.input(i);
    std::memset(in.data, 0, in.bytes);
    if (in.dtype() == DType::kInt8 && in.bytes >= 4) {
      const int8_t example[4] = {20, 40, 60, 80};  // 1.0, 2.0, 3.0, 4.0 at scale 0.05
      std::memcpy(in.data, example, 4);
    }
  }
  if (Status s = interpreter.invoke(); !s.ok()) {
    std::fprintf(stderr, "invoke failed: %s\n", s.to_string().c_str());
    return 1;
  }

  for (size_t i = 0; i < interpreter.num_outputs(); ++i) {
    TensorView out = interpreter.output(i);
    std::printf("output %zu \"%s\" %s %s:", i, out.name().c_str(), dtype_name(out.dtype()),
                out.shape().to_string().c_str());
    const auto& q = out.desc->quant;
    const size_t n = out.dtype() == DType::kInt8 ? out.bytes : 0;
    for (size_t j = 0; j < n && j < 8; ++j) {
      const int v = out.as<int8_t>()[j];
      if (q.empty()) {
        std::printf(" %d", v);
      } else {
        std::printf(" %d (%.3f)", v, q.scales[0] * (v - q.zero_points[0]));
      }
    }
    std::printf("\n");
  }
  std::printf("arena %zu bytes, kernel of operator 0: %s\n", interpreter.arena_bytes(),
              interpreter.model().graph().operators.empty() ? "-" : interpreter.kernel_name(0));
  return 0;
}
