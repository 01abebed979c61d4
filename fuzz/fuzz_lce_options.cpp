// libFuzzer target: the bytes are the custom-options blob (a FlexBuffer map)
// of an LceBconv2d, LceBMaxPool2d or TFLite_Detection_PostProcess operator,
// parsed by all three parsers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "convert/lce_options.h"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_lce_options: broken promise: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lowbit;
  auto bconv = convert::parse_lce_bconv2d_options(data, size);
  if (bconv.ok()) {
    const BConv2DOptions& o = bconv->options;
    require(bconv->channels_in > 0, "channels_in > 0");
    require(o.stride_h > 0 && o.stride_w > 0, "strides > 0");
    require(o.dilation_h > 0 && o.dilation_w > 0, "dilations > 0");
    require(o.pad_values == 0 || o.pad_values == 1, "pad_values is 0 or 1");
  } else {
    require(!bconv.status().message().empty(), "a refused blob has a message");
  }
  auto pool = convert::parse_lce_bmaxpool2d_options(data, size);
  if (pool.ok()) {
    require(pool->stride_h > 0 && pool->stride_w > 0, "strides > 0");
    require(pool->filter_h > 0 && pool->filter_w > 0, "filters > 0");
  } else {
    require(!pool.status().message().empty(), "a refused blob has a message");
  }
  auto detection = convert::parse_detection_postprocess_options(data, size);
  if (detection.ok()) {
    require(detection->max_detections > 0 && detection->num_classes > 0,
            "max_detections and num_classes > 0");
  } else {
    require(!detection.status().message().empty(), "a refused blob has a message");
  }
  return 0;
}
