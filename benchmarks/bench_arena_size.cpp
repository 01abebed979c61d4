// What lowbit_arena_size() costs: wall time and heap allocations per call,
// beside the way it answered before its sizing pass (a whole prepare with
// weight packing against an empty caller arena, which refuses with the
// capacity it needs) and lowbit_interpreter_create, all in one run.
//   bench_arena_size MODEL.tflite|MODEL.lbm [threads...]
// Allocations are counted by interposing glibc's allocator entry points
// (operator new reaches malloc), as examples/firmware/allocation_counter.c.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "lowbit/c_api.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);
}

namespace {
bool counting = false;
size_t count = 0;
void note() {
  if (counting) ++count;
}
}  // namespace

extern "C" {
void* malloc(size_t size) {
  note();
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  note();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) {
  note();
  return __libc_realloc(p, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}
void* memalign(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  note();
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void free(void* p) { __libc_free(p); }
}

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Median-free best of `reps` calls: the machine is noisy, the minimum is stable.
template <typename F>
double best_ms(int reps, F&& f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (ms < best) best = ms;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.tflite|MODEL.lbm [threads...]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  lowbit_model* model = nullptr;
  const lowbit_status load = ends_with(path, ".tflite")
                                 ? lowbit_model_create_from_tflite_file(path.c_str(), &model)
                                 : lowbit_model_create_from_file(path.c_str(), &model);
  if (load != LOWBIT_OK) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), lowbit_last_error());
    return 1;
  }
  auto loaded = lowbit::Model::load(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().to_string().c_str());
    return 1;
  }
  const std::shared_ptr<const lowbit::Model> cpp_model = loaded.value();
  const int reps = std::getenv("BENCH_REPS") ? std::atoi(std::getenv("BENCH_REPS")) : 10;
  int status = 0;
  for (int a = argc > 2 ? 2 : 1; a < (argc > 2 ? argc : 2); ++a) {
    lowbit_interpreter_options options;
    lowbit_interpreter_options_init(&options);
    options.num_threads = argc > 2 ? std::atoi(argv[a]) : 1;
    size_t bytes = 0;
    // Counted from the second call on: the first also initialises cpuinfo
    // (once per process, 11 allocations).
    (void)lowbit_arena_size(model, &options, &bytes);
    count = 0;
    counting = true;
    const lowbit_status s = lowbit_arena_size(model, &options, &bytes);
    counting = false;
    const size_t size_allocations = count;
    if (s != LOWBIT_OK) {
      std::fprintf(stderr, "lowbit_arena_size: %s\n", lowbit_last_error());
      status = 1;
      continue;
    }
    const double size_ms = best_ms(reps, [&] { lowbit_arena_size(model, &options, &bytes); });
    lowbit::InterpreterOptions cpp_options;
    cpp_options.num_threads = options.num_threads;
    uint8_t no_memory = 0;
    cpp_options.arena = &no_memory;
    cpp_options.arena_capacity = 0;
    size_t prepare_bytes = 0;
    auto by_prepare = [&] {
      lowbit::Interpreter interpreter(cpp_model, cpp_options);
      (void)interpreter.prepare();
      prepare_bytes = interpreter.required_arena_capacity();
    };
    count = 0;
    counting = true;
    by_prepare();
    counting = false;
    const size_t prepare_allocations = count;
    const double prepare_ms = best_ms(reps, by_prepare);
    if (prepare_bytes != bytes) {
      std::fprintf(stderr, "sizing pass %zu bytes, prepare %zu bytes\n", bytes, prepare_bytes);
      status = 1;
    }
    void* arena = std::malloc(bytes);
    lowbit_interpreter* interpreter = nullptr;
    count = 0;
    counting = true;
    lowbit_interpreter_create(model, &options, arena, bytes, &interpreter);
    counting = false;
    const size_t create_allocations = count;
    lowbit_interpreter_destroy(interpreter);
    const double create_ms = best_ms(reps, [&] {
      lowbit_interpreter* i = nullptr;
      lowbit_interpreter_create(model, &options, arena, bytes, &i);
      lowbit_interpreter_destroy(i);
    });
    std::free(arena);
    std::printf("%s threads %d: arena %zu bytes\n"
                "  lowbit_arena_size (sizing pass)        %9.3f ms %6zu allocations\n"
                "  by a whole prepare (before)            %9.3f ms %6zu allocations\n"
                "  lowbit_interpreter_create              %9.3f ms %6zu allocations\n",
                path.c_str(), options.num_threads, bytes, size_ms, size_allocations, prepare_ms,
                prepare_allocations, create_ms, create_allocations);
  }
  lowbit_model_destroy(model);
  return status;
}
