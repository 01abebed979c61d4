#include "ops_recurrent/recurrent_test_models.h"

#include <random>

#include "support/model_runner.h"

namespace lowbit {
namespace testing {

std::string load_error(const ModelBuilder& b) {
  Result<std::vector<uint8_t>> bytes = b.finish();
  if (!bytes.ok()) return bytes.status().to_string();
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(bytes->data(), bytes->size());
  if (!model.ok()) return model.status().to_string();
  Interpreter interp(model.value());
  const Status s = interp.prepare();
  return s.ok() ? "" : s.to_string();
}

// A float SVDF: 2 inputs, 1 unit of rank 1, memory 3 (oldest first in the
// time weights).
void float_svdf(ModelBuilder& b, int32_t activation) {
  const int x = b.add_tensor("x", DType::kFloat32, {1, 2});
  const int wf = b.add_constant("wf", DType::kFloat32, {1, 2}, std::vector<float>{1.0f, 2.0f});
  const int wt = b.add_constant("wt", DType::kFloat32, {1, 3}, std::vector<float>{0.5f, 0.25f, 1.0f});
  const int bias = b.add_constant("bias", DType::kFloat32, {1}, std::vector<float>{0.125f});
  const int state = b.add_variable("state", DType::kFloat32, {1, 3});
  const int y = b.add_tensor("y", DType::kFloat32, {1, 1});
  RecurrentOptions o;
  o.fused_activation = activation;
  b.add_operator(OpType::kSvdf, {x, wf, wt, bias, state}, {y}, o, "svdf");
  b.set_inputs({x});
  b.set_outputs({y});
}

IntSvdfModel int_svdf(ModelBuilder& b, const IntSvdf& s, uint32_t seed, const SvdfEdit& edit) {
  std::mt19937 rng(seed);
  IntSvdfModel m{s, {}, {}, {}};
  const int filters = s.units * s.rank;
  const int wt_limit = s.state_type == DType::kInt16 ? 2000 : 127;
  m.wf = random_ints<int8_t>(rng, size_t(filters * s.inputs), -127, 127);
  m.wt = random_ints<int16_t>(rng, size_t(filters * s.memory), -wt_limit, wt_limit);
  m.bias = random_ints<int32_t>(rng, size_t(s.units), -500, 500);
  std::vector<int> in(5);
  in[0] = b.add_tensor("x", DType::kInt8, {s.batch, s.inputs}, per_tensor(s.in_scale, s.in_zp));
  in[1] = b.add_constant("wf", DType::kInt8, {filters, s.inputs}, m.wf, per_tensor(s.wf_scale, 0));
  if (s.state_type == DType::kInt16) {
    in[2] = b.add_constant("wt", DType::kInt16, {filters, s.memory}, m.wt, per_tensor(s.wt_scale, 0));
  } else {
    in[2] = b.add_constant("wt", DType::kInt8, {filters, s.memory},
                           std::vector<int8_t>(m.wt.begin(), m.wt.end()), per_tensor(s.wt_scale, 0));
  }
  in[3] = b.add_constant("bias", DType::kInt32, {s.units}, m.bias,
                         per_tensor(s.state_scale * s.wt_scale, 0));
  in[4] = b.add_variable("state", s.state_type, {s.batch, s.memory * filters},
                         per_tensor(s.state_scale, s.state_zp));
  int y = b.add_tensor("y", DType::kInt8, {s.batch, s.units}, per_tensor(s.out_scale, s.out_zp));
  RecurrentOptions o;
  o.rank = s.rank;
  o.fused_activation = 1;
  if (edit) edit(in, o, y);
  b.add_operator(OpType::kSvdf, in, {y}, o, "svdf");
  b.set_inputs({in[0]});
  b.set_outputs({y});
  return m;
}

// A hybrid SVDF: float input and state, int8 feature weights {1, 2} (scale
// 0.1), time weights (`time_type`) 1, 1, 1 at scale 0.5, memory 3.
void hybrid_svdf(ModelBuilder& b, DType time_type) {
  const int x = b.add_tensor("x", DType::kFloat32, {1, 2});
  const int wf = b.add_constant("wf", DType::kInt8, {1, 2}, std::vector<int8_t>{1, 2}, per_tensor(0.1f, 0));
  const int wt = time_type == DType::kInt8
                     ? b.add_constant("wt", DType::kInt8, {1, 3}, std::vector<int8_t>{1, 1, 1}, per_tensor(0.5f, 0))
                     : b.add_constant("wt", DType::kFloat32, {1, 3}, std::vector<float>{1, 1, 1});
  const int st = b.add_variable("state", DType::kFloat32, {1, 3});
  const int y = b.add_tensor("y", DType::kFloat32, {1, 1});
  b.add_operator(OpType::kSvdf, {x, wf, wt, kAbsentInput, st}, {y}, RecurrentOptions{}, "svdf");
  b.set_inputs({x});
  b.set_outputs({y});
}

}  // namespace testing
}  // namespace lowbit
