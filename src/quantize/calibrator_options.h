// Validation of CalibratorOptions, for the tools that take them from a user.
#pragma once

#include <string>

#include "quantize/range_observer.h"

namespace lowbit {
namespace quantize {

// Empty when make_range_observer accepts the options, else what is wrong
// (naming the option); make_range_observer returns nullptr for such options.
std::string calibrator_options_error(const CalibratorOptions& options);

}  // namespace quantize
}  // namespace lowbit
