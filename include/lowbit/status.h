// Error reporting for the public API: no exception crosses it.
#pragma once

#include <string>
#include <utility>

namespace lowbit {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller passed something wrong
  kInvalidModel,        // the model file is corrupt or inconsistent
  kUnsupported,         // valid, but this build cannot run it
  kResourceExhausted,   // a configured limit or memory ran out
  kIoError,
  kFailedPrecondition,  // called in the wrong state (e.g. invoke before prepare)
  kInternal,
};

const char* status_code_name(StatusCode code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid model: operator 3 (CONV_2D): ..." style text for logs.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)), has_value_(true) {}  // NOLINT
  Result(Status status) : status_(std::move(status)) {}            // NOLINT

  bool ok() const { return has_value_; }
  const Status& status() const { return status_; }
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

 private:
  T value_{};
  Status status_;
  bool has_value_ = false;
};

}  // namespace lowbit

// Propagate a failed Status from an expression.
#define LOWBIT_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::lowbit::Status lowbit_status_ = (expr);   \
    if (!lowbit_status_.ok()) return lowbit_status_; \
  } while (0)
