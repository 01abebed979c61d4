// The int8 dot-product limit of one core (bench_kernels_peak.h): per form the
// CPU has, a block of independent dot-product instructions on 14-16
// accumulators (latency 4-5 cycles x 2 ports needs at least 10), repeated.
// Each chunk of blocks (about 0.5 ms) is timed with the wall clock and the
// fastest chunk counts: on a shared machine a chunk the scheduler interrupted
// is slower, never faster, so the maximum is the core's rate.
//
//   build/bin/bench_kernels --benchmark_filter=peak/
//
// Counters: GMAC/s = the fastest chunk (the peak the other benchmarks' "%peak"
// use, measured again for each form); cpu_GMAC = the mean over the
// benchmark's thread CPU time. Instructions are inline assembly, so the file
// needs no ISA compiler flags; only the forms the CPU has run.
#include "bench_kernels_peak.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

struct PeakForm {
  const char* name;
  uint32_t required;
  double macs_per_block;
  void (*run)(uint64_t blocks);
};

#if defined(__x86_64__)
// Sources in registers the accumulators do not use; their values do not
// matter. VZEROUPPER after the loop: later SSE code pays no transition cost.
#define LOWBIT_ACC16(INSN) \
  INSN(0) INSN(1) INSN(2) INSN(3) INSN(4) INSN(5) INSN(6) INSN(7) INSN(8) INSN(9) INSN(10) INSN(11) \
  INSN(12) INSN(13) INSN(14) INSN(15)
#define LOWBIT_CLOBBER16                                                                      \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", \
      "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#define LOWBIT_ZMM(i) "vpdpbusd %%zmm30, %%zmm31, %%zmm" #i "\n\t"
#define LOWBIT_YMM_EVEX(i) "vpdpbusd %%ymm30, %%ymm31, %%ymm" #i "\n\t"
// VEX reaches only ymm0-15: 14 accumulators, sources in ymm14 and ymm15.
#define LOWBIT_YMM_VEX(i) "%{vex%} vpdpbusd %%ymm14, %%ymm15, %%ymm" #i "\n\t"

void vpdpbusd_zmm(uint64_t blocks) {
  for (uint64_t i = 0; i < blocks; ++i) asm volatile(LOWBIT_ACC16(LOWBIT_ZMM)::: LOWBIT_CLOBBER16);
  asm volatile("vzeroupper" ::: "memory");
}
void vpdpbusd_ymm_evex(uint64_t blocks) {
  for (uint64_t i = 0; i < blocks; ++i) asm volatile(LOWBIT_ACC16(LOWBIT_YMM_EVEX)::: LOWBIT_CLOBBER16);
  asm volatile("vzeroupper" ::: "memory");
}
void vpdpbusd_ymm_vex(uint64_t blocks) {
  for (uint64_t i = 0; i < blocks; ++i) {
    asm volatile(LOWBIT_YMM_VEX(0) LOWBIT_YMM_VEX(1) LOWBIT_YMM_VEX(2) LOWBIT_YMM_VEX(3)
                     LOWBIT_YMM_VEX(4) LOWBIT_YMM_VEX(5) LOWBIT_YMM_VEX(6) LOWBIT_YMM_VEX(7)
                         LOWBIT_YMM_VEX(8) LOWBIT_YMM_VEX(9) LOWBIT_YMM_VEX(10) LOWBIT_YMM_VEX(11)
                             LOWBIT_YMM_VEX(12) LOWBIT_YMM_VEX(13) ::: LOWBIT_CLOBBER16);
  }
  asm volatile("vzeroupper" ::: "memory");
}

const PeakForm kForms[] = {
    {"vpdpbusd_zmm", kCpuAVX512F | kCpuAVX512VNNI, 16 * 64, vpdpbusd_zmm},
    {"vpdpbusd_ymm_evex", kCpuAVX512BW | kCpuAVX512VNNI, 16 * 32, vpdpbusd_ymm_evex},
    {"vpdpbusd_ymm_vex", kCpuAVXVNNI, 14 * 32, vpdpbusd_ymm_vex},
};
#elif defined(__aarch64__)
// Accumulators v0-v15, sources v30 and v31. The target attributes make GCC
// announce the extension to the assembler for these functions only (it
// starts every function with a .arch line), with no -march for the file.
#define LOWBIT_ACC16(INSN) \
  INSN(0) INSN(1) INSN(2) INSN(3) INSN(4) INSN(5) INSN(6) INSN(7) INSN(8) INSN(9) INSN(10) INSN(11) \
  INSN(12) INSN(13) INSN(14) INSN(15)
#define LOWBIT_CLOBBER16                                                                       \
  "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", \
      "v15"
#define LOWBIT_SDOT(i) "sdot v" #i ".4s, v30.16b, v31.16b\n\t"
#define LOWBIT_SMMLA(i) "smmla v" #i ".4s, v30.16b, v31.16b\n\t"

__attribute__((target("arch=armv8.2-a+dotprod"))) void sdot(uint64_t blocks) {
  for (uint64_t i = 0; i < blocks; ++i) asm volatile(LOWBIT_ACC16(LOWBIT_SDOT)::: LOWBIT_CLOBBER16);
}
// 2x8 by 8x2 int8: 32 MACs per instruction.
__attribute__((target("arch=armv8.2-a+dotprod+i8mm"))) void smmla(uint64_t blocks) {
  for (uint64_t i = 0; i < blocks; ++i) asm volatile(LOWBIT_ACC16(LOWBIT_SMMLA)::: LOWBIT_CLOBBER16);
}

const PeakForm kForms[] = {
    {"sdot", kCpuNEON | kCpuNEONDot, 16 * 16, sdot},
    {"smmla", kCpuNEON | kCpuNEONI8MM, 16 * 32, smmla},
};
#else
// 32-bit ARM and others: no int8 dot-product form here (a placeholder row no
// CPU matches keeps the code below one path).
void no_form(uint64_t) {}
const PeakForm kForms[] = {{"none", ~0u, 1, no_form}};
#endif

double wall_seconds(const PeakForm& form, uint64_t blocks) {
  const auto start = std::chrono::steady_clock::now();
  form.run(blocks);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Blocks per chunk: doubled until a chunk takes at least 0.5 ms, long against
// the clock's resolution and short against a scheduler time slice.
uint64_t chunk_blocks(const PeakForm& form) {
  uint64_t blocks = 64;
  while (wall_seconds(form, blocks) < 5e-4 && blocks < (uint64_t(1) << 40)) blocks *= 2;
  return blocks;
}

// MACs per second of the fastest chunk over about `seconds` of wall time.
double measure(const PeakForm& form, double seconds) {
  const uint64_t blocks = chunk_blocks(form);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  double best = 0;
  for (int chunk = 0; chunk < 20 || std::chrono::steady_clock::now() < end; ++chunk) {
    best = std::max(best, double(blocks) * form.macs_per_block / wall_seconds(form, blocks));
  }
  return best;
}

void peak_benchmark(benchmark::State& state, const PeakForm* form) {
  const uint64_t blocks = chunk_blocks(*form);
  double best = 0;
  for (auto _ : state) {
    best = std::max(best, double(blocks) * form->macs_per_block / wall_seconds(*form, blocks));
  }
  state.counters["GMAC/s"] = best * 1e-9;
  state.counters["cpu_GMAC"] = benchmark::Counter(
      1e-9 * double(blocks) * form->macs_per_block, benchmark::Counter::kIsIterationInvariantRate);
}

const bool kRegistered = [] {
  const CpuFeatures cpu = CpuFeatures::detect();
  for (const PeakForm& form : kForms) {
    if (!cpu.has(form.required)) continue;
    benchmark::RegisterBenchmark((std::string("peak/") + form.name).c_str(), peak_benchmark, &form)
        ->MinTime(0.3);
  }
  return true;
}();

}  // namespace

const Int8Peak& int8_peak() {
  static const Int8Peak peak = [] {
    const CpuFeatures cpu = CpuFeatures::detect();
    Int8Peak best;
    for (const PeakForm& form : kForms) {
      if (!cpu.has(form.required)) continue;
      const double macs_per_second = measure(form, 0.2);
      if (macs_per_second > best.macs_per_second) best = {form.name, macs_per_second};
    }
    return best;
  }();
  return peak;
}

}  // namespace lowbit
