// Replaces the global allocation functions of this test binary so tests can
// prove that a code path allocates nothing, or nothing large. malloc from C
// libraries is not seen here; the runtime itself allocates only through
// operator new or aligned_alloc (arena, model copy), and both are counted.
#include "allocation_counter.h"

#include <cstdlib>
#include <new>

namespace lowbit {
namespace testing {

std::atomic<size_t>& allocation_count() {
  static std::atomic<size_t> count{0};
  return count;
}

std::atomic<size_t>& largest_allocation() {
  static std::atomic<size_t> largest{0};
  return largest;
}

std::atomic<bool>& counting_allocations() {
  static std::atomic<bool> on{false};
  return on;
}

}  // namespace testing
}  // namespace lowbit

namespace {
void count(std::size_t size) {
  if (!lowbit::testing::counting_allocations().load(std::memory_order_relaxed)) return;
  lowbit::testing::allocation_count().fetch_add(1, std::memory_order_relaxed);
  std::atomic<size_t>& largest = lowbit::testing::largest_allocation();
  size_t seen = largest.load(std::memory_order_relaxed);
  while (size > seen && !largest.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
  }
}

void* counted_alloc(std::size_t size) {
  count(size);
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

// The C library's aligned_alloc, replaced by one that counts; posix_memalign
// gives the same memory (freed by free) and is what sanitizers intercept.
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  count(size);
  void* p = nullptr;
  if (posix_memalign(&p, alignment < sizeof(void*) ? sizeof(void*) : alignment, size) != 0) {
    return nullptr;
  }
  return p;
}
