#include "convert/tflite_importer.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "convert/graph_cleanup.h"
#include "convert/importer.h"
#include "convert/tflite_schema.h"

namespace lowbit {
namespace {

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string ConversionSummary::to_text() const {
  std::string text = "operators:";
  int total = 0;
  for (const auto& entry : operators_by_kind) {
    text += " " + entry.first + " x" + std::to_string(entry.second);
    total += entry.second;
  }
  text += " (" + std::to_string(total) + " total)\n";
  text += "tensors: " + std::to_string(tensors) + " (" + std::to_string(constant_tensors) +
          " constant)\n";
  text += "weight bytes: " + with_commas(weight_bytes_before) + " in TFLite -> " +
          with_commas(weight_bytes_after) + " in lowbit\n";
  text += "MACs: int8 " + with_commas(int8_macs) + ", binary " + with_commas(binary_macs) +
          ", float " + with_commas(float_macs) + "\n";
  if (prepack_target != "none") {
    text += "prepared data (" + prepack_target + "): " + with_commas(prepack.bytes) +
            " bytes for " + std::to_string(prepack.operators) + " operators\n";
  }
  for (const std::string& note : notes) text += "note: " + note + "\n";
  return text;
}

Status import_tflite(const uint8_t* data, size_t size, ModelBuilder* builder,
                     ConversionSummary* summary) {
  if (!builder->graph().tensors.empty() || !builder->graph().operators.empty()) {
    return Status(StatusCode::kInvalidArgument, "import_tflite needs an empty ModelBuilder");
  }
  ConversionSummary local;
  if (summary == nullptr) summary = &local;
  *summary = ConversionSummary();
  // FlatBuffers reads scalars in place; the verifier checks alignment relative
  // to the buffer start, so the start itself must be aligned.
  std::vector<uint8_t> aligned_copy;
  if (reinterpret_cast<uintptr_t>(data) % 16 != 0) {
    aligned_copy.assign(data, data + size);
    data = aligned_copy.data();
  }
  const char* why = "";
  const tfl::Model* model = tfl::verify_tflite_buffer(data, size, &why);
  if (model == nullptr) return Status(StatusCode::kInvalidModel, std::string("not a valid TFLite model: ") + why);
  if (model->version() != 3) {
    return Status(StatusCode::kUnsupported, "TFLite schema version " +
                                                std::to_string(model->version()) +
                                                " is not supported (only version 3)");
  }
  // Imported into a scratch builder first: the clean-up passes rewrite the
  // graph before it reaches the caller's.
  ModelBuilder imported;
  convert::Importer importer(data, size, model, &imported, summary);
  const Status status = importer.run();
  GraphDesc graph = imported.graph();
  if (status.ok()) {
    const int pairs = convert::cancel_transpose_pairs(&graph);
    if (pairs > 0) {
      summary->notes.push_back("removed " + std::to_string(pairs) +
                               " TRANSPOSE pair(s) that cancel each other");
    }
  }
  const size_t operators_before = graph.operators.size();
  convert::emit_live_graph(graph, builder, summary);
  const size_t dead = operators_before - builder->graph().operators.size();
  if (dead > 0) {
    summary->notes.push_back("removed " + std::to_string(dead) +
                             " operator(s) no graph output depends on");
  }
  return status;
}

Result<std::vector<uint8_t>> read_tflite_file(const std::string& path, uint64_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status(StatusCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status(StatusCode::kIoError, path + ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return Status(StatusCode::kResourceExhausted,
                  path + ": file has " + std::to_string(st.st_size) + " bytes, more than " +
                      std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kIoError, "cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status(StatusCode::kIoError, "cannot read " + path);
  return bytes;
}

Status convert_tflite_file(const std::string& tflite_path, const std::string& lbm_path,
                           ConversionSummary* summary, const PrepackOptions& prepack) {
  LOWBIT_RETURN_IF_ERROR(check_prepack_target(prepack.target));
  Result<std::vector<uint8_t>> read = read_tflite_file(tflite_path, UINT64_MAX);
  if (!read.ok()) return read.status();
  const std::vector<uint8_t>& bytes = read.value();
  ModelBuilder builder;
  Status status = import_tflite(bytes.data(), bytes.size(), &builder, summary);
  if (!status.ok()) return Status(status.code(), tflite_path + ": " + status.message());
  Result<std::vector<uint8_t>> lbm = builder.finish();
  if (!lbm.ok()) return lbm.status();
  summary->prepack_target = prepack.target;
  Result<std::vector<uint8_t>> prepacked = prepack_model(lbm.value(), prepack, &summary->prepack);
  if (!prepacked.ok()) return Status(prepacked.status().code(),
                                     tflite_path + ": prepack: " + prepacked.status().message());
  std::FILE* f = std::fopen(lbm_path.c_str(), "wb");
  if (f == nullptr) {
    return Status(StatusCode::kIoError, "cannot create " + lbm_path + ": " + std::strerror(errno));
  }
  const std::vector<uint8_t>& data = prepacked.value();
  const bool written = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) return Status(StatusCode::kIoError, "cannot write " + lbm_path);
  return Status::Ok();
}

}  // namespace lowbit
