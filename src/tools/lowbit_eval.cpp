// lowbit-eval: top-1 accuracy of a classifier on a folder of .npy samples,
// and how often a second model predicts the same class.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "tools/cli.h"
#include "format/npy_file.h"
#include "tools/tensor_text.h"

namespace {

using namespace lowbit;
using namespace lowbit::tools;
namespace fs = std::filesystem;

struct Args {
  std::string model, compare, data, labels;
  long long limit = -1;
  InterpreterOptions options;
};

// A data file and how many samples it holds (1, or its leading axis).
struct DataFile {
  std::string path;
  NpyHeader header;
  int64_t samples = 0;
};

struct Classifier {
  std::string path;
  std::unique_ptr<Interpreter> interp;
  int64_t classes = 0;
  int64_t correct = 0;
};

int parse_args(int argc, char** argv, Args* args) {
  CLI::App app("Top-1 accuracy of a classifier on .npy samples, and its agreement with another "
               "model.", "lowbit-eval");
  setup_app(app, "usage: lowbit-eval MODEL --data DIR --labels FILE [--compare OTHER_MODEL] "
                 "[--limit N] [options]");
  app.add_option("MODEL", args->model, "the model: .lbm or .tflite")->type_name("");
  app.add_option("--data", args->data,
                 "folder of .npy samples, read in file-name order: one sample per file, or "
                 "several along a leading batch axis")
      ->type_name("DIR");
  app.add_option("--labels", args->labels,
                 "the samples' classes: a text file with one integer per line, or a .npy of "
                 "integers")
      ->type_name("FILE");
  app.add_option("--compare", args->compare,
                 "a second model: print its accuracy and how often the two agree")
      ->type_name("OTHER_MODEL");
  app.add_option("--limit", args->limit, "evaluate the first N samples only")
      ->check(integer_in(1, 1LL << 40, "a positive number"))
      ->type_name("N");
  app.add_option("--kernel", args->options.kernel, "kernel set: auto, reference or an ISA name")
      ->type_name("NAME");
  add_float_kernels_option(app, &args->options.float_kernels);
  add_float_precision_option(app, &args->options.float_precision);
  app.add_option("--threads", args->options.num_threads, "worker threads (default 1)")
      ->check(integer_in(1, 1024, "a number in [1, 1024]"))
      ->type_name("N");
  const int exit_code = parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (args->model.empty()) return usage_error(app, "no model file given");
  if (args->data.empty()) return usage_error(app, "--data DIR is required");
  if (args->labels.empty()) return usage_error(app, "--labels FILE is required");
  return -1;
}

Status load_classifier(const std::string& path, const InterpreterOptions& options, Classifier* c) {
  Result<std::shared_ptr<const Model>> model = Model::load(path);
  if (!model.ok()) return model.status();
  c->path = path;
  c->interp = std::make_unique<Interpreter>(model.value(), options);
  const Status prepared = c->interp->prepare();
  if (!prepared.ok()) return Status(prepared.code(), path + ": " + prepared.message());
  if (c->interp->num_inputs() != 1 || c->interp->num_outputs() < 1) {
    return Status(StatusCode::kInvalidArgument,
                  path + ": lowbit-eval needs a model with one input, this one has " +
                      std::to_string(c->interp->num_inputs()));
  }
  const TensorView in = c->interp->input(0);
  if (in.dtype() != DType::kFloat32 && in.dtype() != DType::kInt8 && in.dtype() != DType::kUInt8) {
    return Status(StatusCode::kUnsupported, path + ": input '" + in.name() + "' is " +
                                                tensor_summary(*in.desc) +
                                                "; lowbit-eval feeds float32, int8 or uint8");
  }
  const TensorView out = c->interp->output(0);
  if (out.dtype() != DType::kFloat32 && out.dtype() != DType::kInt8 &&
      out.dtype() != DType::kUInt8) {
    return Status(StatusCode::kUnsupported, path + ": output '" + out.name() + "' is " +
                                                tensor_summary(*out.desc) +
                                                "; lowbit-eval ranks float32, int8 or uint8 scores");
  }
  c->classes = out.shape().num_elements();
  if (c->classes < 1) return Status(StatusCode::kInvalidArgument, path + ": empty output");
  return Status::Ok();
}

// Which files hold samples for `input` and how many each; everything is
// checked before the first inference.
Status list_data(const std::string& dir, const TensorView& input, std::vector<DataFile>* files) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return Status(StatusCode::kIoError, "data folder " + dir + " does not exist or is no folder");
  }
  std::vector<std::string> paths;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".npy") paths.push_back(entry.path().string());
  }
  if (error) return Status(StatusCode::kIoError, "cannot list " + dir + ": " + error.message());
  if (paths.empty()) return Status(StatusCode::kInvalidArgument, "no .npy files in " + dir);
  std::sort(paths.begin(), paths.end());

  const int64_t per_sample = input.shape().num_elements();
  const std::string wanted = "the model input '" + input.name() + "' (" +
                             tensor_summary(*input.desc) + ") takes " +
                             std::to_string(per_sample) + " values per sample";
  for (const std::string& path : paths) {
    DataFile file{path, {}, 0};
    LOWBIT_RETURN_IF_ERROR(read_npy_header(path, &file.header));
    const NpyHeader& h = file.header;
    const bool same_type = (h.kind == 'f' && input.dtype() == DType::kFloat32) ||
                           (h.descr.substr(1) == "i1" && input.dtype() == DType::kInt8) ||
                           (h.descr.substr(1) == "u1" && input.dtype() == DType::kUInt8);
    const bool quantizable = h.kind == 'f' && input.dtype() != DType::kFloat32;
    if (!same_type && !quantizable) {
      return Status(StatusCode::kInvalidArgument,
                    path + ": dtype " + h.descr + " does not match " + wanted +
                        " (give float32, or the input's own dtype)");
    }
    if (h.count() == per_sample) {
      file.samples = 1;
    } else if (!h.shape.empty() && h.shape[0] > 0 && h.count() == h.shape[0] * per_sample) {
      file.samples = h.shape[0];
    } else {
      return Status(StatusCode::kInvalidArgument,
                    path + ": shape " + h.shape_text() + " holds " + std::to_string(h.count()) +
                        " values, neither one sample nor a batch of them: " + wanted);
    }
    files->push_back(std::move(file));
  }
  return Status::Ok();
}

Status read_labels(const std::string& path, std::vector<int64_t>* labels) {
  if (fs::path(path).extension() == ".npy") return read_npy_integers(path, labels);
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kIoError, "cannot open labels file " + path);
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    long long value = 0;
    if (!parse_integer(line, 0, 1LL << 40, &value)) {
      return Status(StatusCode::kInvalidArgument,
                    path + ":" + std::to_string(line_number) + ": expected a class number, got '" +
                        line + "'");
    }
    labels->push_back(value);
  }
  return Status::Ok();
}

// One sample's values (raw bytes of the file's dtype) into the model's input:
// copied when the dtypes match, else float32 quantized with the input's scale
// and zero point (round half away from zero, then saturate).
Status feed(const DataFile& file, const std::vector<uint8_t>& bytes, const TensorView& input,
            const std::string& model_path) {
  const bool same = !(file.header.kind == 'f' && input.dtype() != DType::kFloat32);
  if (same) {
    std::memcpy(input.data, bytes.data(), input.bytes);
    return Status::Ok();
  }
  const Quantization& q = input.desc->quant;
  if (q.scales.size() != 1 || !(q.scales[0] > 0)) {
    return Status(StatusCode::kUnsupported,
                  model_path + ": input '" + input.name() +
                      "' has no single positive scale to quantize float32 samples with");
  }
  const float scale = q.scales[0];
  const int32_t zero_point = q.zero_points.empty() ? 0 : q.zero_points[0];
  const bool is_signed = input.dtype() == DType::kInt8;
  const float lo = is_signed ? -128.f : 0.f, hi = is_signed ? 127.f : 255.f;
  const int64_t n = input.shape().num_elements();
  for (int64_t i = 0; i < n; ++i) {
    float x = 0;
    std::memcpy(&x, bytes.data() + i * 4, 4);
    const float v = std::min(hi, std::max(lo, std::round(x / scale) + float(zero_point)));
    if (is_signed) {
      input.as<int8_t>()[i] = static_cast<int8_t>(v);
    } else {
      input.as<uint8_t>()[i] = static_cast<uint8_t>(v);
    }
  }
  return Status::Ok();
}

// First index of the largest score (np.argmax). Quantized scores rank as
// their integers: the scale is positive.
int64_t top1(const TensorView& out) {
  const int64_t n = out.shape().num_elements();
  int64_t best = 0;
  auto score = [&](int64_t i) -> double {
    switch (out.dtype()) {
      case DType::kInt8: return out.as<int8_t>()[i];
      case DType::kUInt8: return out.as<uint8_t>()[i];
      default: return out.as<float>()[i];
    }
  };
  for (int64_t i = 1; i < n; ++i) {
    if (score(i) > score(best)) best = i;
  }
  return best;
}

std::string percent(int64_t part, int64_t whole) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f%% (%lld/%lld)", 100.0 * double(part) / double(whole),
                static_cast<long long>(part), static_cast<long long>(whole));
  return text;
}

Status run(const Args& args) {
  std::vector<Classifier> models(args.compare.empty() ? 1 : 2);
  LOWBIT_RETURN_IF_ERROR(load_classifier(args.model, args.options, &models[0]));
  if (models.size() == 2) {
    LOWBIT_RETURN_IF_ERROR(load_classifier(args.compare, args.options, &models[1]));
  }
  std::vector<std::vector<DataFile>> files(models.size());
  for (size_t m = 0; m < models.size(); ++m) {
    LOWBIT_RETURN_IF_ERROR(list_data(args.data, models[m].interp->input(0), &files[m]));
  }
  int64_t total = 0;
  for (const DataFile& f : files[0]) total += f.samples;
  std::vector<int64_t> labels;
  LOWBIT_RETURN_IF_ERROR(read_labels(args.labels, &labels));
  if (int64_t(labels.size()) != total) {
    return Status(StatusCode::kInvalidArgument,
                  args.labels + " has " + std::to_string(labels.size()) + " labels, " + args.data +
                      " holds " + std::to_string(total) + " samples");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    for (const Classifier& c : models) {
      if (labels[i] < 0 || labels[i] >= c.classes) {
        return Status(StatusCode::kInvalidArgument,
                      args.labels + ": label " + std::to_string(i) + " is " +
                          std::to_string(labels[i]) + ", outside the " +
                          std::to_string(c.classes) + " classes of " + c.path);
      }
    }
  }

  const int64_t count = args.limit > 0 ? std::min<int64_t>(args.limit, total) : total;
  int64_t agree = 0, sample = 0;
  std::vector<uint8_t> bytes;
  for (size_t f = 0; f < files[0].size() && sample < count; ++f) {
    for (int64_t s = 0; s < files[0][f].samples && sample < count; ++s, ++sample) {
      int64_t predictions[2] = {0, 0};
      for (size_t m = 0; m < models.size(); ++m) {
        const DataFile& file = files[m][f];
        const TensorView input = models[m].interp->input(0);
        const int64_t per_sample = input.shape().num_elements();
        LOWBIT_RETURN_IF_ERROR(
            read_npy_values(file.path, file.header, s * per_sample, per_sample, &bytes));
        LOWBIT_RETURN_IF_ERROR(feed(file, bytes, input, models[m].path));
        LOWBIT_RETURN_IF_ERROR(models[m].interp->invoke());
        predictions[m] = top1(models[m].interp->output(0));
        if (predictions[m] == labels[size_t(sample)]) ++models[m].correct;
      }
      if (predictions[0] == predictions[1]) ++agree;
    }
  }
  std::printf("samples: %lld of %lld (%zu file%s in %s)\n", static_cast<long long>(count),
              static_cast<long long>(total), files[0].size(), files[0].size() == 1 ? "" : "s",
              args.data.c_str());
  for (const Classifier& c : models) {
    std::printf("%s: top-1 accuracy %s\n", c.path.c_str(), percent(c.correct, count).c_str());
  }
  if (models.size() == 2) {
    std::printf("agreement of top-1 predictions: %s\n", percent(agree, count).c_str());
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  const int exit_code = parse_args(argc, argv, &args);
  if (exit_code >= 0) return exit_code;
  const Status status = run(args);
  if (!status.ok()) {
    print_error("lowbit-eval", "", status);
    return 1;
  }
  return 0;
}
