// Streaming keyword spotting: audio-feature frames go into an SVDF model one
// at a time, the model's recurrent state (its variable tensors) carrying the
// past frames from one invoke() to the next, and a decision is printed per
// frame. Then Interpreter::reset_state() clears the state and the stream is
// replayed: the decisions must come out the same.
//
//   build/bin/streaming_keywords                 a small two-SVDF model built here
//   build/bin/streaming_keywords MODEL.tflite    e.g. the zoo's tflite_micro/keyword_scrambled_8bit
//
// The frames are synthetic features (a tone sweeping across the feature bins
// for a few frames, silence around it), quantized with the input's scale.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "example_support.h"
#include "lowbit/model_builder.h"

namespace {

constexpr int kFrames = 24;

// Deterministic weights for the built-in model (no trained model needed).
std::vector<int8_t> pattern(size_t n, uint32_t seed) {
  std::vector<int8_t> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<int8_t>(std::max(int(seed >> 24) - 128, -127));
  }
  return v;
}

// 16 int8 features -> SVDF (8 units, rank 2, 8 frames of memory, int16 state)
// -> SVDF (2 units, rank 1, 4 frames) -> two int8 scores.
// `bytes` keeps the model's buffer, which the model may use in place.
std::shared_ptr<const lowbit::Model> built_in_model(std::vector<uint8_t>* bytes) {
  using lowbit::DType;
  lowbit::ModelBuilder b;
  auto q = [](float scale, int32_t zero_point) {
    lowbit::Quantization quant;
    quant.scales = {scale};
    quant.zero_points = {zero_point};
    return quant;
  };
  auto svdf = [&](int x, int inputs, int units, int rank, int memory, float in_scale, const char* name) {
    const int filters = units * rank;
    // Scales that keep the products mostly inside the int16 state and int8 output.
    const float state_scale = in_scale * 0.02f * 16, out_scale = state_scale * 0.01f * 30000;
    std::vector<int16_t> time;
    for (int8_t w : pattern(size_t(filters * memory), uint32_t(memory * 7 + units))) {
      time.push_back(static_cast<int16_t>(w * 8));
    }
    const std::string n = name;
    const int wf = b.add_constant(n + "/weights_feature", DType::kInt8, {filters, inputs},
                                  pattern(size_t(filters * inputs), uint32_t(inputs * 31 + units)),
                                  q(0.02f, 0));
    const int wt = b.add_constant(n + "/weights_time", DType::kInt16, {filters, memory}, time, q(0.01f, 0));
    const int state = b.add_variable(n + "/state", DType::kInt16, {1, memory * filters}, q(state_scale, 0));
    const int y = b.add_tensor(n + "/output", DType::kInt8, {1, units}, q(out_scale, 0));
    lowbit::RecurrentOptions options;
    options.rank = rank;
    options.fused_activation = 1;  // RELU, as TFLite's integer SVDF wants
    b.add_operator(lowbit::OpType::kSvdf, {x, wf, wt, lowbit::kAbsentInput, state}, {y}, options, name);
    return std::make_pair(y, out_scale);
  };
  const int features = b.add_tensor("features", DType::kInt8, {1, 16}, q(1.0f / 32, 0));
  const auto hidden = svdf(features, 16, 8, 2, 8, 1.0f / 32, "svdf1");
  const auto scores = svdf(hidden.first, 8, 2, 1, 4, hidden.second, "svdf2");
  b.set_inputs({features});
  b.set_outputs({scores.first});
  auto built = b.finish();
  if (!built.ok()) return nullptr;
  *bytes = std::move(built.value());
  auto model = lowbit::Model::from_buffer(bytes->data(), bytes->size());
  return model.ok() ? model.value() : nullptr;
}

// Frame t's features: a tone between frames 8 and 15 whose peak moves up the
// bins, small noise-like values elsewhere; float, before quantization.
float feature(int t, int k, int bins) {
  const bool tone = t >= 8 && t < 16;
  const float peak = bins * float(t - 8) / 8;
  const float background = 0.1f * std::sin(0.7f * float(t * bins + k));
  return tone ? 1.5f * std::exp(-0.05f * (k - peak) * (k - peak)) + background : background;
}

// Quantizes a float into the input tensor's dtype and scale.
void write_feature(const lowbit::TensorView& in, size_t i, float value) {
  const lowbit::Quantization& q = in.desc->quant;
  if (in.dtype() == lowbit::DType::kFloat32) {
    in.as<float>()[i] = value;
    return;
  }
  const bool wide = in.dtype() == lowbit::DType::kInt16;
  const float lo = wide ? -32768.0f : -128.0f, hi = wide ? 32767.0f : 127.0f;
  const float v = std::min(std::max(std::round(value / q.scales[0]) + float(q.zero_points[0]), lo), hi);
  if (wide) in.as<int16_t>()[i] = static_cast<int16_t>(v);
  else in.as<int8_t>()[i] = static_cast<int8_t>(v);
}

float read_score(const lowbit::TensorView& out, size_t i) {
  const lowbit::Quantization& q = out.desc->quant;
  const float scale = q.empty() ? 1.0f : q.scales[0];
  const float zero = q.empty() ? 0.0f : float(q.zero_points[0]);
  switch (out.dtype()) {
    case lowbit::DType::kInt8: return scale * (float(out.as<int8_t>()[i]) - zero);
    case lowbit::DType::kInt16: return scale * (float(out.as<int16_t>()[i]) - zero);
    case lowbit::DType::kInt32: return scale * (float(out.as<int32_t>()[i]) - zero);
    default: return out.as<float>()[i];
  }
}

// Feeds every frame and returns the decision (argmax) per frame, printing each
// when `print` is set.
bool stream(lowbit::Interpreter& interpreter, bool print, std::vector<int>* decisions) {
  const lowbit::TensorView in = interpreter.input(0);
  const lowbit::TensorView out = interpreter.output(0);
  const int bins = static_cast<int>(in.shape().num_elements());
  const size_t classes = static_cast<size_t>(out.shape().num_elements());
  for (int t = 0; t < kFrames; ++t) {
    for (int k = 0; k < bins; ++k) write_feature(in, size_t(k), feature(t, k, bins));
    if (lowbit::Status s = interpreter.invoke(); !s.ok()) {
      std::fprintf(stderr, "streaming_keywords: %s\n", s.to_string().c_str());
      return false;
    }
    size_t best = 0;
    for (size_t c = 1; c < classes; ++c) best = read_score(out, c) > read_score(out, best) ? c : best;
    decisions->push_back(int(best));
    if (print) std::printf("frame %2d: class %zu (score %.3f)\n", t, best, read_score(out, best));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint8_t> built_in_bytes;  // declared first: outlives the model using it in place
  std::unique_ptr<lowbit::Interpreter> interpreter;
  if (argc > 1) {
    if (!example::files_exist("streaming_keywords", {argv[1]})) return 1;
    interpreter = example::load_interpreter("streaming_keywords", argv[1]);
  } else if (auto model = built_in_model(&built_in_bytes)) {
    interpreter = example::prepared_interpreter("streaming_keywords", model);
  } else {
    std::fprintf(stderr, "streaming_keywords: could not build the built-in model\n");
  }
  if (interpreter == nullptr) return 1;

  std::vector<int> first, replay;
  if (!stream(*interpreter, true, &first)) return 1;
  // Forget the frames seen so far, as at the start of a new utterance.
  if (lowbit::Status s = interpreter->reset_state(); !s.ok()) {
    std::fprintf(stderr, "streaming_keywords: %s\n", s.to_string().c_str());
    return 1;
  }
  if (!stream(*interpreter, false, &replay)) return 1;
  std::printf("replay after reset_state(): %s\n",
              first == replay ? "same decisions" : "DIFFERENT decisions");
  return first == replay ? 0 : 1;
}
