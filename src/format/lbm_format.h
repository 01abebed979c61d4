// Internal entry points of the .lbm reader and writer.
//
// File layout: the FlatBuffer (schema/lowbit.fbs, identifier "LBM1") starts at
// offset 0; constant-data segments follow it. Every Buffer{offset, size} is an
// absolute file offset that is a multiple of kLbmAlignment, so a mapped file
// whose start is 64-byte aligned serves weights in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/lbm_constants.h"
#include "lowbit/graph.h"
#include "lowbit/model.h"
#include "lowbit/status.h"

namespace lowbit {


// Serializes a graph (constants from their data pointers). Checks only what
// serialization itself needs.
Result<std::vector<uint8_t>> serialize_graph(const GraphDesc& graph);

// Byte-level reading: FlatBuffers verification, identifier, version, buffer
// placement, tensor/operator decoding. Constant tensors of *graph point into
// `file`. Does not run validate_graph().
Status parse_lbm(const uint8_t* file, size_t file_size, const LoadOptions& options,
                 GraphDesc* graph, uint32_t* format_version);

}  // namespace lowbit
