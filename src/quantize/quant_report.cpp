// The report of lowbit-quantize: a text table for the terminal and JSON.
#include <cmath>
#include <cstdio>
#include <string>

#include "quantize/quantizer.h"

namespace lowbit {
namespace quantize {
namespace {

std::string format(const char* fmt, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), fmt, value);
  return buffer;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  return format("%.9g", value);
}

// Long TFLite tensor names ("a;b;c;...") shortened to their last part.
std::string short_name(const std::string& name, size_t width) {
  if (name.size() <= width) return name;
  return "..." + name.substr(name.size() - (width - 3));
}

}  // namespace

std::string report_text(const QuantizeReport& report) {
  std::string out;
  out += "calibrator " + report.calibrator + ", " + std::to_string(report.samples) +
         " samples, weights int" + std::to_string(report.weight_bits) +
         (report.bias_correction ? ", bias correction" : "") +
         (report.folded_activations > 0
              ? ", " + std::to_string(report.folded_activations) + " RELU/RELU6 fused"
              : std::string()) +
         "\n";
  char line[512];
  std::snprintf(line, sizeof(line), "%-4s %-18s %-40s %-20s %11s %11s %12s %5s %9s\n", "op",
                "type", "output tensor", "precision", "min", "max", "scale", "zp", "SQNR dB");
  out += line;
  for (const TensorReport& row : report.tensors) {
    const bool quantized = row.scale > 0;
    std::snprintf(line, sizeof(line), "%-4d %-18s %-40s %-20s %11s %11s %12s %5s %9.2f\n",
                  row.op_index, row.op_type.c_str(), short_name(row.tensor, 40).c_str(),
                  row.precision.c_str(), quantized ? format("%.5g", row.min).c_str() : "-",
                  quantized ? format("%.5g", row.max).c_str() : "-",
                  quantized ? format("%.6g", row.scale).c_str() : "-",
                  quantized ? std::to_string(row.zero_point).c_str() : "-", row.sqnr_db);
    out += line;
  }
  out += "final output SQNR: " + format("%.2f", report.output_sqnr_db) + " dB\n";
  if (report.auto_keep_float) {
    out += "automatic mixed precision: budget " + format("%.2f", report.min_sqnr_db) + " dB " +
           (report.budget_met ? "met" : "NOT met (every candidate kept)") + "\n";
    for (const LayerSensitivity& s : report.sensitivity) {
      out += "  keeping " + s.op_name + " alone: " + format("%.2f", s.output_sqnr_db) + " dB\n";
    }
  }
  for (const std::string& name : report.kept_float) out += "kept float: " + name + "\n";
  for (const std::string& name : report.kept_int8) out += "kept int8 weights: " + name + "\n";
  return out;
}

std::string report_json(const QuantizeReport& report) {
  std::string out = "{\n";
  out += "  \"calibrator\": " + json_string(report.calibrator) + ",\n";
  out += "  \"samples\": " + std::to_string(report.samples) + ",\n";
  out += "  \"weight_bits\": " + std::to_string(report.weight_bits) + ",\n";
  out += std::string("  \"bias_correction\": ") + (report.bias_correction ? "true" : "false") +
         ",\n";
  out += "  \"folded_activations\": " + std::to_string(report.folded_activations) + ",\n";
  out += "  \"output_sqnr_db\": " + json_number(report.output_sqnr_db) + ",\n";
  out += "  \"tensors\": [";
  for (size_t i = 0; i < report.tensors.size(); ++i) {
    const TensorReport& row = report.tensors[i];
    out += i == 0 ? "\n" : ",\n";
    out += "    {\"op_index\": " + std::to_string(row.op_index) +
           ", \"op_type\": " + json_string(row.op_type) +
           ", \"tensor\": " + json_string(row.tensor) +
           ", \"precision\": " + json_string(row.precision);
    if (row.scale > 0) {
      out += ", \"min\": " + json_number(row.min) + ", \"max\": " + json_number(row.max) +
             ", \"scale\": " + json_number(row.scale) +
             ", \"zero_point\": " + std::to_string(row.zero_point);
    }
    out += ", \"sqnr_db\": " + json_number(row.sqnr_db) + "}";
  }
  out += "\n  ],\n";
  out += std::string("  \"auto_keep_float\": ") + (report.auto_keep_float ? "true" : "false") +
         ",\n";
  if (report.auto_keep_float) {
    out += "  \"min_sqnr_db\": " + json_number(report.min_sqnr_db) + ",\n";
    out += std::string("  \"budget_met\": ") + (report.budget_met ? "true" : "false") + ",\n";
    out += "  \"sensitivity\": [";
    for (size_t i = 0; i < report.sensitivity.size(); ++i) {
      const LayerSensitivity& s = report.sensitivity[i];
      out += (i == 0 ? "\n" : ",\n");
      out += "    {\"op_index\": " + std::to_string(s.op_index) + ", \"operator\": " +
             json_string(s.op_name) + ", \"output_sqnr_db_when_kept\": " +
             json_number(s.output_sqnr_db) + "}";
    }
    out += "\n  ],\n";
  }
  auto list = [&](const char* key, const std::vector<std::string>& names, bool last) {
    out += std::string("  \"") + key + "\": [";
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + json_string(names[i]);
    out += last ? "]\n" : "],\n";
  };
  list("kept_float", report.kept_float, false);
  list("kept_int8_weights", report.kept_int8, true);
  out += "}\n";
  return out;
}

}  // namespace quantize
}  // namespace lowbit
