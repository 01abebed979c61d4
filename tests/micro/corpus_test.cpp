// Bad input never crashes lowbit micro: the hosted reader's malformed-model
// corpus and the fuzz op seeds (written by test_format and test_fuzz_seeds
// as a ctest fixture, tests/micro/CMakeLists.txt), the build's models, and
// systematic damage to valid models (every truncation of the first 4 KiB,
// byte changes at every offset of the FlatBuffer) each either get an error
// status with a message or are accepted, and then run. Each buffer sits in a
// heap block of exactly its size: under AddressSanitizer (scripts/test.sh
// --sanitize) a read past it fails the test.
#include <catch2/catch.hpp>

#include <ctime>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "micro_test_util.h"
#include "schema/lowbit_generated.h"

namespace lowbit {
namespace micro_test {
namespace {

std::string corpus_dir() {
  const char* env = std::getenv("LOWBIT_MICRO_CORPUS_DIR");
  return env != nullptr ? env : LOWBIT_MICRO_CORPUS_DIR;
}

// Sizes, creates and (when accepted) invokes one buffer: "" when the outcome
// is clean, else what was wrong.
// The arena starts `arena_misalignment` bytes past a 16-byte boundary:
// arena_size's answer must be enough wherever it starts.
std::string run_buffer(const uint8_t* bytes, size_t size, const lowbit_micro_resolver& ops,
                       lowbit_status* status, size_t arena_misalignment = 0) {
  const Placed model(bytes, size);
  Outcome o = size_and_create(model.data(), model.size(), ops, LOWBIT_PROFILE_TFLITE_REFERENCE,
                              arena_misalignment);
  *status = o.sizing != LOWBIT_OK ? o.sizing : o.create;
  if (!o.bad_error.empty()) return o.bad_error;
  if (o.sizing == LOWBIT_OK && o.create == LOWBIT_RESOURCE_EXHAUSTED) {
    return "lowbit_micro_create refused the " + std::to_string(o.arena_bytes) +
           " bytes lowbit_micro_arena_size asked for: " + o.message;
  }
  if (*status != LOWBIT_OK) return "";
  for (size_t i = 0; i < lowbit_micro_num_inputs(o.micro); ++i) {
    lowbit_micro_tensor t;
    if (lowbit_micro_input(o.micro, i, &t) != LOWBIT_OK) return "input " + std::to_string(i) + " unreadable";
    for (size_t b = 0; b < t.bytes; ++b) static_cast<uint8_t*>(t.data)[b] = uint8_t(b * 13 + 1);
  }
  if (lowbit_micro_invoke(o.micro) != LOWBIT_OK) {
    return std::string("invoke failed after create succeeded: ") + lowbit_micro_message(o.micro);
  }
  return "";
}

TEST_CASE("malformed corpus and fuzz op seeds: refused with a message, or run") {
  const std::string dir = corpus_dir();
  const std::vector<std::string> files = list_files(dir);
  size_t malformed = 0, seeds = 0;
  for (const std::string& f : files) {
    malformed += f.find("/malformed_") != std::string::npos;
    seeds += f.find("/op_") != std::string::npos;
  }
  INFO("the corpus folder " << dir << " holds " << malformed << " malformed models and " << seeds
                            << " op seeds; ctest writes them first (fixture 'micro: write the "
                               "malformed corpus and the fuzz op seeds'), or by hand: "
                               "LOWBIT_MALFORMED_CORPUS_OUT="
                            << dir << " build/bin/test_format '[.write-corpus]' (and test_fuzz_seeds)");
  REQUIRE(malformed >= 50);
  REQUIRE(seeds >= 70);
  const lowbit_micro_resolver ops = all_ops();
  std::map<lowbit_status, int> outcomes;
  size_t files_run = 0;
  for (const std::string& path : files) {
    std::vector<uint8_t> bytes;
    REQUIRE(read_file(path, &bytes));
    lowbit_status status = LOWBIT_OK;
    const std::string problem = run_buffer(bytes.data(), bytes.size(), ops, &status, files_run++ % 16);
    INFO(path);
    CHECK(problem == "");
    ++outcomes[status];
    // The hosted reader refuses every malformed model; so must lowbit micro
    // (the op seeds are valid: micro runs its operators' and names the rest).
    if (path.find("/malformed_") != std::string::npos) CHECK(status != LOWBIT_OK);
  }
  for (const auto& [status, count] : outcomes) {
    WARN(count << " of " << files.size() << " corpus files: " << status_name(status));
  }
}

TEST_CASE("the build's models: refused with a message, or run") {
  for (const char* name : {"demo_int8", "block_int8", "block_float", "block_binary"}) {
    std::vector<uint8_t> bytes;
    std::string why_not;
    const bool found = build_model(name, &bytes, &why_not);
    INFO(name << ": " << why_not);
    REQUIRE(found);
    lowbit_status status = LOWBIT_OK;
    CHECK(run_buffer(bytes.data(), bytes.size(), all_ops(), &status) == "");
  }
}

// Offsets 0 .. n-1 in bit-reversed order, so a sweep cut short by its time
// budget has still touched the whole range evenly.
std::vector<size_t> spread_order(size_t n) {
  size_t bits = 0;
  while ((size_t(1) << bits) < n) ++bits;
  std::vector<size_t> order;
  for (size_t i = 0; i < (size_t(1) << bits); ++i) {
    size_t r = 0;
    for (size_t b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    if (r < n) order.push_back(r);
  }
  return order;
}

// The budget is CPU time (std::clock): on a busy machine wall time would
// cut the sweep short for waiting, not for working.
struct Sweep {
  std::clock_t deadline;
  std::map<lowbit_status, size_t> outcomes;
  bool out_of_time() const { return std::clock() > deadline; }
};

double budget_seconds() {
  const char* env = std::getenv("LOWBIT_MICRO_MUTATION_SECONDS");
  const double seconds = env != nullptr ? std::atof(env) : 3.0;
  return seconds > 0 ? seconds : 3.0;
}

// Where the FlatBuffer ends: the first constant's offset (the file's size
// when it has none).
size_t flatbuffer_bytes(const std::vector<uint8_t>& file) {
  const fb::Model* model = fb::GetModel(file.data());
  size_t end = file.size();
  if (model->buffers() != nullptr) {
    for (const fb::Buffer* b : *model->buffers()) {
      if (b->size() > 0 && b->offset() < end) end = size_t(b->offset());
    }
  }
  return end;
}

// Every truncation of the first 4 KiB, then single-byte changes at every
// offset of the FlatBuffer part; both within the time budget.
void sweep_mutations(const std::vector<uint8_t>& valid, double seconds) {
  const lowbit_micro_resolver ops = all_ops();
  lowbit_status status = LOWBIT_OK;
  {
    INFO("the unchanged model");
    REQUIRE(run_buffer(valid.data(), valid.size(), ops, &status) == "");
  }
  // Truncations get half the budget at most, byte changes the rest.
  Sweep sweep;
  const std::clock_t start = std::clock();
  sweep.deadline = start + std::clock_t(seconds / 2 * CLOCKS_PER_SEC);
  const size_t truncations = std::min<size_t>(valid.size(), 4096);
  size_t truncated = 0;
  for (size_t size : spread_order(truncations)) {
    if (sweep.out_of_time()) break;
    INFO("truncated to " << size << " of " << valid.size() << " bytes");
    REQUIRE(run_buffer(valid.data(), size, ops, &status, size % 16) == "");
    CHECK(status != LOWBIT_OK);
    ++sweep.outcomes[status];
    ++truncated;
  }
  sweep.deadline = start + std::clock_t(seconds * CLOCKS_PER_SEC);
  const size_t fb_end = flatbuffer_bytes(valid);
  std::vector<uint8_t> mutant = valid;
  size_t changed = 0;
  for (size_t offset : spread_order(fb_end)) {
    if (sweep.out_of_time()) break;
    const uint8_t original = valid[offset];
    for (uint8_t value : {uint8_t(original ^ 0x01), uint8_t(original ^ 0x80), uint8_t(0x00),
                          uint8_t(0xff)}) {
      if (value == original) continue;
      mutant[offset] = value;
      INFO("byte " << offset << " of " << fb_end << " changed from " << int(original) << " to "
                   << int(value));
      REQUIRE(run_buffer(mutant.data(), mutant.size(), ops, &status, (offset + value) % 16) == "");
      ++sweep.outcomes[status];
      ++changed;
    }
    mutant[offset] = original;
  }
  WARN(truncated << " of " << truncations << " truncations, " << changed
                 << " byte changes over " << fb_end << " FlatBuffer bytes (budget " << seconds
                 << " s of CPU): " << sweep.outcomes[LOWBIT_OK] << " accepted and run, "
                 << sweep.outcomes[LOWBIT_INVALID_MODEL] << " invalid model, "
                 << sweep.outcomes[LOWBIT_UNSUPPORTED] << " unsupported, "
                 << sweep.outcomes[LOWBIT_RESOURCE_EXHAUSTED] << " resource exhausted");
  // The budget is for slow machines; a small model must be swept completely.
  if (fb_end < 2048) {
    CHECK(truncated == truncations);
    CHECK(changed >= 3 * fb_end);
  }
}

TEST_CASE("mutations of a RESHAPE model: refused with a message, or run") {
  sweep_mutations(reshape_chain(4).serialize(), budget_seconds());
}

TEST_CASE("mutations of the KWS model: refused with a message, or run") {
  std::vector<uint8_t> bytes;
  std::string why_not;
  const bool found = build_model("kws_ref_model", &bytes, &why_not);
  INFO(why_not);
  REQUIRE(found);
  sweep_mutations(bytes, budget_seconds());
}

}  // namespace
}  // namespace micro_test
}  // namespace lowbit
