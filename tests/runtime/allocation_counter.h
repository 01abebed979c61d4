// Counts heap allocations (operator new and aligned_alloc) made by this
// process while counting is switched on, and the largest one.
#pragma once

#include <atomic>
#include <cstddef>

namespace lowbit {
namespace testing {

std::atomic<size_t>& allocation_count();
// Size of the largest single allocation while counting was on.
std::atomic<size_t>& largest_allocation();
std::atomic<bool>& counting_allocations();

class CountAllocations {
 public:
  CountAllocations() {
    allocation_count() = 0;
    largest_allocation() = 0;
    counting_allocations() = true;
  }
  ~CountAllocations() { counting_allocations() = false; }
  size_t count() const { return allocation_count().load(); }
  size_t largest() const { return largest_allocation().load(); }
};

}  // namespace testing
}  // namespace lowbit
