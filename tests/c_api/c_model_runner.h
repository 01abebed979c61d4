// Owning a lowbit_model and running one through the C API, for the C tests.
#pragma once

#include <cstring>

#include <catch2/catch.hpp>

#include "lowbit/c_api.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {

struct CModel {
  lowbit_model* model = nullptr;
  ~CModel() { lowbit_model_destroy(model); }
};

// Output 0 after one invoke on `input`.
inline Bytes run_c_model(const lowbit_model* model, const Bytes& input) {
  lowbit_interpreter* interpreter = nullptr;
  REQUIRE(lowbit_interpreter_create(model, nullptr, nullptr, 0, &interpreter) == LOWBIT_OK);
  lowbit_tensor* in = lowbit_interpreter_input(interpreter, 0);
  REQUIRE(lowbit_tensor_bytes(in) == input.size());
  std::memcpy(lowbit_tensor_data(in), input.data(), input.size());
  REQUIRE(lowbit_interpreter_invoke(interpreter) == LOWBIT_OK);
  lowbit_tensor* out = lowbit_interpreter_output(interpreter, 0);
  const auto* p = static_cast<const uint8_t*>(lowbit_tensor_data(out));
  Bytes result(p, p + lowbit_tensor_bytes(out));
  lowbit_interpreter_destroy(interpreter);
  return result;
}

}  // namespace testing
}  // namespace lowbit
