// The custom-options blob of Larq Compute Engine operators: a FlexBuffer map
// written by the LCE converter. Parsed on its own (no model around it) so the
// parser can be tested and fuzzed on raw bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/graph.h"
#include "lowbit/status.h"

namespace lowbit {
namespace convert {

struct LceBconv2dOptions {
  BConv2DOptions options;
  // Logical input channel count; the importer checks it against the filter.
  int channels_in = 0;
};

// Every failure is a Status (kInvalidModel, or kUnsupported for a fused
// activation lowbit lacks) whose message names the option.
Result<LceBconv2dOptions> parse_lce_bconv2d_options(const uint8_t* data, size_t size);
Result<Pool2DOptions> parse_lce_bmaxpool2d_options(const uint8_t* data, size_t size);
// TFLite's own custom TFLite_Detection_PostProcess (SSD), also a FlexBuffer map.
Result<DetectionPostprocessOptions> parse_detection_postprocess_options(const uint8_t* data,
                                                                        size_t size);

}  // namespace convert
}  // namespace lowbit
