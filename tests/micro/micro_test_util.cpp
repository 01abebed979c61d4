#include "micro_test_util.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>

#include <flatbuffers/flatbuffers.h>

#include "schema/lowbit_generated.h"

namespace lowbit {
namespace micro_test {
namespace {

constexpr size_t kLbmAlignment = 64;
constexpr std::align_val_t kBlockAlignment{16};

size_t align_up(size_t n) { return (n + kLbmAlignment - 1) / kLbmAlignment * kLbmAlignment; }

// The FlatBuffer with constants placed from data_start on.
void build(const TinyModel& m, size_t data_start, flatbuffers::FlatBufferBuilder* fbb) {
  fbb->Clear();
  std::vector<fb::Buffer> buffers;
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  size_t next = data_start;
  for (const TinyTensor& t : m.tensors) {
    int32_t buffer = t.buffer;
    if (!t.data.empty()) {
      buffer = int32_t(buffers.size());
      buffers.emplace_back(next, t.data.size());
      next = align_up(next + t.data.size());
    }
    flatbuffers::Offset<fb::Quantization> quantization = 0;
    if (!t.scales.empty()) {
      quantization = fb::CreateQuantizationDirect(*fbb, &t.scales, &t.zero_points, 0);
    }
    tensors.push_back(fb::CreateTensorDirect(*fbb, t.name.c_str(), fb::DType(t.dtype), &t.shape,
                                             buffer, quantization, t.is_variable));
  }
  std::vector<flatbuffers::Offset<fb::Operator>> operators;
  for (const TinyOperator& op : m.operators) {
    flatbuffers::Offset<void> options = 0;
    fb::Options options_type = fb::Options::NONE;
    if (op.reshape_options) {
      // The output's shape; none when the test gave the operator a bad output.
      const int32_t out = op.outputs.empty() ? -1 : op.outputs[0];
      const std::vector<int32_t> none;
      const std::vector<int32_t>& shape =
          out >= 0 && size_t(out) < m.tensors.size() ? m.tensors[size_t(out)].shape : none;
      options = fb::CreateReshapeOptionsDirect(*fbb, &shape).Union();
      options_type = fb::Options::ReshapeOptions;
    } else if (op.default_options != 0) {
      options_type = fb::Options(op.default_options);
      switch (op.default_options) {
        case 1: options = fb::CreateConv2DOptions(*fbb).Union(); break;
        case 2: options = fb::CreateDepthwiseConv2DOptions(*fbb).Union(); break;
        case 3: options = fb::CreateFullyConnectedOptions(*fbb).Union(); break;
        case 4: options = fb::CreatePool2DOptions(*fbb).Union(); break;
        case 5: options = fb::CreateElementwiseOptions(*fbb).Union(); break;
        case 7: options = fb::CreateSoftmaxOptions(*fbb).Union(); break;
        default: options_type = fb::Options::NONE; break;
      }
    }
    operators.push_back(fb::CreateOperatorDirect(*fbb, fb::OpType(op.type), op.name.c_str(),
                                                 &op.inputs, &op.outputs, options_type, options));
  }
  const auto model = fb::CreateModelDirect(*fbb, m.format_version, "lowbit micro test model",
                                           &tensors, &operators, &m.inputs, &m.outputs, &buffers);
  fb::FinishModelBuffer(*fbb, model);
}

}  // namespace

std::vector<uint8_t> TinyModel::serialize() const {
  flatbuffers::FlatBufferBuilder fbb(1024);
  // Buffer structs have a fixed size, so placing the data does not move it.
  build(*this, 0, &fbb);
  const size_t data_start = align_up(fbb.GetSize());
  build(*this, data_start, &fbb);
  std::vector<uint8_t> file(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  size_t next = data_start;
  for (const TinyTensor& t : tensors) {
    if (t.data.empty()) continue;
    file.resize(next + t.data.size(), 0);
    std::copy(t.data.begin(), t.data.end(), file.begin() + std::ptrdiff_t(next));
    next = align_up(next + t.data.size());
  }
  return file;
}

TinyTensor int8_tensor(const std::string& name, std::vector<int32_t> shape) {
  TinyTensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.scales = {0.5f};
  t.zero_points = {-3};
  return t;
}

TinyModel reshape_chain(int steps) {
  TinyModel m;
  int32_t previous = m.add(int8_tensor("in", {1, 4, 6}));
  m.inputs = {previous};
  TinyTensor shape;
  shape.name = "new_shape";
  shape.dtype = LOWBIT_INT32;
  shape.shape = {1};
  shape.data = {24, 0, 0, 0};
  const int32_t shape_index = m.add(shape);
  for (int i = 0; i < steps; ++i) {
    const int32_t next = m.add(int8_tensor("t" + std::to_string(i + 1),
                                           i % 2 == 0 ? std::vector<int32_t>{24}
                                                      : std::vector<int32_t>{1, 24}));
    TinyOperator op;
    op.inputs = {previous};
    if (i == 0) op.inputs.push_back(shape_index);
    op.outputs = {next};
    op.name = "reshape" + std::to_string(i);
    op.reshape_options = true;
    m.operators.push_back(op);
    previous = next;
  }
  m.outputs = {previous};
  return m;
}

void FreeBlock::operator()(uint8_t* p) const { ::operator delete[](p, kBlockAlignment); }

Block new_block(size_t bytes) {
  return Block(static_cast<uint8_t*>(::operator new[](bytes, kBlockAlignment)));
}

Placed::Placed(const std::vector<uint8_t>& bytes, size_t misalignment)
    : Placed(bytes.data(), bytes.size(), misalignment) {}

Placed::Placed(const uint8_t* bytes, size_t size, size_t misalignment)
    : storage_(new_block(size + misalignment)),
      data_(storage_.get() + misalignment),
      size_(size) {
  if (size > 0) std::memcpy(data_, bytes, size);
}

lowbit_micro_resolver all_ops() {
  lowbit_micro_resolver r;
  lowbit_micro_resolver_init(&r);
  lowbit_micro_resolver_add_all(&r);
  return r;
}

const char* status_name(lowbit_status status) {
  switch (status) {
    case LOWBIT_OK: return "LOWBIT_OK";
    case LOWBIT_INVALID_ARGUMENT: return "LOWBIT_INVALID_ARGUMENT";
    case LOWBIT_INVALID_MODEL: return "LOWBIT_INVALID_MODEL";
    case LOWBIT_UNSUPPORTED: return "LOWBIT_UNSUPPORTED";
    case LOWBIT_RESOURCE_EXHAUSTED: return "LOWBIT_RESOURCE_EXHAUSTED";
    default: return "another status";
  }
}

std::string check_error(lowbit_status status, const lowbit_micro_error& error) {
  const size_t length = strnlen(error.message, sizeof error.message);
  if (length == sizeof error.message) return "the message is not NUL-terminated";
  if (error.status != status) {
    return std::string("error.status is ") + status_name(error.status) + ", the call returned " +
           status_name(status);
  }
  if (status == LOWBIT_OK) return "";
  if (length == 0) return std::string("failed with ") + status_name(status) + " and no message";
  return "";
}

Outcome size_and_create(const uint8_t* model, size_t model_bytes,
                        const lowbit_micro_resolver& resolver, int profile,
                        size_t arena_misalignment) {
  Outcome out;
  lowbit_micro_options options;
  lowbit_micro_options_init(&options);
  options.profile = profile;
  lowbit_micro_error error;
  std::memset(&error, 0x55, sizeof error);  // what the call writes must end the message
  out.sizing = lowbit_micro_arena_size(model, model_bytes, &resolver, &options, &out.arena_bytes,
                                       &error);
  std::string problem = check_error(out.sizing, error);
  if (!problem.empty()) out.bad_error = "lowbit_micro_arena_size: " + problem;
  if (out.sizing != LOWBIT_OK || !problem.empty()) {
    if (strnlen(error.message, sizeof error.message) < sizeof error.message) out.message = error.message;
    return out;
  }
  out.arena = new_block(out.arena_bytes + arena_misalignment);
  std::memset(&error, 0x55, sizeof error);
  out.create = lowbit_micro_create(model, model_bytes, &resolver, &options,
                                   out.arena.get() + arena_misalignment, out.arena_bytes,
                                   &out.micro, &error);
  problem = check_error(out.create, error);
  if (!problem.empty()) {
    out.bad_error = "lowbit_micro_create: " + problem;
  } else if (out.create != LOWBIT_OK) {
    out.message = error.message;
  } else {
    lowbit_micro_memory_use(out.micro, &out.memory);
  }
  return out;
}

bool read_file(const std::string& path, std::vector<uint8_t>* bytes) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  bytes->assign(std::istreambuf_iterator<char>(f), {});
  return true;
}

std::vector<std::string> list_files(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (const dirent* entry = readdir(d)) {
    const std::string path = dir + "/" + entry->d_name;
    struct stat info;
    if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) files.push_back(path);
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

bool build_model(const std::string& name, std::vector<uint8_t>* bytes, std::string* why_not) {
  const char* dir = std::getenv("LOWBIT_BUILD_MODELS_DIR");  // another build's, by hand
  const std::string path = std::string(dir != nullptr ? dir : LOWBIT_BUILD_MODELS_DIR) + "/" + name + ".lbm";
  if (read_file(path, bytes) && !bytes->empty()) return true;
  *why_not = "no " + path + ": the build converts it from ../shared/models beside the source tree (" +
             LOWBIT_SOURCE_DIR + "/../shared/models, or $LOWBIT_MODELS_DIR when cmake ran); "
             "make those models available and rebuild";
  return false;
}

}  // namespace micro_test
}  // namespace lowbit
