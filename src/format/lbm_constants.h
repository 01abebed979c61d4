// The .lbm file's fixed facts, for every reader: the hosted one
// (lbm_reader.cpp) and the firmware's in-place one (src/micro/lbm_view.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {

constexpr uint32_t kLbmFormatVersion = 1;
constexpr size_t kLbmAlignment = 64;
constexpr char kLbmFileIdentifier[] = "LBM1";

}  // namespace lowbit
