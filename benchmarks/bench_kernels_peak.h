// The int8 multiply-accumulate limit of this core, measured rather than
// assumed: a throughput loop of the CPU's int8 dot-product instruction
// (VPDPBUSD zmm / ymm, SDOT, SMMLA) with enough independent accumulators to
// fill every port that runs it (bench_kernels_peak.cpp). The kernel benchmarks
// report their speed as a fraction of it ("%peak"), so no clock frequency or
// MACs-per-cycle figure is needed: a VM may expose no cycle counter, the x86
// TSC ticks at the nominal rate, and a chain of dependent immediate adds (the
// old estimate) reads ~14 GHz on an Intel Xeon of Sapphire Rapids' core, which
// runs about five such adds per cycle.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

namespace lowbit {

struct Int8Peak {
  std::string form;             // e.g. "vpdpbusd_zmm"; empty when none measured
  double macs_per_second = 0;   // int8 MACs per second on one core
};

// The best form this CPU has, measured once per process (about 0.2 s per
// form) on first use. macs_per_second is 0 where the CPU has no int8
// dot-product instruction this file knows (AVX2 only, ARM without dotprod).
const Int8Peak& int8_peak();

// Adds "%peak" (100 x these MACs per second / the peak) and "peak_GMAC/s"
// counters when a peak was measured. macs_per_second: of the thread's CPU time.
inline void report_peak_fraction(benchmark::State& state, double macs_per_second) {
  const Int8Peak& peak = int8_peak();
  if (peak.macs_per_second <= 0) return;
  state.counters["%peak"] = 100 * macs_per_second / peak.macs_per_second;
  state.counters["peak_GMAC/s"] = peak.macs_per_second * 1e-9;
}

}  // namespace lowbit
