// Timing for the kernel benchmarks (bench_kernels*.cpp): this thread's CPU
// time, and the clock its core runs at, for MACs-per-cycle counters that do
// not count other jobs' time on a shared machine.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <ctime>

namespace lowbit {

inline double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Core cycles per second of this thread while it runs: a chain of dependent
// one-cycle integer adds, timed in thread CPU time (a VM may expose no cycle
// counter, and the x86 TSC ticks at the nominal rate, not the boosted one).
inline double core_hz() {
  constexpr unsigned long kLoops = 2000000, kAddsPerLoop = 10;
  double best = 0;
  for (int trial = 0; trial < 3; ++trial) {
    unsigned long x = 0;  // a register on every target
    const double start = thread_cpu_seconds();
    for (unsigned long i = 0; i < kLoops; ++i) {
#if defined(__x86_64__)
      asm volatile(
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
          : "+r"(x));
#else  // aarch64 and 32-bit ARM: the same instruction syntax
      asm volatile(
          "add %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\t"
          "add %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\t"
          "add %0, %0, #1\n\tadd %0, %0, #1"
          : "+r"(x));
#endif
    }
    const double seconds = thread_cpu_seconds() - start;
    benchmark::DoNotOptimize(x);
    best = std::max(best, double(kLoops * kAddsPerLoop) / seconds);
  }
  return best;
}

}  // namespace lowbit
