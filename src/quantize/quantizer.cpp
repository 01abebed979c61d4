#include "quantize/quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "quantize/activation_folding.h"
#include "quantize/bias_correction.h"
#include "quantize/graph_runner.h"
#include "quantize/int8_rewrite.h"
#include "quantize/quant_plan.h"

namespace lowbit {
namespace quantize {
namespace {

Status invalid_arg(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

// A failure while running one of lowbit-quantize's own graph variants is a
// bug or a runtime limit, not bad input: say which stage it was.
Status stage_error(const std::string& stage, const Status& status) {
  return Status(status.code(), "while " + stage + ": " + status.message());
}

// Signal and noise power summed over tensors and samples.
struct SqnrAccumulator {
  double signal = 0, noise = 0;
  void add(const std::vector<float>& reference, const std::vector<float>& measured) {
    for (size_t i = 0; i < reference.size() && i < measured.size(); ++i) {
      const double r = reference[i], d = r - measured[i];
      signal += r * r;
      noise += d * d;
    }
  }
  double db() const { return sqnr_db(signal, noise); }
};

// The float graph with every float activation as an output, and what the
// calibration learnt from running it.
struct FloatStatistics {
  std::unique_ptr<GraphRunner> runner;
  std::vector<int> output_tensors;  // float-graph tensor of each runner output
  std::vector<std::vector<std::vector<float>>> final_outputs;  // per sample, per graph output
};

Result<FloatStatistics> run_calibration(const GraphDesc& graph, const std::vector<Sample>& samples,
                                        const QuantizeOptions& options,
                                        std::vector<ActQuant>* observed) {
  FloatStatistics stats;
  stats.output_tensors = graph.outputs;
  for (int t : float_activation_tensors(graph)) {
    auto listed = [t](const std::vector<int>& list) {
      return std::find(list.begin(), list.end(), t) != list.end();
    };
    if (!listed(graph.inputs) && !listed(stats.output_tensors)) stats.output_tensors.push_back(t);
  }
  ModelBuilder builder;
  copy_graph(graph, &builder);
  builder.set_outputs(stats.output_tensors);
  InterpreterOptions run_options;
  run_options.kernel = options.kernel;
  Result<std::unique_ptr<GraphRunner>> runner = GraphRunner::create(builder, run_options);
  if (!runner.ok()) {
    return stage_error("preparing the float model for calibration", runner.status());
  }
  stats.runner = std::move(runner.value());

  std::vector<std::unique_ptr<RangeObserver>> observers(graph.tensors.size());
  auto observer_for = [&](int t) -> RangeObserver* {
    if (!observers[t]) observers[t] = make_range_observer(options.calibrator);
    return observers[t].get();
  };
  for (const Sample& sample : samples) {
    for (size_t i = 0; i < graph.inputs.size(); ++i) {
      observer_for(graph.inputs[i])->observe(sample[i].data(), sample[i].size());
    }
    LOWBIT_RETURN_IF_ERROR(stats.runner->run_float(sample));
    std::vector<std::vector<float>> finals;
    for (size_t k = 0; k < stats.output_tensors.size(); ++k) {
      const std::vector<float> values = stats.runner->output_as_float(k);
      if (graph.tensors[stats.output_tensors[k]].dtype == DType::kFloat32) {
        observer_for(stats.output_tensors[k])->observe(values.data(), values.size());
      }
      if (k < graph.outputs.size()) finals.push_back(values);
    }
    stats.final_outputs.push_back(std::move(finals));
  }
  observed->assign(graph.tensors.size(), ActQuant{});
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    if (observers[t]) (*observed)[t] = act_quant_from_range(observers[t]->range());
  }
  return stats;
}

RewriteOptions rewrite_options(const QuantizeOptions& options, bool for_measuring) {
  RewriteOptions r;
  r.float_io = options.float_io;
  r.per_tensor_weights = options.per_tensor_weights;
  r.weight_bits = options.weight_bits;
  r.int4_as_int8 = for_measuring;
  return r;
}

// Final-output SQNR of the quantized graph `plan` describes.
Result<double> output_sqnr(const GraphDesc& graph, const QuantPlan& plan,
                           const std::vector<Sample>& samples, const FloatStatistics& stats,
                           const QuantizeOptions& options) {
  ModelBuilder builder;
  LOWBIT_RETURN_IF_ERROR(
      build_quantized_graph(graph, plan, rewrite_options(options, true), &builder));
  InterpreterOptions run_options;
  run_options.kernel = options.kernel;
  Result<std::unique_ptr<GraphRunner>> runner = GraphRunner::create(builder, run_options);
  if (!runner.ok()) return stage_error("preparing the quantized model", runner.status());
  SqnrAccumulator acc;
  for (size_t s = 0; s < samples.size(); ++s) {
    LOWBIT_RETURN_IF_ERROR(runner.value()->run_float(samples[s]));
    for (size_t k = 0; k < graph.outputs.size(); ++k) {
      acc.add(stats.final_outputs[s][k], runner.value()->output_as_float(k));
    }
  }
  return acc.db();
}

std::string operator_label(const GraphDesc& graph, int o) { return describe_operator(graph, o); }

bool int4_candidate(const OperatorDesc& op) {
  return op.type == OpType::kConv2D || op.type == OpType::kFullyConnected;
}

// --auto-keep-float: greedily keeps the operators whose keeping alone helps
// the final output most, until the budget holds.
Status choose_kept_layers(const GraphDesc& graph, const std::vector<Sample>& samples,
                          const FloatStatistics& stats, const std::vector<ActQuant>& observed,
                          const QuantizeOptions& options, const BiasDeltas& deltas,
                          QuantPlan* plan, QuantizeReport* report) {
  const bool int4 = options.weight_bits == 4;
  auto set_kept = [&](int o, bool kept) {
    if (int4) {
      plan->int8_weights[o] = kept;
    } else {
      plan->keep_float[o] = kept;
    }
    plan_activation_quant(graph, observed, plan);
    select_bias_deltas(graph, deltas, plan);
  };
  Result<double> base = output_sqnr(graph, *plan, samples, stats, options);
  if (!base.ok()) return base.status();
  if (base.value() >= options.min_sqnr_db) return Status::Ok();
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    if (plan->keep_float[o] || (int4 && !int4_candidate(graph.operators[o]))) continue;
    set_kept(static_cast<int>(o), true);
    Result<double> sqnr = output_sqnr(graph, *plan, samples, stats, options);
    set_kept(static_cast<int>(o), false);
    if (!sqnr.ok()) return sqnr.status();
    report->sensitivity.push_back(
        {static_cast<int>(o), operator_label(graph, static_cast<int>(o)), sqnr.value()});
  }
  std::stable_sort(report->sensitivity.begin(), report->sensitivity.end(),
                   [](const LayerSensitivity& a, const LayerSensitivity& b) {
                     return a.output_sqnr_db > b.output_sqnr_db;
                   });
  report->budget_met = false;
  for (const LayerSensitivity& layer : report->sensitivity) {
    set_kept(layer.op_index, true);
    Result<double> sqnr = output_sqnr(graph, *plan, samples, stats, options);
    if (!sqnr.ok()) return sqnr.status();
    if (sqnr.value() >= options.min_sqnr_db) {
      report->budget_met = true;
      break;
    }
  }
  return Status::Ok();
}

// Per operator output: the chosen quantization and the SQNR of the quantized
// graph's activation against the float one, over every sample.
Status measure_report(const GraphDesc& graph, const QuantPlan& plan,
                      const std::vector<Sample>& samples, FloatStatistics& stats,
                      const QuantizeOptions& options, QuantizeReport* report) {
  ModelBuilder builder;
  RewriteOptions r = rewrite_options(options, true);
  r.expose_activations = true;
  std::vector<int> extra;
  LOWBIT_RETURN_IF_ERROR(build_quantized_graph(graph, plan, r, &builder, &extra));
  InterpreterOptions run_options;
  run_options.kernel = options.kernel;
  Result<std::unique_ptr<GraphRunner>> quant = GraphRunner::create(builder, run_options);
  if (!quant.ok()) return stage_error("preparing the quantized model", quant.status());
  // Where each float-graph tensor is in either runner's outputs.
  std::vector<int> float_slot(graph.tensors.size(), -1), quant_slot(graph.tensors.size(), -1);
  for (size_t k = 0; k < stats.output_tensors.size(); ++k) {
    float_slot[stats.output_tensors[k]] = static_cast<int>(k);
  }
  // An operator's own output (int8 where it is quantized) wins over the
  // graph output's converted copy (--io float).
  for (size_t k = 0; k < graph.outputs.size(); ++k) {
    quant_slot[graph.outputs[k]] = static_cast<int>(k);
  }
  for (size_t k = 0; k < extra.size(); ++k) {
    quant_slot[extra[k]] = static_cast<int>(graph.outputs.size() + k);
  }
  std::vector<SqnrAccumulator> per_tensor(graph.tensors.size());
  SqnrAccumulator final_acc;
  for (const Sample& sample : samples) {
    LOWBIT_RETURN_IF_ERROR(stats.runner->run_float(sample));
    LOWBIT_RETURN_IF_ERROR(quant.value()->run_float(sample));
    for (size_t t = 0; t < graph.tensors.size(); ++t) {
      if (float_slot[t] < 0 || quant_slot[t] < 0) continue;
      const std::vector<float> reference = stats.runner->output_as_float(float_slot[t]);
      const std::vector<float> measured = quant.value()->output_as_float(quant_slot[t]);
      per_tensor[t].add(reference, measured);
    }
    for (size_t k = 0; k < graph.outputs.size(); ++k) {
      final_acc.add(stats.runner->output_as_float(k), quant.value()->output_as_float(k));
    }
  }
  report->output_sqnr_db = final_acc.db();
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    const OperatorDesc& op = graph.operators[o];
    for (int t : op.outputs) {
      TensorReport row;
      row.op_index = static_cast<int>(o);
      row.op_type = op_type_name(op.type);
      row.tensor = graph.tensors[t].name;
      row.sqnr_db = per_tensor[t].db();
      const ActQuant& q = plan.act[t];
      if (plan.keep_float[o]) {
        row.precision = "float";
      } else {
        const bool int4 = options.weight_bits == 4 && int4_candidate(op) && !plan.int8_weights[o];
        row.precision = int4 ? "int8 (int4 weights)" : "int8";
      }
      if (q.valid) {
        row.scale = q.scale;
        row.zero_point = q.zero_point;
        row.min = q.scale * static_cast<float>(-128 - q.zero_point);
        row.max = q.scale * static_cast<float>(127 - q.zero_point);
      }
      report->tensors.push_back(row);
    }
  }
  return Status::Ok();
}

}  // namespace

double sqnr_db(double signal_power, double noise_power) {
  if (noise_power <= 0.0) return kMaxSqnrDb;
  if (signal_power <= 0.0) return -kMaxSqnrDb;
  return std::min(kMaxSqnrDb, 10.0 * std::log10(signal_power / noise_power));
}

Result<QuantizeResult> quantize_graph(const GraphDesc& float_graph,
                                      const std::vector<Sample>& samples,
                                      const QuantizeOptions& options) {
  if (options.weight_bits != 8 && options.weight_bits != 4) {
    return invalid_arg("weights must be int8 or int4, got " + std::to_string(options.weight_bits) +
                       " bits");
  }
  if (!make_range_observer(options.calibrator)) {
    return Status(StatusCode::kUnsupported, std::string("calibrator '") +
                                                calibrator_name(options.calibrator.kind) +
                                                "' is not available in this build");
  }
  // --keep-float names the operators of the model as given; activations
  // folded into their producers are gone from the graph quantized below.
  std::vector<bool> named_float;
  LOWBIT_RETURN_IF_ERROR(resolve_operator_names(float_graph, options.keep_float, &named_float));
  const FoldedActivations folded = fold_standalone_activations(float_graph, named_float);
  const GraphDesc& graph = folded.graph;
  QuantPlan plan;
  plan.keep_float.assign(graph.operators.size(), false);
  for (size_t o = 0; o < named_float.size(); ++o) {
    if (named_float[o]) plan.keep_float[size_t(folded.new_index[o])] = true;
  }
  plan.int8_weights.assign(graph.operators.size(), false);
  LOWBIT_RETURN_IF_ERROR(check_quantizable(graph, plan.keep_float));
  LOWBIT_RETURN_IF_ERROR(check_samples(graph, samples));

  std::vector<ActQuant> observed;
  Result<FloatStatistics> stats = run_calibration(graph, samples, options, &observed);
  if (!stats.ok()) return stats.status();
  plan_activation_quant(graph, observed, &plan);

  BiasDeltas deltas;
  if (options.bias_correction) {
    Result<BiasDeltas> computed = compute_bias_deltas(graph, samples, options.per_tensor_weights,
                                                      options.weight_bits, options.kernel);
    if (!computed.ok()) return stage_error("correcting biases", computed.status());
    deltas = std::move(computed.value());
  }
  select_bias_deltas(graph, deltas, &plan);

  QuantizeResult result;
  QuantizeReport& report = result.report;
  report.calibrator = calibrator_name(options.calibrator.kind);
  report.samples = samples.size();
  report.weight_bits = options.weight_bits;
  report.bias_correction = options.bias_correction;
  report.auto_keep_float = options.auto_keep_float;
  report.min_sqnr_db = options.min_sqnr_db;
  report.folded_activations = folded.folded;
  if (options.auto_keep_float) {
    LOWBIT_RETURN_IF_ERROR(choose_kept_layers(graph, samples, stats.value(), observed, options,
                                              deltas, &plan, &report));
  }
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    const std::string label = operator_label(graph, static_cast<int>(o));
    if (plan.keep_float[o]) report.kept_float.push_back(label);
    if (plan.int8_weights[o]) report.kept_int8.push_back(label);
  }
  LOWBIT_RETURN_IF_ERROR(measure_report(graph, plan, samples, stats.value(), options, &report));
  if (options.auto_keep_float) report.budget_met = report.output_sqnr_db >= options.min_sqnr_db;

  ModelBuilder final_builder;
  LOWBIT_RETURN_IF_ERROR(
      build_quantized_graph(graph, plan, rewrite_options(options, false), &final_builder));
  Result<std::vector<uint8_t>> bytes = final_builder.finish();
  if (!bytes.ok()) return stage_error("serializing the quantized model", bytes.status());
  result.model = std::move(bytes.value());
  return result;
}

Status write_model_atomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  const std::string temp = path + ".partial";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) return Status(StatusCode::kIoError, temp + ": cannot create");
    file.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!file) {
      std::remove(temp.c_str());
      return Status(StatusCode::kIoError, temp + ": write failed");
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::remove(temp.c_str());
    return Status(StatusCode::kIoError, path + ": " + error.message());
  }
  return Status::Ok();
}

}  // namespace quantize
}  // namespace lowbit
