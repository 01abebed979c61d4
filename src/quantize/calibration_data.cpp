#include "quantize/calibration_data.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "quantize/npy_reader.h"

namespace lowbit {
namespace quantize {
namespace {

namespace fs = std::filesystem;

Status invalid_arg(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

std::string input_description(const GraphDesc& graph, size_t i) {
  const TensorDesc& t = graph.tensors[graph.inputs[i]];
  return "graph input " + std::to_string(i) + " ('" + t.name + "', " + dtype_name(t.dtype) + " " +
         t.shape.to_string() + ")";
}

std::string extension_of(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// The regular files of `dir` in name order (hidden files skipped).
Result<std::vector<fs::path>> list_files(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return invalid_arg("calibration folder " + dir.string() + " does not exist or is not a folder");
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().filename().string().rfind('.', 0) == 0) continue;
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (error) return Status(StatusCode::kIoError, dir.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

// Every sample one file of `dir` holds, for the graph input described.
Result<std::vector<std::vector<float>>> load_file(const fs::path& path, size_t per_sample,
                                                   const std::string& input_desc) {
  const std::string ext = extension_of(path);
  if (ext == ".npy") {
    Result<NpyArray> array = read_npy_file(path.string());
    if (!array.ok()) return array.status();
    const int64_t first = array->shape.empty() ? 1 : array->shape[0];
    return split_samples(array->values, first, per_sample, path.string(), input_desc);
  }
  if (ext == ".bin" || ext == ".raw") {
    std::ifstream file(path, std::ios::binary);
    if (!file) return Status(StatusCode::kIoError, path.string() + ": cannot open");
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
    if (bytes.size() != per_sample * sizeof(float)) {
      return invalid_arg(path.string() + ": " + std::to_string(bytes.size()) +
                         " bytes, but one float32 sample of " + input_desc + " is " +
                         std::to_string(per_sample * sizeof(float)) + " bytes");
    }
    std::vector<float> values(per_sample);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return std::vector<std::vector<float>>{std::move(values)};
  }
  return invalid_arg(path.string() + ": unexpected file in the calibration folder (expected "
                     ".npy, .bin or .raw float32 samples)");
}

Result<std::vector<std::vector<float>>> load_input_folder(const fs::path& dir, size_t per_sample,
                                                           const std::string& input_desc) {
  Result<std::vector<fs::path>> files = list_files(dir);
  if (!files.ok()) return files.status();
  if (files->empty()) {
    return invalid_arg("calibration folder " + dir.string() + " holds no sample files for " +
                       input_desc);
  }
  std::vector<std::vector<float>> samples;
  for (const fs::path& path : files.value()) {
    Result<std::vector<std::vector<float>>> loaded = load_file(path, per_sample, input_desc);
    if (!loaded.ok()) return loaded.status();
    for (auto& s : loaded.value()) samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace

Result<std::vector<std::vector<float>>> split_samples(const std::vector<float>& values,
                                                       int64_t first_dim, size_t per_sample,
                                                       const std::string& what,
                                                       const std::string& input_desc) {
  if (values.size() == per_sample) return std::vector<std::vector<float>>{values};
  if (first_dim > 0 && per_sample > 0 &&
      values.size() == static_cast<size_t>(first_dim) * per_sample) {
    std::vector<std::vector<float>> samples;
    for (int64_t i = 0; i < first_dim; ++i) {
      samples.emplace_back(values.begin() + i * per_sample, values.begin() + (i + 1) * per_sample);
    }
    return samples;
  }
  return invalid_arg(what + ": " + std::to_string(values.size()) + " values (first axis " +
                     std::to_string(first_dim) + "), but " + input_desc + " takes " +
                     std::to_string(per_sample) + " per sample (a sample, or a batch of samples "
                     "along the first axis)");
}

Status check_samples(const GraphDesc& graph, const std::vector<Sample>& samples) {
  if (samples.empty()) return invalid_arg("no calibration samples");
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    if (graph.tensors[graph.inputs[i]].dtype != DType::kFloat32) {
      return invalid_arg(input_description(graph, i) + " is not float32: lowbit-quantize takes a "
                         "float model");
    }
  }
  for (size_t s = 0; s < samples.size(); ++s) {
    if (samples[s].size() != graph.inputs.size()) {
      return invalid_arg("calibration sample " + std::to_string(s) + " has " +
                         std::to_string(samples[s].size()) + " arrays, the model " +
                         std::to_string(graph.inputs.size()) + " inputs");
    }
    for (size_t i = 0; i < graph.inputs.size(); ++i) {
      const size_t want = static_cast<size_t>(graph.tensors[graph.inputs[i]].shape.num_elements());
      if (samples[s][i].size() != want) {
        return invalid_arg("calibration sample " + std::to_string(s) + ": " +
                           std::to_string(samples[s][i].size()) + " values for " +
                           input_description(graph, i) + ", which takes " + std::to_string(want));
      }
    }
  }
  return Status::Ok();
}

Result<std::vector<Sample>> load_calibration_dir(const GraphDesc& graph, const std::string& dir) {
  const size_t n_inputs = graph.inputs.size();
  std::vector<std::vector<std::vector<float>>> per_input(n_inputs);
  for (size_t i = 0; i < n_inputs; ++i) {
    const TensorDesc& t = graph.tensors[graph.inputs[i]];
    const size_t count = static_cast<size_t>(t.shape.num_elements());
    fs::path folder = dir;
    if (n_inputs > 1) {
      std::error_code error;
      const fs::path by_index = fs::path(dir) / std::to_string(i);
      const fs::path by_name = fs::path(dir) / t.name;
      if (fs::is_directory(by_index, error)) {
        folder = by_index;
      } else if (!t.name.empty() && t.name.find('/') == std::string::npos &&
                 fs::is_directory(by_name, error)) {
        folder = by_name;
      } else {
        return invalid_arg("calibration folder " + dir + " has no subfolder '" +
                           std::to_string(i) + "' or '" + t.name + "' for " +
                           input_description(graph, i) +
                           " (a model with several inputs takes one subfolder per input)");
      }
    }
    Result<std::vector<std::vector<float>>> samples =
        load_input_folder(folder, count, input_description(graph, i));
    if (!samples.ok()) return samples.status();
    per_input[i] = std::move(samples.value());
    if (per_input[i].size() != per_input[0].size()) {
      return invalid_arg("calibration folder " + dir + ": " + std::to_string(per_input[i].size()) +
                         " samples for " + input_description(graph, i) + " but " +
                         std::to_string(per_input[0].size()) + " for " +
                         input_description(graph, 0));
    }
  }
  std::vector<Sample> samples(n_inputs == 0 ? 0 : per_input[0].size());
  for (size_t s = 0; s < samples.size(); ++s) {
    for (size_t i = 0; i < n_inputs; ++i) samples[s].push_back(std::move(per_input[i][s]));
  }
  LOWBIT_RETURN_IF_ERROR(check_samples(graph, samples));
  return samples;
}

}  // namespace quantize
}  // namespace lowbit
