#include "lowbit/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "format/lbm_format.h"
#include "graph/validate.h"

namespace lowbit {

// Owns the file bytes the graph's constants point into: a read-only mapping,
// an aligned copy, or nothing (caller's aligned buffer used in place).
struct Model::Impl {
  GraphDesc graph;
  uint32_t format_version = 0;
  size_t file_bytes = 0;
  size_t constant_bytes = 0;
  void* mapping = nullptr;
  size_t mapping_bytes = 0;
  void* copy = nullptr;

  ~Impl() {
    if (mapping != nullptr) munmap(mapping, mapping_bytes);
    std::free(copy);
  }
};

namespace {

Result<std::shared_ptr<const Model>> fail(Status status) { return status; }

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

// Shared tail of both constructors: parse, verify, wrap.
static Result<std::shared_ptr<const Model>> load(std::unique_ptr<Model::Impl> impl,
                                                 const uint8_t* bytes, size_t size,
                                                 const LoadOptions& options,
                                                 std::shared_ptr<const Model> (*wrap)(
                                                     std::unique_ptr<Model::Impl>)) {
  LOWBIT_RETURN_IF_ERROR(parse_lbm(bytes, size, options, &impl->graph, &impl->format_version));
  LOWBIT_RETURN_IF_ERROR(validate_graph(impl->graph, options));
  impl->file_bytes = size;
  for (const TensorDesc& t : impl->graph.tensors) {
    if (t.is_constant()) impl->constant_bytes += t.data_bytes;
  }
  return wrap(std::move(impl));
}

Result<std::shared_ptr<const Model>> Model::from_file(const std::string& path,
                                                      const LoadOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(Status(StatusCode::kIoError, "cannot open " + path + ": " + std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd);
    return fail(Status(StatusCode::kIoError,
                       path + ": not a regular file" + (err ? std::string(": ") + std::strerror(err) : "")));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > options.max_model_bytes) {
    ::close(fd);
    return fail(Status(StatusCode::kResourceExhausted,
                       path + ": model file has " + std::to_string(size) +
                           " bytes, more than max_model_bytes (" +
                           std::to_string(options.max_model_bytes) + ")"));
  }
  if (size == 0) {
    ::close(fd);
    return fail(Status(StatusCode::kInvalidModel, path + ": file is truncated: 0 bytes cannot hold a model"));
  }
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) {
    return fail(Status(StatusCode::kIoError, "cannot map " + path + ": " + std::strerror(map_errno)));
  }
  auto impl = std::make_unique<Impl>();
  impl->mapping = mapping;
  impl->mapping_bytes = size;
  Result<std::shared_ptr<const Model>> model =
      load(std::move(impl), static_cast<const uint8_t*>(mapping), size, options,
           [](std::unique_ptr<Impl> i) { return std::shared_ptr<const Model>(new Model(std::move(i))); });
  if (!model.ok()) return Status(model.status().code(), path + ": " + model.status().message());
  return model;
}

Result<std::shared_ptr<const Model>> Model::from_buffer(const void* data, size_t size,
                                                        const LoadOptions& options) {
  if (data == nullptr) return fail(Status(StatusCode::kInvalidArgument, "model data is null"));
  if (size > options.max_model_bytes) {
    return fail(Status(StatusCode::kResourceExhausted,
                       "model file has " + std::to_string(size) +
                           " bytes, more than max_model_bytes (" +
                           std::to_string(options.max_model_bytes) + ")"));
  }
  auto impl = std::make_unique<Impl>();
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  if (reinterpret_cast<uintptr_t>(data) % kLbmAlignment != 0) {
    // Constants must keep the file's 64-byte alignment in memory.
    const size_t rounded = (size + kLbmAlignment - 1) / kLbmAlignment * kLbmAlignment;
    impl->copy = std::aligned_alloc(kLbmAlignment, rounded == 0 ? kLbmAlignment : rounded);
    if (impl->copy == nullptr) {
      return fail(Status(StatusCode::kResourceExhausted,
                         "cannot allocate " + std::to_string(size) + " bytes for the model copy"));
    }
    if (size) std::memcpy(impl->copy, data, size);
    bytes = static_cast<const uint8_t*>(impl->copy);
  }
  return load(std::move(impl), bytes, size, options, [](std::unique_ptr<Impl> i) {
    return std::shared_ptr<const Model>(new Model(std::move(i)));
  });
}

const GraphDesc& Model::graph() const { return impl_->graph; }
uint32_t Model::format_version() const { return impl_->format_version; }
size_t Model::file_bytes() const { return impl_->file_bytes; }
size_t Model::constant_bytes() const { return impl_->constant_bytes; }

}  // namespace lowbit
