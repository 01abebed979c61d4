// lowbit micro's C API (include/lowbit/micro.h) on small RESHAPE models:
// argument errors, arena sizing at every alignment, resolvers, operators it
// lacks or does not run, graphs it refuses, and a model run end to end.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "micro/op.h"
#include "micro_test_util.h"

namespace lowbit {
namespace micro_test {
namespace {

using Catch::Matchers::Contains;

struct Call {
  lowbit_status status;
  std::string message;
};

Call size_of(const void* model, size_t bytes, const lowbit_micro_resolver* resolver,
             const lowbit_micro_options* options, size_t* arena_bytes) {
  lowbit_micro_error error;
  std::memset(&error, 0x55, sizeof error);
  const lowbit_status status =
      lowbit_micro_arena_size(model, bytes, resolver, options, arena_bytes, &error);
  const std::string problem = check_error(status, error);
  return {status, problem.empty() ? error.message : "BAD ERROR: " + problem};
}

Call create_in(const void* model, size_t bytes, const lowbit_micro_resolver* resolver,
               const lowbit_micro_options* options, void* arena, size_t arena_bytes,
               lowbit_micro** micro) {
  lowbit_micro_error error;
  std::memset(&error, 0x55, sizeof error);
  const lowbit_status status =
      lowbit_micro_create(model, bytes, resolver, options, arena, arena_bytes, micro, &error);
  const std::string problem = check_error(status, error);
  return {status, problem.empty() ? error.message : "BAD ERROR: " + problem};
}

size_t arena_size_of(const Placed& model, const lowbit_micro_resolver& resolver) {
  size_t bytes = 0;
  const Call c = size_of(model.data(), model.size(), &resolver, nullptr, &bytes);
  INFO(c.message);
  REQUIRE(c.status == LOWBIT_OK);
  return bytes;
}

TEST_CASE("C API: NULL arguments are refused with a message") {
  const Placed model(reshape_chain(2).serialize());
  const lowbit_micro_resolver ops = all_ops();
  size_t bytes = 0;
  std::vector<uint8_t> arena(4096);
  lowbit_micro* micro = nullptr;

  Call c = size_of(nullptr, model.size(), &ops, nullptr, &bytes);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(c.message, Contains("must not be NULL"));
  c = size_of(model.data(), model.size(), nullptr, nullptr, &bytes);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(c.message, Contains("must not be NULL"));
  c = size_of(model.data(), model.size(), &ops, nullptr, nullptr);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(c.message, Contains("arena_bytes must not be NULL"));

  c = create_in(nullptr, model.size(), &ops, nullptr, arena.data(), arena.size(), &micro);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(c.message, Contains("must not be NULL"));
  c = create_in(model.data(), model.size(), nullptr, nullptr, arena.data(), arena.size(), &micro);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
  c = create_in(model.data(), model.size(), &ops, nullptr, nullptr, arena.size(), &micro);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(c.message, Contains("arena"));
  c = create_in(model.data(), model.size(), &ops, nullptr, arena.data(), arena.size(), nullptr);
  CHECK(c.status == LOWBIT_INVALID_ARGUMENT);

  // error may be NULL: the status alone.
  CHECK(lowbit_micro_arena_size(nullptr, 0, &ops, nullptr, &bytes, nullptr) ==
        LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_create(nullptr, 0, &ops, nullptr, arena.data(), arena.size(), &micro,
                            nullptr) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_arena_size(model.data(), model.size(), &ops, nullptr, &bytes, nullptr) ==
        LOWBIT_OK);
  CHECK(lowbit_micro_create(model.data(), model.size(), &ops, nullptr, arena.data(), arena.size(),
                            &micro, nullptr) == LOWBIT_OK);
}

TEST_CASE("C API: every requantization profile is taken, others are refused") {
  const Placed model(reshape_chain(2).serialize());
  const lowbit_micro_resolver ops = all_ops();
  lowbit_micro_options options;
  lowbit_micro_options_init(&options);
  CHECK(options.profile == LOWBIT_PROFILE_TFLITE_REFERENCE);
  size_t bytes = 0;
  for (int profile : {LOWBIT_PROFILE_TFLITE_REFERENCE, LOWBIT_PROFILE_SINGLE_ROUNDING,
                      LOWBIT_PROFILE_XNNPACK_FP32, LOWBIT_PROFILE_TFLITE_OPTIMIZED}) {
    options.profile = profile;
    CHECK(size_of(model.data(), model.size(), &ops, &options, &bytes).status == LOWBIT_OK);
  }
  std::vector<uint8_t> arena(4096);
  lowbit_micro* micro = nullptr;
  for (int profile : {-1, 4, 99}) {
    INFO("profile " << profile);
    options.profile = profile;
    Call c = size_of(model.data(), model.size(), &ops, &options, &bytes);
    CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
    CHECK_THAT(c.message, Contains("unknown requantization profile " + std::to_string(profile)));
    c = create_in(model.data(), model.size(), &ops, &options, arena.data(), arena.size(), &micro);
    CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
    CHECK_THAT(c.message, Contains("unknown requantization profile " + std::to_string(profile)));
  }
}

TEST_CASE("C API: buffers that are not .lbm models are refused") {
  const lowbit_micro_resolver ops = all_ops();
  const std::vector<uint8_t> valid = reshape_chain(2).serialize();
  TinyModel newer = reshape_chain(2);
  newer.format_version = 2;
  TinyModel version0 = reshape_chain(2);
  version0.format_version = 0;
  std::vector<uint8_t> tflite = valid;
  std::memcpy(&tflite[4], "TFL3", 4);
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    const char* fragment;
  };
  const Case cases[] = {
      {"empty", {}, "not a FlatBuffer"},
      {"7 bytes", std::vector<uint8_t>(valid.begin(), valid.begin() + 7), "not a FlatBuffer"},
      {"zeros", std::vector<uint8_t>(256, 0), "not a FlatBuffer"},
      {"a .tflite identifier", tflite, "identifier is not LBM1"},
      {"format_version 2", newer.serialize(), "format_version 2 is not one this runtime reads"},
      {"format_version 0", version0.serialize(), "format_version 0"},
  };
  std::vector<uint8_t> arena(4096);
  for (const Case& c : cases) {
    INFO(c.what);
    const Placed model(c.bytes);
    size_t bytes = 0;
    Call call = size_of(model.data(), model.size(), &ops, nullptr, &bytes);
    CHECK(call.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(call.message, Contains(c.fragment));
    lowbit_micro* micro = nullptr;
    call = create_in(model.data(), model.size(), &ops, nullptr, arena.data(), arena.size(), &micro);
    CHECK(call.status == LOWBIT_INVALID_MODEL);
    CHECK_THAT(call.message, Contains(c.fragment));
    CHECK(micro == nullptr);
  }
}

TEST_CASE("C API: the model buffer must be 16-byte aligned for create") {
  const std::vector<uint8_t> bytes = reshape_chain(2).serialize();
  const lowbit_micro_resolver ops = all_ops();
  std::vector<uint8_t> arena(4096);
  for (size_t misalignment : {1, 4, 8, 15}) {
    const Placed model(bytes, misalignment);
    lowbit_micro* micro = nullptr;
    const Call c =
        create_in(model.data(), model.size(), &ops, nullptr, arena.data(), arena.size(), &micro);
    CHECK(c.status == LOWBIT_INVALID_ARGUMENT);
    CHECK_THAT(c.message, Contains("16-byte aligned"));
  }
}

TEST_CASE("C API: lowbit_micro_arena_size's answer is enough at every arena alignment") {
  const Placed model(reshape_chain(5).serialize());
  const lowbit_micro_resolver ops = all_ops();
  const size_t needed = arena_size_of(model, ops);
  for (size_t misalignment = 0; misalignment < 64; ++misalignment) {
    INFO("arena at 16n + " << misalignment << ", " << needed << " bytes");
    const Block arena = new_block(needed + misalignment);
    lowbit_micro* micro = nullptr;
    const Call c = create_in(model.data(), model.size(), &ops, nullptr, arena.get() + misalignment,
                             needed, &micro);
    REQUIRE(c.status == LOWBIT_OK);
    lowbit_micro_memory memory;
    lowbit_micro_memory_use(micro, &memory);
    CHECK(memory.arena_bytes <= needed);
    CHECK(memory.persistent_bytes + memory.planned_bytes <= memory.arena_bytes);
  }
}

TEST_CASE("C API: a too small arena is refused with the bytes the model needs") {
  const Placed model(reshape_chain(5).serialize());
  const lowbit_micro_resolver ops = all_ops();
  const size_t needed = arena_size_of(model, ops);
  REQUIRE(needed > 128);
  for (size_t misalignment = 0; misalignment < 16; ++misalignment) {
    for (size_t bytes : {size_t(0), size_t(1), size_t(64), needed / 2, needed - 64}) {
      INFO("arena of " << bytes << " bytes at 16n + " << misalignment);
      const Block arena = new_block(bytes + misalignment);
      lowbit_micro* micro = nullptr;
      const Call c = create_in(model.data(), model.size(), &ops, nullptr,
                               arena.get() + misalignment, bytes, &micro);
      CHECK(c.status == LOWBIT_RESOURCE_EXHAUSTED);
      CHECK_THAT(c.message, Contains("the arena of " + std::to_string(bytes) +
                                     " bytes is too small: the model needs " +
                                     std::to_string(needed)));
      CHECK(micro == nullptr);
    }
  }
}

TEST_CASE("C API: an operator missing from the resolver is named with its function") {
  const Placed model(reshape_chain(2).serialize());
  lowbit_micro_resolver empty;
  lowbit_micro_resolver_init(&empty);
  size_t bytes = 0;
  Call c = size_of(model.data(), model.size(), &empty, nullptr, &bytes);
  CHECK(c.status == LOWBIT_UNSUPPORTED);
  CHECK_THAT(c.message, Contains("RESHAPE (operator 0) is not in the resolver: add "
                                 "lowbit_micro_op_reshape()"));
  std::vector<uint8_t> arena(65536);
  lowbit_micro* micro = nullptr;
  c = create_in(model.data(), model.size(), &empty, nullptr, arena.data(), arena.size(), &micro);
  CHECK(c.status == LOWBIT_UNSUPPORTED);
  CHECK_THAT(c.message, Contains("add lowbit_micro_op_reshape()"));
}

TEST_CASE("C API: an operator lowbit micro does not run is refused by name") {
  TinyModel m = reshape_chain(2);
  m.operators[1].type = 11;  // RELU
  m.operators[1].reshape_options = false;
  const Placed model(m.serialize());
  const lowbit_micro_resolver ops = all_ops();
  size_t bytes = 0;
  Call c = size_of(model.data(), model.size(), &ops, nullptr, &bytes);
  CHECK(c.status == LOWBIT_UNSUPPORTED);
  CHECK_THAT(c.message, Contains("RELU (operator 1) is not an operator lowbit micro runs"));
  std::vector<uint8_t> arena(65536);
  lowbit_micro* micro = nullptr;
  c = create_in(model.data(), model.size(), &ops, nullptr, arena.data(), arena.size(), &micro);
  CHECK(c.status == LOWBIT_UNSUPPORTED);
  CHECK_THAT(c.message, Contains("RELU (operator 1)"));

  m.operators[1].type = 200;  // no operator at all
  const Placed unknown(m.serialize());
  c = size_of(unknown.data(), unknown.size(), &ops, nullptr, &bytes);
  CHECK(c.status == LOWBIT_INVALID_MODEL);
  CHECK_THAT(c.message, Contains("operator 1 has unknown type 200"));
}

lowbit_status refuse(micro::PrepareContext& ctx) {
  return ctx.fail(LOWBIT_UNSUPPORTED, "a fake operator");
}
void nothing(const micro::InvokeArgs&) {}

TEST_CASE("C API: resolvers hold up to LOWBIT_MICRO_MAX_OPS operator types") {
  lowbit_micro_resolver r;
  lowbit_micro_resolver_init(&r);
  CHECK(r.count == 0);
  CHECK(lowbit_micro_resolver_add(nullptr, lowbit_micro_op_reshape()) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_resolver_add(&r, nullptr) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_resolver_add(&r, lowbit_micro_op_reshape()) == LOWBIT_OK);
  CHECK(lowbit_micro_resolver_add(&r, lowbit_micro_op_reshape()) == LOWBIT_OK);
  CHECK(r.count == 1);  // the same type twice is one entry
  std::vector<lowbit_micro_op> fakes;
  for (uint8_t type = 20; type < 20 + LOWBIT_MICRO_MAX_OPS; ++type) fakes.push_back({type, refuse, nothing});
  for (size_t i = 0; i + 1 < LOWBIT_MICRO_MAX_OPS; ++i) {
    CHECK(lowbit_micro_resolver_add(&r, &fakes[i]) == LOWBIT_OK);
  }
  CHECK(r.count == LOWBIT_MICRO_MAX_OPS);
  CHECK(lowbit_micro_resolver_add(&r, &fakes.back()) == LOWBIT_RESOURCE_EXHAUSTED);
  CHECK(lowbit_micro_resolver_add(&r, lowbit_micro_op_reshape()) == LOWBIT_OK);  // already in
  CHECK(r.count == LOWBIT_MICRO_MAX_OPS);
  lowbit_micro_resolver_init(nullptr);  // harmless

  // A resolver that was never initialised (its count past the array) is refused.
  lowbit_micro_resolver garbage;
  std::memset(&garbage, 0x7f, sizeof garbage);
  CHECK(lowbit_micro_resolver_add(&garbage, lowbit_micro_op_reshape()) == LOWBIT_INVALID_ARGUMENT);
}

TEST_CASE("C API: an operator's prepare failure reaches the caller with its name") {
  TinyModel m = reshape_chain(2);
  m.operators[1].type = 3;  // ADD, as a fake that refuses
  m.operators[1].reshape_options = false;
  const Placed model(m.serialize());
  lowbit_micro_resolver r;
  lowbit_micro_resolver_init(&r);
  lowbit_micro_resolver_add(&r, lowbit_micro_op_reshape());
  const lowbit_micro_op fake_add{3, refuse, nothing};
  lowbit_micro_resolver_add(&r, &fake_add);
  size_t bytes = 0;
  const Call c = size_of(model.data(), model.size(), &r, nullptr, &bytes);
  CHECK(c.status == LOWBIT_UNSUPPORTED);
  CHECK(c.message == "ADD (operator 1): a fake operator");
}

TEST_CASE("C API: a RESHAPE chain runs end to end in its planned arena") {
  const Placed model(reshape_chain(6).serialize());
  const lowbit_micro_resolver ops = all_ops();
  Outcome o = size_and_create(model.data(), model.size(), ops, 0, 3);
  INFO(o.message);
  REQUIRE(o.create == LOWBIT_OK);
  lowbit_micro* m = o.micro;
  CHECK(lowbit_micro_num_inputs(m) == 1);
  CHECK(lowbit_micro_num_outputs(m) == 1);
  REQUIRE(lowbit_micro_num_operators(m) == 6);
  CHECK(std::string(lowbit_micro_kernel_name(m, 0)) == "copy_bytes");
  CHECK(std::string(lowbit_micro_kernel_name(m, 6)).empty());
  CHECK(std::string(lowbit_micro_message(m)).empty());

  lowbit_micro_tensor in, out;
  REQUIRE(lowbit_micro_input(m, 0, &in) == LOWBIT_OK);
  CHECK(in.dtype == LOWBIT_INT8);
  CHECK(in.bytes == 24);
  REQUIRE(in.rank == 3);
  CHECK((in.dims[0] == 1 && in.dims[1] == 4 && in.dims[2] == 6));
  CHECK(in.scale == 0.5f);
  CHECK(in.zero_point == -3);
  CHECK(lowbit_micro_input(m, 1, &in) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_output(m, 1, &out) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_input(m, 0, nullptr) == LOWBIT_INVALID_ARGUMENT);
  REQUIRE(lowbit_micro_input(m, 0, &in) == LOWBIT_OK);
  REQUIRE(lowbit_micro_output(m, 0, &out) == LOWBIT_OK);
  CHECK(out.rank == 2);  // the sixth shape: [1, 24]
  CHECK(out.bytes == 24);
  const uint8_t* arena_start = o.arena.get() + 3;
  for (const lowbit_micro_tensor* t : {&in, &out}) {
    const auto* data = static_cast<const uint8_t*>(t->data);
    CHECK(data >= arena_start);
    CHECK(data + t->bytes <= arena_start + o.arena_bytes);
    CHECK(reinterpret_cast<uintptr_t>(data) % 16 == 0);
  }
  for (int round = 0; round < 2; ++round) {
    auto* data = static_cast<uint8_t*>(in.data);
    for (size_t i = 0; i < in.bytes; ++i) data[i] = uint8_t(i * 7 + round);
    std::vector<uint8_t> expected(data, data + in.bytes);
    REQUIRE(lowbit_micro_invoke(m) == LOWBIT_OK);
    CHECK(std::vector<uint8_t>(static_cast<uint8_t*>(out.data),
                               static_cast<uint8_t*>(out.data) + out.bytes) == expected);
    // The input keeps its bytes through the invoke: invoking again repeats.
    CHECK(std::vector<uint8_t>(data, data + in.bytes) == expected);
  }
  // A chain of equal tensors: the model input (live to the end) and the two
  // an operator reads and writes, and the plan uses just that.
  CHECK(o.memory.liveness_bound_bytes == 3 * 32);
  CHECK(o.memory.planned_bytes == o.memory.liveness_bound_bytes);
  CHECK(o.memory.arena_bytes <= o.arena_bytes);
}

TEST_CASE("C API: the KWS model in exactly its arena, at every alignment, within 1.1x the bound") {
  std::vector<uint8_t> bytes;
  std::string why_not;
  const bool found = build_model("kws_ref_model", &bytes, &why_not);
  INFO(why_not);
  REQUIRE(found);
  const Placed model(bytes);
  const lowbit_micro_resolver ops = all_ops();
  const size_t needed = arena_size_of(model, ops);
  for (size_t misalignment = 0; misalignment < 16; ++misalignment) {
    INFO("arena at 16n + " << misalignment);
    Block arena = new_block(needed + misalignment);
    lowbit_micro* micro = nullptr;
    Call c = create_in(model.data(), model.size(), &ops, nullptr, arena.get() + misalignment, needed,
                       &micro);
    INFO(c.message);
    REQUIRE(c.status == LOWBIT_OK);
    lowbit_micro_tensor in;
    REQUIRE(lowbit_micro_input(micro, 0, &in) == LOWBIT_OK);
    std::memset(in.data, 1, in.bytes);
    CHECK(lowbit_micro_invoke(micro) == LOWBIT_OK);
    c = create_in(model.data(), model.size(), &ops, nullptr, arena.get() + misalignment, needed - 64,
                  &micro);
    CHECK(c.status == LOWBIT_RESOURCE_EXHAUSTED);
    CHECK_THAT(c.message, Contains("the model needs " + std::to_string(needed)));
  }
  // The target: the planned activations within 1.1x of the most
  // bytes live at one operator (no plan can use fewer).
  const Outcome o = size_and_create(model.data(), model.size(), ops);
  REQUIRE(o.create == LOWBIT_OK);
  WARN("KWS: arena " << o.memory.arena_bytes << " bytes (persistent " << o.memory.persistent_bytes
                     << ", planned " << o.memory.planned_bytes << ", liveness bound "
                     << o.memory.liveness_bound_bytes << ")");
  CHECK(o.memory.planned_bytes >= o.memory.liveness_bound_bytes);
  CHECK(double(o.memory.planned_bytes) <= 1.1 * double(o.memory.liveness_bound_bytes));
}

TEST_CASE("C API: calls on NULL runtimes answer without crashing") {
  CHECK(lowbit_micro_invoke(nullptr) == LOWBIT_INVALID_ARGUMENT);
  CHECK(std::string(lowbit_micro_message(nullptr)).empty());
  CHECK(lowbit_micro_num_inputs(nullptr) == 0);
  CHECK(lowbit_micro_num_outputs(nullptr) == 0);
  CHECK(lowbit_micro_num_operators(nullptr) == 0);
  CHECK(std::string(lowbit_micro_kernel_name(nullptr, 0)).empty());
  lowbit_micro_tensor t;
  CHECK(lowbit_micro_input(nullptr, 0, &t) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_micro_output(nullptr, 0, &t) == LOWBIT_INVALID_ARGUMENT);
  lowbit_micro_memory memory;
  std::memset(&memory, 0x55, sizeof memory);
  lowbit_micro_memory_use(nullptr, &memory);
  CHECK(memory.arena_bytes == 0);
  CHECK(memory.liveness_bound_bytes == 0);
  lowbit_micro_memory_use(nullptr, nullptr);
  lowbit_micro_options_init(nullptr);
}

}  // namespace
}  // namespace micro_test
}  // namespace lowbit

namespace lowbit {
namespace micro_test {
namespace {

// Hidden: writes the RESHAPE chain to $LOWBIT_MICRO_MODEL_OUT for the ctest
// that checks compare_with_hosted.sh itself (tests/micro/CMakeLists.txt).
TEST_CASE("write the RESHAPE chain model", "[.write-models]") {
  const char* dir = std::getenv("LOWBIT_MICRO_MODEL_OUT");
  REQUIRE(dir != nullptr);
  const std::vector<uint8_t> bytes = reshape_chain(4).serialize();
  std::ofstream f(std::string(dir) + "/reshape_chain.lbm", std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  REQUIRE(f.good());
}

}  // namespace
}  // namespace micro_test
}  // namespace lowbit
