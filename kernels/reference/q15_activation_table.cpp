#include "kernels/reference/q15_activation_table.h"

#include <memory>
#include <mutex>

#include "kernels/reference/fixed_point_q15.h"

namespace lowbit {
namespace ref {
namespace {

constexpr int kFormats = 13;  // integer bits 0..12

}  // namespace

const int16_t* q15_activation_table(Q15Activation activation, int integer_bits) {
  static std::once_flag built[2][kFormats];
  static std::unique_ptr<int16_t[]> tables[2][kFormats];
  const int kind = activation == Q15Activation::kTanh ? 1 : 0;
  std::call_once(built[kind][integer_bits], [&] {
    std::unique_ptr<int16_t[]> table(new int16_t[65536]);
    for (int bits = 0; bits < 65536; ++bits) {
      const int16_t x = static_cast<int16_t>(static_cast<uint16_t>(bits));
      table[bits] = kind == 1 ? q15::tanh(x, integer_bits) : q15::logistic(x, integer_bits);
    }
    tables[kind][integer_bits] = std::move(table);
  });
  return tables[kind][integer_bits].get();
}

}  // namespace ref
}  // namespace lowbit
