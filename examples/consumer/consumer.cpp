// Builds a one-operator model with the installed headers, runs it, and checks
// the answer: proof that the installed C++ API is complete and links.
#include <cstdio>
#include <vector>

#include "lowbit/lowbit.h"

int main() {
  using namespace lowbit;
  ModelBuilder b;
  const Quantization q{{0.5f}, {0}, 0};
  const int x = b.add_tensor("x", DType::kInt8, Shape{1, 4}, q);
  const int y = b.add_tensor("y", DType::kInt8, Shape{1, 4}, q);
  b.add_operator(OpType::kRelu, {x}, {y}, {}, "relu");
  b.set_inputs({x});
  b.set_outputs({y});
  auto bytes = b.finish();
  if (!bytes.ok()) return std::fprintf(stderr, "%s\n", bytes.status().to_string().c_str()), 1;
  auto model = Model::from_buffer(bytes.value().data(), bytes.value().size());
  if (!model.ok()) return std::fprintf(stderr, "%s\n", model.status().to_string().c_str()), 1;
  Interpreter interpreter(model.value());
  if (!interpreter.prepare().ok()) return 1;
  const int8_t in[4] = {-3, -1, 0, 5};
  for (int i = 0; i < 4; ++i) interpreter.input(0).as<int8_t>()[i] = in[i];
  if (!interpreter.invoke().ok()) return 1;
  const int8_t* out = interpreter.output(0).as<int8_t>();
  const bool right = out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == 5;
  std::printf("consumer_cpp: relu(-3,-1,0,5) = %d,%d,%d,%d %s\n", out[0], out[1], out[2], out[3],
              right ? "ok" : "WRONG");
  return right ? 0 : 1;
}
