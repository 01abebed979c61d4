// Translation of operator options between the generated FlatBuffers tables
// and the public OpOptions variant.
#pragma once

#include <string>

#include "lowbit/graph.h"
#include "lowbit/status.h"
#include "schema/lowbit_generated.h"

namespace lowbit {

// Writes `options` into `fbb`; *type receives the union tag (NONE for
// std::monostate, in which case the returned offset is null).
flatbuffers::Offset<void> write_options(flatbuffers::FlatBufferBuilder& fbb,
                                        const OpOptions& options, fb::Options* type);

// Decodes an operator's options union. Absent options decode to
// std::monostate. Fails with a message (no operator prefix) on an unknown
// union tag or an out-of-range enum value inside the options.
Status read_options(const fb::Operator& op, OpOptions* options);

}  // namespace lowbit
