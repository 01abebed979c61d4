// Calibration samples: float32 values for every graph input, read from a
// folder (docs/quantization.md, "Calibration files") or given by the caller.
#pragma once

#include <string>
#include <vector>

#include "lowbit/graph.h"
#include "lowbit/status.h"

namespace lowbit {
namespace quantize {

// One representative input: per graph input, its float32 values in C order.
using Sample = std::vector<std::vector<float>>;

// Reads DIR. One graph input: every file of DIR. Several: DIR holds one
// subfolder per graph input, named by the input's index ("0", "1", ...) or
// its tensor name, each with the same number of samples (paired in file-name
// order). Files: .npy float32 (one sample, or a batch of samples along the
// first axis) or .bin/.raw (exactly one sample of raw float32 bytes). Errors
// name the file at fault; an empty folder is an error.
Result<std::vector<Sample>> load_calibration_dir(const GraphDesc& graph, const std::string& dir);

// Splits an array of `count` floats with first dimension `first_dim` into
// samples of `per_sample` values: the whole array is one sample when `count`
// equals `per_sample`, else the first axis must be the batch of samples.
// `what` names the source for errors.
Result<std::vector<std::vector<float>>> split_samples(const std::vector<float>& values,
                                                       int64_t first_dim, size_t per_sample,
                                                       const std::string& what,
                                                       const std::string& input_desc);

// Checks every sample has one array per graph input of the input's element count.
Status check_samples(const GraphDesc& graph, const std::vector<Sample>& samples);

}  // namespace quantize
}  // namespace lowbit
