#include "lowbit/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "format/lbm_format.h"
#include "graph/validate.h"
#include "runtime/api_guard.h"

namespace lowbit {

// Owns the file bytes the graph's constants point into: a read-only mapping,
// an aligned copy, or nothing (caller's aligned buffer used in place).
struct Model::Impl {
  GraphDesc graph;
  uint32_t format_version = 0;
  size_t file_bytes = 0;
  size_t constant_bytes = 0;
  std::vector<const OpRegistration*> registrations;  // per operator
  void* mapping = nullptr;
  size_t mapping_bytes = 0;
  void* copy = nullptr;

  ~Impl() {
    if (mapping != nullptr) munmap(mapping, mapping_bytes);
    std::free(copy);
  }
};

namespace {

Status too_large(uint64_t size, const LoadOptions& options) {
  return Status(StatusCode::kResourceExhausted,
                "model file has " + std::to_string(size) + " bytes, more than max_model_bytes (" +
                    std::to_string(options.max_model_bytes) + ")");
}

// Parses and verifies the bytes `impl` keeps alive.
Status load_into(Model::Impl& impl, const uint8_t* bytes, size_t size,
                 const LoadOptions& options) {
  LOWBIT_RETURN_IF_ERROR(parse_lbm(bytes, size, options, &impl.graph, &impl.format_version));
  LOWBIT_RETURN_IF_ERROR(validate_graph(impl.graph, options, &impl.registrations));
  impl.file_bytes = size;
  for (const TensorDesc& t : impl.graph.tensors) {
    if (t.is_constant()) impl.constant_bytes += t.data_bytes;
  }
  return Status::Ok();
}

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

Result<std::shared_ptr<const Model>> Model::from_file(const std::string& path,
                                                      const LoadOptions& options) {
  return guard_api("Model::from_file", [&]() -> Result<std::shared_ptr<const Model>> {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status(StatusCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status(StatusCode::kIoError, path + ": not a readable regular file");
    }
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size > options.max_model_bytes) {
      ::close(fd);
      const Status refused = too_large(size, options);
      return Status(refused.code(), path + ": " + refused.message());
    }
    if (size == 0) {
      ::close(fd);
      return Status(StatusCode::kInvalidModel,
                    path + ": file is truncated: 0 bytes cannot hold a model");
    }
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int map_errno = errno;
    ::close(fd);  // the mapping keeps the file's pages
    if (mapping == MAP_FAILED) {
      return Status(StatusCode::kIoError, "cannot map " + path + ": " + std::strerror(map_errno));
    }
    auto impl = std::make_unique<Impl>();
    impl->mapping = mapping;
    impl->mapping_bytes = size;
    const Status status = load_into(*impl, static_cast<const uint8_t*>(mapping), size, options);
    if (!status.ok()) return Status(status.code(), path + ": " + status.message());
    return std::shared_ptr<const Model>(new Model(std::move(impl)));
  });
}

Result<std::shared_ptr<const Model>> Model::from_buffer(const void* data, size_t size,
                                                        const LoadOptions& options) {
  return guard_api("Model::from_buffer", [&]() -> Result<std::shared_ptr<const Model>> {
    if (data == nullptr) return Status(StatusCode::kInvalidArgument, "model data is null");
    if (size > options.max_model_bytes) return too_large(size, options);
    auto impl = std::make_unique<Impl>();
    const uint8_t* bytes = static_cast<const uint8_t*>(data);
    if (reinterpret_cast<uintptr_t>(data) % kLbmAlignment != 0) {
      // Constants must keep the file's 64-byte alignment in memory.
      const size_t rounded = (size + kLbmAlignment - 1) / kLbmAlignment * kLbmAlignment;
      impl->copy = std::aligned_alloc(kLbmAlignment, rounded == 0 ? kLbmAlignment : rounded);
      if (impl->copy == nullptr) {
        return Status(StatusCode::kResourceExhausted,
                      "cannot allocate " + std::to_string(size) + " bytes for the model copy");
      }
      if (size) std::memcpy(impl->copy, data, size);
      bytes = static_cast<const uint8_t*>(impl->copy);
    }
    LOWBIT_RETURN_IF_ERROR(load_into(*impl, bytes, size, options));
    return std::shared_ptr<const Model>(new Model(std::move(impl)));
  });
}

const GraphDesc& Model::graph() const { return impl_->graph; }
uint32_t Model::format_version() const { return impl_->format_version; }
size_t Model::file_bytes() const { return impl_->file_bytes; }
size_t Model::constant_bytes() const { return impl_->constant_bytes; }
const OpRegistration* Model::op_registration(size_t op_index) const {
  return op_index < impl_->registrations.size() ? impl_->registrations[op_index] : nullptr;
}

}  // namespace lowbit
