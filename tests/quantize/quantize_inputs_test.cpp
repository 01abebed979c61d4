// Calibration files, the .npy reader, INT4 packing, and the named errors of
// bad input (nothing is written when quantization fails).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "quantize/calibration_data.h"
#include "quantize/int8_rewrite.h"
#include "quantize/npy_reader.h"
#include "quantize/quantize_test_util.h"
#include "quantize/weight_quant.h"

namespace lowbit {
namespace {

namespace fs = std::filesystem;
using namespace quantize_test;

// A fresh folder under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    path = fs::temp_directory_path() / ("lowbit_quantize_test_" + name + "_" +
                                         std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code e;
    fs::remove_all(path, e);
  }
};

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string error_of(const Status& s) { return s.to_string(); }

TEST_CASE(".npy reader: round trip and named errors", "[quantize][npy]") {
  TempDir dir("npy");
  // The array `bytes` holds, written to a file of `name` and read back.
  auto read_back = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    write_bytes(dir.path / name, bytes);
    return quantize::read_npy_file((dir.path / name).string());
  };
  const std::vector<float> values = {1.5f, -2.0f, 0.25f, 7.0f, 8.0f, -9.5f};
  const std::vector<uint8_t> bytes = quantize::write_npy({2, 3}, values);
  Result<quantize::NpyArray> a = read_back("a.npy", bytes);
  REQUIRE(a.ok());
  CHECK(a->shape == std::vector<int64_t>{2, 3});
  CHECK(a->values == values);
  REQUIRE(read_back("b.npy", quantize::write_npy({3}, {1, 2, 3})).ok());

  auto with_header = [&](const std::string& from, const std::string& to) {
    std::string text(bytes.begin(), bytes.end());
    text.replace(text.find(from), from.size(), to);
    return std::vector<uint8_t>(text.begin(), text.end());
  };
  CHECK_THAT(error_of(read_back("f8.npy", with_header("'<f4'", "'<f8'")).status()),
             Catch::Contains("f8.npy") && Catch::Contains("dtype '<f8'"));
  CHECK_THAT(error_of(read_back("i4.npy", with_header("'<f4'", "'<i4'")).status()),
             Catch::Contains("i4.npy") && Catch::Contains("not a float32"));
  CHECK_THAT(error_of(read_back("fortran.npy", with_header("False", "True ")).status()),
             Catch::Contains("Fortran order"));
  const std::vector<uint8_t> short_data(bytes.begin(), bytes.end() - 4);
  CHECK_THAT(error_of(read_back("short.npy", short_data).status()),
             Catch::Contains("needs 24 bytes of data, the file has 20"));
  CHECK_THAT(error_of(read_back("magic.npy", {bytes.begin(), bytes.begin() + 5}).status()),
             Catch::Contains("magic"));
}

TEST_CASE("calibration folder: .npy batches, raw files, subfolders per input", "[quantize]") {
  ModelBuilder b;
  build_concat_pad(&b, 1);  // input [1,4,4,2]: 32 floats
  TempDir dir("folder");
  std::vector<float> batch(3 * 32);
  for (size_t i = 0; i < batch.size(); ++i) batch[i] = static_cast<float>(i);
  write_bytes(dir.path / "a.npy", quantize::write_npy({3, 1, 4, 4, 2}, batch));
  std::vector<uint8_t> raw(32 * sizeof(float));
  std::memcpy(raw.data(), batch.data(), raw.size());
  write_bytes(dir.path / "b.bin", raw);
  Result<std::vector<Sample>> samples =
      quantize::load_calibration_dir(b.graph(), dir.path.string());
  REQUIRE(samples.ok());
  REQUIRE(samples->size() == 4);
  CHECK(samples.value()[1][0][0] == 32.0f);
  CHECK(samples.value()[3][0][31] == 31.0f);

  SECTION("wrong size") {
    raw.resize(raw.size() - 4);
    write_bytes(dir.path / "c.raw", raw);
    CHECK_THAT(error_of(quantize::load_calibration_dir(b.graph(), dir.path.string()).status()),
               Catch::Contains("c.raw: 124 bytes") && Catch::Contains("'input'"));
  }
  SECTION("wrong dtype") {
    std::vector<uint8_t> npy = quantize::write_npy({32}, std::vector<float>(32, 1.0f));
    std::string text(npy.begin(), npy.end());
    text.replace(text.find("<f4"), 3, "<i4");
    write_bytes(dir.path / "d.npy", std::vector<uint8_t>(text.begin(), text.end()));
    CHECK_THAT(error_of(quantize::load_calibration_dir(b.graph(), dir.path.string()).status()),
               Catch::Contains("d.npy") && Catch::Contains("dtype '<i4'"));
  }
  SECTION("wrong element count in a .npy") {
    write_bytes(dir.path / "e.npy", quantize::write_npy({2, 5}, std::vector<float>(10, 1.0f)));
    CHECK_THAT(error_of(quantize::load_calibration_dir(b.graph(), dir.path.string()).status()),
               Catch::Contains("e.npy: 10 values"));
  }
  SECTION("a stray file") {
    write_bytes(dir.path / "notes.txt", {1, 2});
    CHECK_THAT(error_of(quantize::load_calibration_dir(b.graph(), dir.path.string()).status()),
               Catch::Contains("notes.txt: unexpected file"));
  }
}

TEST_CASE("calibration folder: empty, missing, and a model with two inputs", "[quantize]") {
  ModelBuilder b;
  build_concat_pad(&b, 1);
  TempDir empty("empty");
  CHECK_THAT(error_of(quantize::load_calibration_dir(b.graph(), empty.path.string()).status()),
             Catch::Contains("holds no sample files"));
  const std::string missing = (empty.path / "nope").string();
  CHECK_THAT(error_of(quantize::load_calibration_dir(b.graph(), missing).status()),
             Catch::Contains("does not exist"));

  ModelBuilder two;
  const int x = two.add_tensor("x", DType::kFloat32, Shape{1, 4});
  const int y = two.add_tensor("y", DType::kFloat32, Shape{1, 4});
  const int s = two.add_tensor("sum", DType::kFloat32, Shape{1, 4});
  two.add_operator(OpType::kAdd, {x, y}, {s}, ElementwiseOptions{}, "add");
  two.set_inputs({x, y});
  two.set_outputs({s});
  TempDir dir("two");
  fs::create_directories(dir.path / "0");
  fs::create_directories(dir.path / "y");
  write_bytes(dir.path / "0" / "a.npy", quantize::write_npy({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}));
  write_bytes(dir.path / "y" / "a.npy", quantize::write_npy({2, 1, 4}, {0, 0, 0, 0, 1, 1, 1, 1}));
  Result<std::vector<Sample>> samples =
      quantize::load_calibration_dir(two.graph(), dir.path.string());
  REQUIRE(samples.ok());
  REQUIRE(samples->size() == 2);
  CHECK(samples.value()[1][0][0] == 5.0f);
  CHECK(samples.value()[1][1][0] == 1.0f);
  fs::remove_all(dir.path / "y");
  CHECK_THAT(error_of(quantize::load_calibration_dir(two.graph(), dir.path.string()).status()),
             Catch::Contains("no subfolder '1' or 'y'"));
}

TEST_CASE("bad models and options are named errors", "[quantize]") {
  ModelBuilder exp_model;
  build_with_exp(&exp_model, 1);
  const std::vector<Sample> samples = random_samples(exp_model.graph(), 4, -1.0f, 1.0f, 1);
  Result<quantize::QuantizeResult> q =
      quantize::quantize_graph(exp_model.graph(), samples, quantize::QuantizeOptions{});
  CHECK_THAT(error_of(q.status()),
             Catch::Contains("operator 1 (EXP \"exp\"): cannot be quantized; keep it float "
                             "with --keep-float 1"));
  quantize::QuantizeOptions keep;
  keep.keep_float = {"exp"};
  CHECK(quantize::quantize_graph(exp_model.graph(), samples, keep).ok());
  keep.keep_float = {"no_such_layer"};
  CHECK_THAT(error_of(quantize::quantize_graph(exp_model.graph(), samples, keep).status()),
             Catch::Contains("'no_such_layer' names no operator"));

  // An int8 model is not a float model.
  ModelBuilder int8_model;
  const int x = int8_model.add_tensor("x", DType::kInt8, Shape{1, 4}, Quantization{{0.1f}, {0}, 0});
  const int y = int8_model.add_tensor("y", DType::kInt8, Shape{1, 4}, Quantization{{0.1f}, {0}, 0});
  int8_model.add_operator(OpType::kRelu, {x}, {y}, {}, "relu");
  int8_model.set_inputs({x});
  int8_model.set_outputs({y});
  CHECK_THAT(error_of(quantize::quantize_graph(int8_model.graph(), {{std::vector<float>(4)}},
                                               quantize::QuantizeOptions{})
                          .status()),
             Catch::Contains("not float32: lowbit-quantize takes a float model"));

  // Samples of the wrong size, or none.
  keep.keep_float = {"exp"};
  const std::vector<Sample> short_sample = {{std::vector<float>(5)}};
  CHECK_THAT(error_of(quantize::quantize_graph(exp_model.graph(), short_sample, keep).status()),
             Catch::Contains("5 values for graph input 0"));
  CHECK_THAT(error_of(quantize::quantize_graph(exp_model.graph(), {}, keep).status()),
             Catch::Contains("no calibration samples"));
}

TEST_CASE("a calibrator this build lacks is a named error", "[quantize]") {
  ModelBuilder b;
  build_concat_pad(&b, 1);
  const std::vector<Sample> samples = random_samples(b.graph(), 2, -1.0f, 1.0f, 1);
  for (quantize::Calibrator c : {quantize::Calibrator::kMinMax, quantize::Calibrator::kEma,
                                 quantize::Calibrator::kPercentile, quantize::Calibrator::kEntropy,
                                 quantize::Calibrator::kMse}) {
    quantize::QuantizeOptions options;
    options.calibrator.kind = c;
    Result<quantize::QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
    if (quantize::make_range_observer(options.calibrator)) {
      CHECK(q.ok());
    } else {
      CHECK_THAT(error_of(q.status()), Catch::Contains(std::string("calibrator '") +
                                                       quantize::calibrator_name(c) +
                                                       "' is not available"));
    }
  }
}

TEST_CASE("write_model_atomically leaves nothing behind on failure", "[quantize]") {
  TempDir dir("write");
  const fs::path target = dir.path / "missing_folder" / "out.lbm";
  CHECK_FALSE(quantize::write_model_atomically(target.string(), {1, 2, 3}).ok());
  CHECK_FALSE(fs::exists(target));
  const fs::path ok = dir.path / "out.lbm";
  REQUIRE(quantize::write_model_atomically(ok.string(), {1, 2, 3}).ok());
  CHECK(fs::file_size(ok) == 3);
  CHECK_FALSE(fs::exists(ok.string() + ".partial"));
}

TEST_CASE("int4 weights: [-7, 7] per channel, two nibbles per byte, low nibble first",
          "[quantize][int4]") {
  CHECK(quantize::pack_int4({1, -2, 7, -8, 3}) == std::vector<uint8_t>{0xE1, 0x87, 0x03});
  const std::vector<int8_t> all = {-8, -7, -1, 0, 1, 6, 7};
  CHECK(quantize::unpack_int4(quantize::pack_int4(all), all.size()) == all);

  std::vector<float> w = {0.7f, -0.36f, 0.1f, 0.0f,  // channel 0: max 0.7 -> scale 0.1
                          2.0f, 1.2f, -2.0f, 0.5f};  // channel 1: max 2 -> scale 2/7
  TensorDesc desc;
  desc.dtype = DType::kFloat32;
  desc.shape = Shape{2, 4};
  desc.data = w.data();
  desc.data_bytes = w.size() * sizeof(float);
  const quantize::QuantizedWeights q =
      quantize::quantize_weights(desc, OpType::kFullyConnected, 4, false);
  CHECK(q.scales[0] == Approx(0.1f));
  CHECK(q.scales[1] == Approx(2.0f / 7.0f));
  CHECK(q.values == std::vector<int8_t>{7, -4, 1, 0, 7, 4, -7, 2});

  // The written FULLY_CONNECTED weights are a packed kInt4 constant.
  ModelBuilder b;
  build_conv_pool_fc_softmax(&b, 2);
  const std::vector<Sample> samples = random_samples(b.graph(), 4, -1.0f, 1.0f, 3);
  quantize::QuantizeOptions options;
  options.weight_bits = 4;
  Result<quantize::QuantizeResult> result = quantize::quantize_graph(b.graph(), samples, options);
  REQUIRE(result.ok());
  quantize::QuantPlan plan;  // rebuild the same graph to look at it unserialized
  ModelBuilder out;
  plan.keep_float.assign(b.graph().operators.size(), false);
  plan.int8_weights.assign(b.graph().operators.size(), false);
  std::vector<quantize::ActQuant> observed(b.graph().tensors.size());
  for (size_t t = 0; t < observed.size(); ++t) {
    if (!b.graph().tensors[t].is_constant()) observed[t] = quantize::act_quant_from_range({-1, 1});
  }
  quantize::plan_activation_quant(b.graph(), observed, &plan);
  quantize::RewriteOptions rewrite;
  rewrite.weight_bits = 4;
  REQUIRE(quantize::build_quantized_graph(b.graph(), plan, rewrite, &out).ok());
  int int4_tensors = 0;
  for (const OperatorDesc& op : out.graph().operators) {
    if (op.type != OpType::kFullyConnected && op.type != OpType::kConv2D) continue;
    const TensorDesc& weights = out.graph().tensors[op.inputs[1]];
    CHECK(weights.dtype == DType::kInt4);
    CHECK(weights.quant.scales.size() == static_cast<size_t>(weights.shape[0]));
    CHECK(weights.data_bytes == static_cast<size_t>(weights.shape.num_elements() + 1) / 2);
    const OperatorDesc& float_op = b.graph().operators[op.name == "fc" ? 3 : 0];
    const TensorDesc& original = b.graph().tensors[float_op.inputs[1]];
    const quantize::QuantizedWeights expect =
        quantize::quantize_weights(original, op.type, 4, false);
    const auto* packed = static_cast<const uint8_t*>(weights.data);
    CHECK(quantize::unpack_int4({packed, packed + weights.data_bytes}, expect.values.size()) ==
          expect.values);
    ++int4_tensors;
  }
  CHECK(int4_tensors == 2);
  CHECK(result->report.tensors[0].precision == "int8 (int4 weights)");
}

}  // namespace
}  // namespace lowbit
