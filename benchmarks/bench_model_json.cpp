// bench_model --output_json: the report's numbers for scripts
// (scripts/make_charts.py, scripts/bench_*_peers.py), written with
// nlohmann-json. Keys and nesting are part of the interface (docs/tools.md).
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_model_report.h"
#include "tools/text_table.h"

namespace lowbit {
namespace bench {
namespace {

using Json = nlohmann::ordered_json;  // keys stay in the order written

// Times keep the six significant digits the text report has: the files stay
// short and diffable, and readers get the same values as before.
double six_digits(double v) { return std::strtod(tools::format_double("%.6g", v).c_str(), nullptr); }

Json operator_json(const OperatorStats& op) {
  Json j;
  j["index"] = op.index;
  j["type"] = op.type;
  j["name"] = op.name;
  j["kernel"] = op.kernel;
  j["avg_ms"] = six_digits(op.avg_ms);
  j["min_ms"] = six_digits(op.min_ms);
  j["macs"] = op.macs;
  return j;
}

}  // namespace

bool write_json(const BenchReport& r, const std::string& path) {
  Json j;
  j["graph"] = r.graph;
  j["num_threads"] = r.num_threads;
  j["num_runs"] = r.num_runs;
  j["warmup_runs"] = r.warmup_runs;
  j["kernel_set"] = r.kernel_set;
  j["float_kernels"] = r.float_kernels;
  j["float_precision"] = r.float_precision;
  j["cpu_features"] = r.cpu_features;
  j["profile"] = r.profile;
  j["load_ms"] = six_digits(r.load_ms);
  j["prepare_ms"] = six_digits(r.prepare_ms);
  j["first_inference_ms"] = six_digits(r.first_ms);
  j["warmup_avg_ms"] = six_digits(r.warmup_avg_ms);
  j["inference_avg_ms"] = six_digits(r.avg_ms);
  j["inference_min_ms"] = six_digits(r.min_ms);
  j["inference_max_ms"] = six_digits(r.max_ms);
  j["inference_stddev_ms"] = six_digits(r.stddev_ms);
  j["macs"] = r.total_macs;
  j["model_bytes"] = r.model_bytes;
  j["arena_bytes"] = r.arena_bytes;
  j["packed_weight_bytes"] = r.packed_weight_bytes;
  j["peak_rss_kib"] = r.peak_rss_kib;
  j["operators"] = Json::array();
  for (const OperatorStats& op : r.operators) j["operators"].push_back(operator_json(op));

  // Names come from the model file: bytes that are not UTF-8 become U+FFFD
  // instead of failing the dump.
  const std::string text = j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace bench
}  // namespace lowbit
