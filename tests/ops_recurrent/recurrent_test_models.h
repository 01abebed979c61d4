// What the SVDF and RNN tests share: a model streamed frame by frame, the
// first load error of a built model, and small SVDF graphs.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "lowbit/model_builder.h"

namespace lowbit {
namespace testing {

// One model, invoked frame after frame with its state carried.
class Stream {
 public:
  explicit Stream(const ModelBuilder& builder, int threads = 1, const char* kernel = "auto") {
    Result<std::vector<uint8_t>> bytes = builder.finish();
    REQUIRE(bytes.ok());
    bytes_ = std::move(bytes.value());  // Model::from_buffer reads them in place
    Result<std::shared_ptr<const Model>> model = Model::from_buffer(bytes_.data(), bytes_.size());
    INFO(model.status().to_string());
    REQUIRE(model.ok());
    model_ = model.value();
    InterpreterOptions options;
    options.num_threads = threads;
    options.kernel = kernel;
    interp_.reset(new Interpreter(model_, options));
    const Status prepared = interp_->prepare();
    INFO(prepared.to_string());
    REQUIRE(prepared.ok());
  }

  template <typename Out, typename In>
  std::vector<Out> step(const std::vector<In>& x) {
    TensorView in = interp_->input(0);
    REQUIRE(in.bytes == x.size() * sizeof(In));
    std::memcpy(in.data, x.data(), in.bytes);
    REQUIRE(interp_->invoke().ok());
    const TensorView out = interp_->output(0);
    std::vector<Out> y(out.bytes / sizeof(Out));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }

  void reset() { REQUIRE(interp_->reset_state().ok()); }

 private:
  std::vector<uint8_t> bytes_;
  std::shared_ptr<const Model> model_;
  std::unique_ptr<Interpreter> interp_;
};

// The message of the first failure loading and preparing `b`, or "".
std::string load_error(const ModelBuilder& b);

// A float SVDF: 2 inputs, 1 unit of rank 1, memory 3 (oldest first in the
// time weights).
void float_svdf(ModelBuilder& b, int32_t activation = 0);

struct IntSvdf {
  int batch = 2, inputs = 12, units = 3, rank = 2, memory = 4;
  DType state_type = DType::kInt16;
  float in_scale = 0.05f, wf_scale = 0.01f, wt_scale = 0.004f, state_scale = 0.02f;
  float out_scale = 0.05f;
  int32_t in_zp = 5, state_zp = 0, out_zp = -3;
};

// The integer SVDF with random weights (stored for the double model).
struct IntSvdfModel {
  IntSvdf s;
  std::vector<int8_t> wf;
  std::vector<int16_t> wt;  // the state's type's values, widened
  std::vector<int32_t> bias;
};

// `edit` may change the operands, options and output before the operator is added.
using SvdfEdit = std::function<void(std::vector<int>& inputs, RecurrentOptions& options, int& output)>;

IntSvdfModel int_svdf(ModelBuilder& b, const IntSvdf& s, uint32_t seed, const SvdfEdit& edit = {});

// A hybrid SVDF: float input and state, int8 feature weights {1, 2} (scale
// 0.1), time weights (`time_type`) 1, 1, 1 at scale 0.5, memory 3.
void hybrid_svdf(ModelBuilder& b, DType time_type);

}  // namespace testing
}  // namespace lowbit
