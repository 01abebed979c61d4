// Every lowbit micro operator on one small int8 model per operator, across
// quantization scales from subnormal to near FLT_MAX (input, weights and
// output apart by up to 2^256) and biases at the int32 edges: each model is
// refused with a message or created and invoked on inputs covering every
// int8 value. The hosted runtime's fuzzing found this class (float-to-int
// conversions of extreme rescale factors, int32 sums at the edges:
// docs/reliability.md); under UBSan (scripts/test.sh --sanitize) any such
// overflow here fails the test.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "micro_test_util.h"

namespace lowbit {
namespace micro_test {
namespace {

constexpr float kScales[] = {1e-40f, 1e-20f, 1e-6f, 1.0f / 256, 1.0f, 1e6f, 1e20f, 3e38f};

std::vector<uint8_t> int8_weights(size_t n) {
  std::vector<uint8_t> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = uint8_t(int8_t(int(i * 37 % 255) - 127));
  return w;
}

std::vector<uint8_t> int32_bytes(const std::vector<int32_t>& values) {
  std::vector<uint8_t> b(values.size() * 4);
  std::memcpy(b.data(), values.data(), b.size());
  return b;
}

TinyTensor quantized(const std::string& name, std::vector<int32_t> shape, float scale, int64_t zp) {
  TinyTensor t = int8_tensor(name, std::move(shape));
  t.scales = {scale};
  t.zero_points = {zp};
  return t;
}

struct Case {
  const char* op;
  uint8_t type;
  int options;
  bool weighted;
};

// One operator: in (and a second input for ADD; weights and bias for the
// weighted ones) -> out.
TinyModel model(const Case& c, float in_scale, float w_scale, float out_scale, int32_t bias) {
  TinyModel m;
  TinyOperator op;
  op.type = c.type;
  op.default_options = c.options;
  const std::string name = c.op;
  std::vector<int32_t> in_shape = {1, 4, 4, 3}, w_shape, out_shape = {1, 4, 4, 3};
  int32_t channels = 3;
  if (name == "CONV_2D") {
    w_shape = {2, 1, 1, 3};
    channels = 2;
    out_shape = {1, 4, 4, 2};
  } else if (name == "DEPTHWISE_CONV_2D") {
    w_shape = {1, 3, 3, 3};
    out_shape = {1, 2, 2, 3};
  } else if (name == "FULLY_CONNECTED") {
    in_shape = {1, 8};
    w_shape = {3, 8};
    out_shape = {1, 3};
  } else if (name == "SOFTMAX") {
    in_shape = out_shape = {1, 10};
  }
  const int32_t in = m.add(quantized("in", in_shape, in_scale, 5));
  m.inputs = {in};
  op.inputs = {in};
  if (name == "ADD") {
    const int32_t other = m.add(quantized("other", in_shape, w_scale, -9));
    m.inputs.push_back(other);
    op.inputs.push_back(other);
  }
  if (c.weighted) {
    TinyTensor w = quantized("weights", w_shape, w_scale, 0);
    size_t n = 1;
    for (int32_t d : w_shape) n *= size_t(d);
    w.data = int8_weights(n);
    TinyTensor b;
    b.name = "bias";
    b.dtype = LOWBIT_INT32;
    b.shape = {channels};
    b.scales = {in_scale * w_scale};
    b.zero_points = {0};
    b.data = int32_bytes(std::vector<int32_t>(size_t(channels), bias));
    op.inputs.push_back(m.add(w));
    op.inputs.push_back(m.add(b));
  }
  // SOFTMAX's output is [0, 1) in 1/256 steps from -128; pools keep the
  // input's zero point (other outputs are refused).
  const bool pool = name == "AVERAGE_POOL_2D" || name == "MAX_POOL_2D";
  const int32_t out =
      m.add(quantized("out", out_shape, out_scale, name == "SOFTMAX" ? -128 : pool ? 5 : -7));
  op.outputs = {out};
  m.outputs = {out};
  m.operators = {op};
  return m;
}

TEST_CASE("extreme scales and biases: every operator refuses or runs cleanly") {
  const Case cases[] = {
      {"CONV_2D", 0, 1, true},          {"DEPTHWISE_CONV_2D", 1, 2, true},
      {"FULLY_CONNECTED", 2, 3, true},  {"ADD", 3, 5, false},
      {"AVERAGE_POOL_2D", 5, 4, false}, {"MAX_POOL_2D", 6, 4, false},
      {"SOFTMAX", 8, 7, false},
  };
  const lowbit_micro_resolver ops = all_ops();
  const int32_t biases[] = {1000, std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min()};
  for (const Case& c : cases) {
    std::map<lowbit_status, int> outcomes;
    for (float in_scale : kScales) {
      for (float w_scale : kScales) {
        // Pools and SOFTMAX have no second operand: one pass over it.
        if (!c.weighted && std::string(c.op) != "ADD" && w_scale != 1.0f) continue;
        for (float out_scale : kScales) {
          for (int32_t bias : biases) {
            if (!c.weighted && bias != biases[0]) continue;
            INFO(c.op << ": scales in " << in_scale << ", weights/other " << w_scale << ", out "
                      << out_scale << ", bias " << bias);
            const Placed bytes(model(c, in_scale, w_scale, out_scale, bias).serialize());
            Outcome o = size_and_create(bytes.data(), bytes.size(), ops);
            REQUIRE(o.bad_error.empty());
            const lowbit_status status = o.sizing != LOWBIT_OK ? o.sizing : o.create;
            INFO(o.message);
            REQUIRE(!(o.sizing == LOWBIT_OK && o.create == LOWBIT_RESOURCE_EXHAUSTED));
            ++outcomes[status];
            const float usual_out = std::string(c.op) == "SOFTMAX" ? 1.0f / 256 : 1.0f;
            if (in_scale == 1.0f && w_scale == 1.0f && out_scale == usual_out && bias == biases[0]) {
              CHECK(status == LOWBIT_OK);  // the template itself is a model micro runs
            }
            if (status != LOWBIT_OK) continue;
            for (size_t i = 0; i < lowbit_micro_num_inputs(o.micro); ++i) {
              lowbit_micro_tensor t;
              REQUIRE(lowbit_micro_input(o.micro, i, &t) == LOWBIT_OK);
              for (size_t k = 0; k < t.bytes; ++k) static_cast<uint8_t*>(t.data)[k] = uint8_t(k * 73 + i);
            }
            REQUIRE(lowbit_micro_invoke(o.micro) == LOWBIT_OK);
          }
        }
      }
    }
    WARN(c.op << ": " << outcomes[LOWBIT_OK] << " run, " << outcomes[LOWBIT_INVALID_MODEL]
              << " invalid, " << outcomes[LOWBIT_UNSUPPORTED] << " unsupported");
    CHECK(outcomes[LOWBIT_OK] > 0);
  }
}

}  // namespace
}  // namespace micro_test
}  // namespace lowbit
