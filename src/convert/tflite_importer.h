// lowbit-convert: TFLite (.tflite, including Larq Compute Engine custom ops)
// to the lowbit model format. See docs/conversion.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "convert/prepack.h"
#include "lowbit/model_builder.h"
#include "lowbit/status.h"

namespace lowbit {

struct ConversionSummary {
  std::map<std::string, int> operators_by_kind;  // lowbit operator name -> count
  int tensors = 0;
  int constant_tensors = 0;
  // Constant data referenced by the TFLite graph, and written to the .lbm
  // (shape/axes/padding tensors become options; folded DEQUANTIZEs grow).
  uint64_t weight_bytes_before = 0;
  uint64_t weight_bytes_after = 0;
  uint64_t int8_macs = 0;
  uint64_t binary_macs = 0;
  uint64_t float_macs = 0;
  std::vector<std::string> notes;  // rewrites worth telling the user about
  std::string prepack_target = "none";
  PrepackSummary prepack;

  std::string to_text() const;
};

// Converts a whole TFLite FlatBuffer into `builder`, which must be fresh.
// Fails with every operator that cannot be converted listed in the message
// (kUnsupported when all of them are merely unsupported).
Status import_tflite(const uint8_t* data, size_t size, ModelBuilder* builder,
                     ConversionSummary* summary);

// The bytes of a regular file of at most max_bytes; errors name the path.
Result<std::vector<uint8_t>> read_tflite_file(const std::string& path, uint64_t max_bytes);

// Reads `tflite_path`, converts, adds the prepared data of `prepack`
// (convert/prepack.h; none by default), and writes the .lbm to `lbm_path`.
Status convert_tflite_file(const std::string& tflite_path, const std::string& lbm_path,
                           ConversionSummary* summary, const PrepackOptions& prepack = {});

}  // namespace lowbit
