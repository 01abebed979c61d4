// Bounds-checked reading of a FlatBuffer in place, for the firmware runtime:
// no generated code, no allocation, no standard library beyond memcpy. Every
// read checks that what it touches lies inside the buffer, so a corrupt
// model gives "false", never a read outside it. Little-endian targets only
// (every CPU lowbit builds for).
//
// The wire format (flatbuffers.dev, "FlatBuffers internals"): a table starts
// with an int32 distance back to its vtable; the vtable holds its own size,
// the table's inline size and one uint16 offset per field (0: absent).
// Offsets to tables, vectors and strings are uint32 distances forward from
// where they are stored; a vector is a uint32 count then its elements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lowbit {
namespace micro {

template <typename T>
inline T load(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

struct FbTable {
  uint32_t pos = 0;       // table start in the buffer; 0 = none
  uint32_t vtable = 0;
  uint16_t vtable_bytes = 0;
  uint16_t inline_bytes = 0;
};

// A vector's elements: count of them from `pos`.
struct FbVector {
  uint32_t pos = 0;
  uint32_t count = 0;
};

class FbReader {
 public:
  FbReader() = default;
  FbReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool in_bounds(uint64_t pos, uint64_t bytes) const {
    return pos <= size_ && bytes <= size_ - pos;
  }

  // The table at pos, its vtable checked.
  bool table_at(uint64_t pos, FbTable* table) const {
    if (pos == 0 || !in_bounds(pos, 4)) return false;
    const int64_t vtable = int64_t(pos) - load<int32_t>(data_ + pos);
    if (vtable <= 0 || !in_bounds(uint64_t(vtable), 4)) return false;
    const uint16_t vtable_bytes = load<uint16_t>(data_ + vtable);
    const uint16_t inline_bytes = load<uint16_t>(data_ + vtable + 2);
    if (vtable_bytes < 4 || vtable_bytes % 2 != 0 || !in_bounds(uint64_t(vtable), vtable_bytes) ||
        inline_bytes < 4 || !in_bounds(pos, inline_bytes)) {
      return false;
    }
    *table = {uint32_t(pos), uint32_t(vtable), vtable_bytes, inline_bytes};
    return true;
  }

  // The root table (its offset is the buffer's first word).
  bool root(FbTable* table) const {
    return in_bounds(0, 8) && table_at(load<uint32_t>(data_), table);
  }

  // Where field `id` (0-based, in schema order) of `bytes` bytes is, or 0
  // when absent; false when its slot lies outside the table.
  bool field(const FbTable& t, int id, uint32_t bytes, uint32_t* pos) const {
    *pos = 0;
    const uint32_t slot = 4 + 2 * uint32_t(id);
    if (t.pos == 0 || slot + 2 > t.vtable_bytes) return true;  // older writer: absent
    const uint16_t offset = load<uint16_t>(data_ + t.vtable + slot);
    if (offset == 0) return true;
    if (uint32_t(offset) + bytes > t.inline_bytes) return false;
    *pos = t.pos + offset;
    return true;
  }

  // A scalar field, or `fallback` when absent (or out of the table: the
  // model check reports those first).
  template <typename T>
  T scalar(const FbTable& t, int id, T fallback) const {
    uint32_t pos = 0;
    if (!field(t, id, sizeof(T), &pos) || pos == 0) return fallback;
    return load<T>(data_ + pos);
  }

  // The uint32 offset stored in field `id` resolved: 0 when absent; false
  // when it points outside the buffer.
  bool reference(const FbTable& t, int id, uint64_t* target) const {
    uint32_t pos = 0;
    *target = 0;
    if (!field(t, id, 4, &pos)) return false;
    if (pos == 0) return true;
    *target = uint64_t(pos) + load<uint32_t>(data_ + pos);
    return in_bounds(*target, 4);
  }

  // A sub-table; absent gives an empty FbTable and true.
  bool table(const FbTable& t, int id, FbTable* out) const {
    uint64_t target = 0;
    *out = FbTable{};
    if (!reference(t, id, &target)) return false;
    return target == 0 || table_at(target, out);
  }

  // A vector of element_bytes-sized scalars or structs; absent is empty.
  bool vector(const FbTable& t, int id, uint32_t element_bytes, FbVector* out) const {
    uint64_t target = 0;
    *out = FbVector{};
    if (!reference(t, id, &target)) return false;
    if (target == 0) return true;
    const uint32_t count = load<uint32_t>(data_ + target);
    if (!in_bounds(target + 4, uint64_t(count) * element_bytes)) return false;
    *out = {uint32_t(target + 4), count};
    return true;
  }

  // Element i of a vector of tables.
  bool table_in(const FbVector& v, uint32_t i, FbTable* out) const {
    if (i >= v.count) return false;
    const uint64_t slot = uint64_t(v.pos) + 4u * i;
    return table_at(slot + load<uint32_t>(data_ + slot), out);
  }

  // A string: its bytes (not NUL-terminated here) and length; absent is "".
  bool string(const FbTable& t, int id, const char** text, uint32_t* length) const {
    FbVector v;
    *text = "";
    *length = 0;
    if (!vector(t, id, 1, &v)) return false;
    if (v.count > 0) *text = reinterpret_cast<const char*>(data_ + v.pos);
    *length = v.count;
    return true;
  }

  template <typename T>
  T element(const FbVector& v, uint32_t i) const {
    return load<T>(data_ + v.pos + sizeof(T) * i);
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace micro
}  // namespace lowbit
