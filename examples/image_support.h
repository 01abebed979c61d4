// Images for the model examples: read with stb_image, resized with
// stb_image_resize, into a uint8 RGB model input.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "example_support.h"
// stb ships its implementation in libstb (Debian's libstb-dev): only the
// declarations are included here.
#include <stb_image.h>
#include <stb_image_resize.h>

namespace example {

// The input as uint8 [1, height, width, 3], or false after saying what it is.
inline bool rgb_input_size(const char* program, const lowbit::TensorView& input, int* height,
                           int* width) {
  const lowbit::Shape& shape = input.shape();
  if (input.dtype() != lowbit::DType::kUInt8 || shape.rank != 4 || shape[0] != 1 || shape[3] != 3) {
    std::fprintf(stderr, "%s: expected a uint8 [1,H,W,3] image input, the model has %s %s\n",
                 program, lowbit::dtype_name(input.dtype()), shape.to_string().c_str());
    return false;
  }
  *height = shape[1];
  *width = shape[2];
  return true;
}

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // row-major, channels interleaved
};

// Reads any format stb_image knows (BMP, PNG, JPEG, ...) as `channels`
// channels: 3 gives RGB, 1 grey. Empty pixels after saying why.
inline Image read_image(const char* program, const std::string& path, int channels) {
  Image image;
  int file_channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &file_channels, channels);
  if (!data) {
    std::fprintf(stderr, "%s: cannot read %s: %s\n", program, path.c_str(), stbi_failure_reason());
    return Image{};
  }
  image.channels = channels;
  image.pixels.assign(data, data + size_t(image.width) * size_t(image.height) * size_t(channels));
  stbi_image_free(data);
  return image;
}

// Fills a uint8 [1,H,W,3] input with an RGB image, resized with
// stb_image_resize (its default filter) when the sizes differ.
inline bool fill_rgb_input(const char* program, const Image& image, const lowbit::TensorView& input) {
  int height = 0, width = 0;
  if (!rgb_input_size(program, input, &height, &width)) return false;
  if (image.width == width && image.height == height) {
    std::copy(image.pixels.begin(), image.pixels.end(), input.as<uint8_t>());
    return true;
  }
  if (!stbir_resize_uint8(image.pixels.data(), image.width, image.height, 0, input.as<uint8_t>(),
                          width, height, 0, 3)) {
    std::fprintf(stderr, "%s: stbir_resize_uint8 failed\n", program);
    return false;
  }
  return true;
}

}  // namespace example
