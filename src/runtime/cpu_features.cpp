#include "runtime/cpu_features.h"

namespace lowbit {

std::string CpuFeatures::to_string() const {
  static constexpr struct {
    uint32_t bit;
    const char* name;
  } kNames[] = {{kCpuSSE41, "sse4.1"},      {kCpuAVX2, "avx2"},
                {kCpuAVX512F, "avx512f"},   {kCpuAVX512BW, "avx512bw"},
                {kCpuAVX512VNNI, "avx512vnni"}, {kCpuAVX512VPOPCNTDQ, "avx512vpopcntdq"},
                {kCpuAVXVNNI, "avxvnni"},   {kCpuNEON, "neon"},
                {kCpuNEONDot, "dotprod"},   {kCpuNEONI8MM, "i8mm"},
                {kCpuArmDSP, "dsp"}};
  std::string out;
  for (const auto& n : kNames) {
    if (mask & n.bit) {
      if (!out.empty()) out += ' ';
      out += n.name;
    }
  }
  return out.empty() ? "none" : out;
}

Result<KernelSelector> KernelSelector::create(const std::string& kernel_set, CpuFeatures cpu) {
  KernelSelector selector;
  selector.cpu_ = cpu;
  selector.kernel_set_ = kernel_set.empty() ? "auto" : kernel_set;
  selector.allowed_ = cpu.mask;
  if (selector.kernel_set_ == "auto") return selector;
  const IsaInfo* isa = find_isa(selector.kernel_set_.c_str());
  if (isa == nullptr) {
    return Status(StatusCode::kInvalidArgument, "unknown kernel set '" + selector.kernel_set_ +
                                                    "' (known: auto " + isa_names() + ")");
  }
  // Forcing a set the CPU cannot run would fault at the first kernel.
  if (!cpu.has(isa->features)) {
    return Status(StatusCode::kUnsupported, "kernel set '" + selector.kernel_set_ +
                                                "' needs CPU features this CPU lacks (it has: " +
                                                cpu.to_string() + ")");
  }
  selector.allowed_ = cpu.mask & isa->features;
  return selector;
}

std::string KernelSelector::isa_names() {
  std::string names;
  for (const IsaInfo& isa : kIsas) {
    if (!names.empty()) names += ' ';
    names += isa.name;
  }
  return names;
}

}  // namespace lowbit
