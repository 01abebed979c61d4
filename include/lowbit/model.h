// A loaded, verified model. Immutable and safe to share between interpreters
// in different threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lowbit/graph.h"
#include "lowbit/op_resolver.h"
#include "lowbit/status.h"

namespace lowbit {

struct LoadOptions {
  size_t max_model_bytes = size_t(1) << 31;  // refuse larger files
  int max_rank = kMaxRank;                   // refuse tensors of higher rank
  // Largest single tensor, in bytes, the model may declare.
  size_t max_tensor_bytes = size_t(1) << 31;
  // Where each operator's implementation comes from; nullptr means
  // default_op_resolver(). Used only while loading: the model keeps what it found.
  const OpResolver* op_resolver = nullptr;
};

class Model {
 public:
  // Maps the file and uses its constant data in place.
  static Result<std::shared_ptr<const Model>> from_file(const std::string& path,
                                                        const LoadOptions& options = {});
  // Uses the caller's buffer in place when it is 64-byte aligned (it must then
  // outlive the model); otherwise copies it into an aligned buffer the model owns.
  static Result<std::shared_ptr<const Model>> from_buffer(const void* data, size_t size,
                                                          const LoadOptions& options = {});
  // A TFLite model (.tflite, Larq Compute Engine ones included), converted in
  // memory as lowbit-convert would: each load pays the conversion and holds
  // its own copy of the weights, where a .lbm is used in place. The caller's
  // buffer is not kept.
  static Result<std::shared_ptr<const Model>> from_tflite(const std::string& path,
                                                          const LoadOptions& options = {});
  static Result<std::shared_ptr<const Model>> from_tflite(const void* data, size_t size,
                                                          const LoadOptions& options = {});
  // Either format, told apart by content (TFLite's "TFL3" identifier at
  // bytes 4..7): from_file/from_buffer or from_tflite. The tools and the
  // Python package load through these.
  static Result<std::shared_ptr<const Model>> load(const std::string& path,
                                                   const LoadOptions& options = {});
  static Result<std::shared_ptr<const Model>> load(const void* data, size_t size,
                                                   const LoadOptions& options = {});

  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const GraphDesc& graph() const;
  uint32_t format_version() const;
  size_t file_bytes() const;
  // Bytes of constant data (weights, biases, ...).
  size_t constant_bytes() const;
  // The implementation the resolver gave operator `op_index` at load; the
  // interpreter creates that operator's kernel through it.
  const OpRegistration* op_registration(size_t op_index) const;

  struct Impl;

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lowbit
