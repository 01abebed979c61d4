#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>

#include "allocation_counter.h"
#include "support/blocks.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Loaded {
  std::vector<uint8_t> bytes;
  std::shared_ptr<const Model> model;
};

Loaded load(const ModelBuilder& b) {
  Loaded l;
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  l.bytes = std::move(bytes.value());
  auto model = Model::from_buffer(l.bytes.data(), l.bytes.size());
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  l.model = model.value();
  return l;
}

Bytes random_input(std::mt19937& rng, const TensorView& t) {
  Bytes b(t.bytes);
  if (t.dtype() == DType::kFloat32) {
    auto f = random_floats(rng, t.bytes / 4, -1.0f, 1.0f);
    std::memcpy(b.data(), f.data(), b.size());
  } else {
    for (auto& x : b) x = static_cast<uint8_t>(rng());
  }
  return b;
}

enum class Precision { kInt8, kBinary, kFloat };

void build(ModelBuilder& b, Precision p, uint32_t seed) {
  switch (p) {
    case Precision::kInt8: build_int8_block(b, 12, 10, 8, 4, seed); break;
    case Precision::kBinary: build_binary_block(b, 12, 10, 40, seed); break;
    case Precision::kFloat: build_float_block(b, 12, 10, 8, 4, seed); break;
  }
}

const char* name(Precision p) {
  return p == Precision::kInt8 ? "int8" : p == Precision::kBinary ? "binary" : "float";
}

}  // namespace

TEST_CASE("invoke allocates nothing", "[runtime]") {
  for (Precision p : {Precision::kInt8, Precision::kBinary, Precision::kFloat}) {
    for (int threads : {1, 2}) {
      INFO(name(p) << " block, " << threads << " threads");
      ModelBuilder b;
      build(b, p, 7);
      Loaded l = load(b);
      InterpreterOptions opts;
      opts.num_threads = threads;
      Interpreter interp(l.model, opts);
      Status s = interp.prepare();
      INFO(s.to_string());
      REQUIRE(s.ok());
      std::mt19937 rng(1);
      Bytes in = random_input(rng, interp.input(0));
      std::memcpy(interp.input(0).data, in.data(), in.size());
      REQUIRE(interp.invoke().ok());  // warm caches, thread start-up
      size_t allocations = 0;
      {
        CountAllocations counter;
        for (int i = 0; i < 3; ++i) REQUIRE(interp.invoke().ok());
        allocations = counter.count();
      }
      CHECK(allocations == 0);
    }
  }
}

TEST_CASE("outputs are identical for 1, 2 and 4 threads", "[runtime]") {
  for (Precision p : {Precision::kInt8, Precision::kBinary, Precision::kFloat}) {
    INFO(name(p) << " block");
    ModelBuilder b;
    build(b, p, 11);
    std::mt19937 rng(test_seed());
    Loaded l = load(b);
    Interpreter probe(l.model);
    REQUIRE(probe.prepare().ok());
    Bytes in = random_input(rng, probe.input(0));
    std::vector<Bytes> reference;
    for (int threads : {1, 2, 4}) {
      InterpreterOptions opts;
      opts.num_threads = threads;
      RunResult r = run_model(b, {in}, opts);
      INFO(r.status.to_string());
      REQUIRE(r.status.ok());
      if (reference.empty()) {
        reference = r.outputs;
      } else {
        CHECK(r.outputs == reference);
      }
    }
  }
}

// Running the graph at once must equal running its operators one at a time in
// separate interpreters: catches arena overlaps and lifetime mistakes.
TEST_CASE("whole-graph run equals operator-by-operator runs", "[runtime]") {
  for (Precision p : {Precision::kInt8, Precision::kBinary, Precision::kFloat}) {
    INFO(name(p) << " block");
    ModelBuilder b;
    build(b, p, 23);
    Loaded l = load(b);
    const GraphDesc& g = l.model->graph();
    Interpreter whole(l.model);
    REQUIRE(whole.prepare().ok());
    std::mt19937 rng(test_seed());
    Bytes in = random_input(rng, whole.input(0));
    std::memcpy(whole.input(0).data, in.data(), in.size());
    REQUIRE(whole.invoke().ok());

    std::map<int, Bytes> values;  // tensor index -> bytes, filled op by op
    values[g.inputs[0]] = in;
    for (size_t i = 0; i < g.operators.size(); ++i) {
      const OperatorDesc& op = g.operators[i];
      ModelBuilder single;
      std::vector<int> ins, outs, graph_ins;
      std::vector<Bytes> feed;
      for (int t : op.inputs) {
        if (t < 0) {
          ins.push_back(kAbsentInput);
          continue;
        }
        const TensorDesc& d = g.tensors[t];
        if (d.is_constant()) {
          ins.push_back(single.add_constant(d.name, d.dtype, d.shape, d.data, d.data_bytes, d.quant));
        } else {
          ins.push_back(single.add_tensor(d.name, d.dtype, d.shape, d.quant));
          graph_ins.push_back(ins.back());
          feed.push_back(values.at(t));
        }
      }
      for (int t : op.outputs) {
        const TensorDesc& d = g.tensors[t];
        outs.push_back(single.add_tensor(d.name, d.dtype, d.shape, d.quant));
      }
      single.add_operator(op.type, ins, outs, op.options, op.name);
      single.set_inputs(graph_ins);
      single.set_outputs(outs);
      RunResult r = run_model(single, feed);
      INFO(describe_operator(g, static_cast<int>(i)) << ": " << r.status.to_string());
      REQUIRE(r.status.ok());
      for (size_t o = 0; o < op.outputs.size(); ++o) values[op.outputs[o]] = r.outputs[o];
    }
    const TensorView out = whole.output(0);
    const uint8_t* p0 = static_cast<const uint8_t*>(out.data);
    CHECK(Bytes(p0, p0 + out.bytes) == values.at(g.outputs[0]));
    // The plan must share memory: every block has buffers with disjoint lives.
    size_t all_tensors = 0;
    for (const TensorDesc& d : g.tensors) {
      size_t n = 0;
      if (!d.is_constant() && storage_bytes(d.dtype, d.shape, &n)) all_tensors += (n + 63) / 64 * 64;
    }
    CHECK(whole.unshared_arena_bytes() >= all_tensors);
    // arena_bytes() includes 64 bytes of read slack after the plan.
    CHECK(whole.arena_bytes() - 64 < whole.unshared_arena_bytes());
  }
}

TEST_CASE("kernel set can be forced by option and by LOWBIT_KERNEL", "[runtime]") {
  ModelBuilder b;
  build_int8_block(b, 6, 6, 8, 2, 3);
  Loaded l = load(b);
  {
    InterpreterOptions opts;
    opts.kernel = "reference";
    Interpreter interp(l.model, opts);
    REQUIRE(interp.prepare().ok());
    CHECK(interp.options().kernel == "reference");
    for (size_t i = 0; i < l.model->graph().operators.size(); ++i) {
      CHECK(std::string(interp.kernel_name(static_cast<int>(i))).find("__reference") !=
            std::string::npos);
    }
  }
  {
    InterpreterOptions opts;
    opts.kernel = "no_such_isa";
    Interpreter interp(l.model, opts);
    Status s = interp.prepare();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().find("no_such_isa") != std::string::npos);
    CHECK(interp.invoke().code() == StatusCode::kFailedPrecondition);
  }
  {
    setenv("LOWBIT_KERNEL", "reference", 1);
    Interpreter interp(l.model);
    REQUIRE(interp.prepare().ok());
    CHECK(interp.options().kernel == "reference");
    setenv("LOWBIT_KERNEL", "bogus", 1);
    Interpreter bad(l.model);
    CHECK_FALSE(bad.prepare().ok());
    unsetenv("LOWBIT_KERNEL");
  }
}

TEST_CASE("arena limit refuses a plan instead of allocating", "[runtime]") {
  ModelBuilder b;
  build_int8_block(b, 16, 16, 8, 4, 5);
  Loaded l = load(b);
  InterpreterOptions opts;
  opts.max_arena_bytes = 1024;
  Interpreter interp(l.model, opts);
  Status s = interp.prepare();
  CHECK(s.code() == StatusCode::kResourceExhausted);
  CHECK(s.message().find("max_arena_bytes") != std::string::npos);
}

TEST_CASE("tensors are found by index and name", "[runtime]") {
  ModelBuilder b;
  build_int8_block(b, 6, 6, 8, 2, 3);
  Loaded l = load(b);
  Interpreter interp(l.model);
  CHECK(interp.input(0).data == nullptr);  // not prepared yet
  REQUIRE(interp.prepare().ok());
  CHECK(interp.input("input").index == interp.input(0).index);
  CHECK(interp.output("output").index == interp.output(0).index);
  CHECK(interp.input("nope").index == -1);
  CHECK(interp.input(0).bytes == 6 * 6 * 8);
  CHECK(reinterpret_cast<uintptr_t>(interp.input(0).data) % 64 == 0);
}
