// _lowbit: the C++ API for Python. Inputs and outputs are numpy arrays copied
// in and out of the interpreter's arena; every failing Status becomes a
// lowbit.Error (RuntimeError) carrying the runtime's message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "convert/tflite_importer.h"
#include "lowbit/lowbit.h"
#include "quantize/quantizer.h"

namespace py = pybind11;

namespace {

void throw_if_error(const lowbit::Status& status) {
  if (!status.ok()) throw std::runtime_error(status.to_string());
}

py::dtype numpy_dtype(lowbit::DType dtype) {
  switch (dtype) {
    case lowbit::DType::kFloat32: return py::dtype::of<float>();
    case lowbit::DType::kInt8: return py::dtype::of<int8_t>();
    case lowbit::DType::kUInt8: return py::dtype::of<uint8_t>();
    case lowbit::DType::kInt32: return py::dtype::of<int32_t>();
    case lowbit::DType::kInt64: return py::dtype::of<int64_t>();
    case lowbit::DType::kBool: return py::dtype::of<bool>();
    case lowbit::DType::kInt16: return py::dtype::of<int16_t>();
    case lowbit::DType::kFloat16: return py::dtype("float16");
    case lowbit::DType::kBit: return py::dtype::of<int32_t>();  // packed words
    case lowbit::DType::kInt4: return py::dtype::of<uint8_t>();  // two per byte
  }
  return py::dtype::of<uint8_t>();
}

// numpy shape of a tensor's storage: bit tensors show their packed words.
std::vector<py::ssize_t> storage_shape(const lowbit::TensorDesc& desc) {
  std::vector<py::ssize_t> shape(desc.shape.dims, desc.shape.dims + desc.shape.rank);
  if (desc.dtype == lowbit::DType::kBit && !shape.empty()) {
    shape.back() = lowbit::bit_words(static_cast<int32_t>(shape.back()));
  }
  return shape;
}

py::dict details(const lowbit::TensorView& view, size_t position) {
  const lowbit::TensorDesc& desc = *view.desc;
  py::dict d;
  d["name"] = desc.name;
  d["index"] = position;
  d["tensor_index"] = view.index;
  d["shape"] = desc.shape.to_vector();
  d["dtype"] = numpy_dtype(desc.dtype);
  d["lowbit_dtype"] = lowbit::dtype_name(desc.dtype);
  d["quantization"] = py::make_tuple(desc.quant.scales, desc.quant.zero_points, desc.quant.axis);
  return d;
}

class PyInterpreter {
 public:
  PyInterpreter(const py::object& model, int num_threads, const std::string& kernel,
                const std::string& profile, const std::string& float_kernels,
                const std::string& float_precision) {
    if (py::isinstance<py::bytes>(model) || py::isinstance<py::bytearray>(model) ||
        py::isinstance<py::memoryview>(model)) {
      // A .lbm in an aligned buffer is used in place, so the copy lives as long
      // as this object (declared before model_, destroyed after it). TFLite
      // bytes are converted, the model then owning the result.
      model_bytes_ = py::bytes(model);
      auto loaded = lowbit::Model::load(model_bytes_.data(), model_bytes_.size());
      throw_if_error(loaded.status());
      model_ = loaded.value();
    } else {
      const std::string path = py::str(model);
      auto loaded = lowbit::Model::load(path);  // .lbm or .tflite, by content
      throw_if_error(loaded.status());
      model_ = loaded.value();
    }
    lowbit::InterpreterOptions options;
    options.num_threads = num_threads;
    options.kernel = kernel;
    if (!lowbit::parse_requant_profile(profile, &options.profile)) {
      throw py::value_error("profile: unknown requantization profile '" + profile + "'");
    }
    // "" leaves the choice to $LOWBIT_FLOAT_KERNELS, else the build's default.
    if (!float_kernels.empty() && !lowbit::parse_float_kernels(float_kernels, &options.float_kernels)) {
      throw py::value_error("float_kernels: '" + float_kernels + "': expected own, xnnpack or default");
    }
    if (!lowbit::parse_float_precision(float_precision, &options.float_precision)) {
      throw py::value_error("float_precision: '" + float_precision + "': expected fp32 or fp16");
    }
    interpreter_ = std::make_unique<lowbit::Interpreter>(model_, options);
    throw_if_error(interpreter_->prepare());
  }

  py::list input_details() const {
    py::list list;
    for (size_t i = 0; i < interpreter_->num_inputs(); ++i) list.append(details(interpreter_->input(i), i));
    return list;
  }

  py::list output_details() const {
    py::list list;
    for (size_t i = 0; i < interpreter_->num_outputs(); ++i) list.append(details(interpreter_->output(i), i));
    return list;
  }

  void set_input(const py::object& key, const py::array& value) {
    const lowbit::TensorView view = input_view(key);
    const py::dtype expected = numpy_dtype(view.dtype());
    if (value.dtype().num() != expected.num()) {
      throw py::value_error("input '" + view.name() + "': expected dtype " +
                            py::str(expected).cast<std::string>() + ", got " +
                            py::str(value.dtype()).cast<std::string>());
    }
    py::array contiguous = py::array::ensure(value, py::array::c_style | py::array::forcecast);
    if (static_cast<size_t>(contiguous.nbytes()) != view.bytes) {
      throw py::value_error("input '" + view.name() + "': expected " + std::to_string(view.bytes) +
                            " bytes (shape " + view.shape().to_string() + "), got " +
                            std::to_string(contiguous.nbytes()));
    }
    std::memcpy(view.data, contiguous.data(), view.bytes);
  }

  void invoke() {
    lowbit::Status status;
    {
      py::gil_scoped_release release;
      status = interpreter_->invoke();
    }
    throw_if_error(status);
  }

  void reset_state() { throw_if_error(interpreter_->reset_state()); }

  py::array get_output(const py::object& key) const {
    lowbit::TensorView view;
    if (py::isinstance<py::int_>(key)) {
      const size_t i = key.cast<size_t>();
      if (i >= interpreter_->num_outputs()) throw py::index_error("output " + std::to_string(i));
      view = interpreter_->output(i);
    } else {
      view = interpreter_->output(key.cast<std::string>());
      if (view.index < 0) throw py::key_error("no output named '" + key.cast<std::string>() + "'");
    }
    py::array out(numpy_dtype(view.dtype()), storage_shape(*view.desc));
    std::memcpy(out.mutable_data(), view.data, view.bytes);
    return out;
  }

  size_t arena_bytes() const { return interpreter_->arena_bytes(); }
  size_t packed_weight_bytes() const { return interpreter_->packed_weight_bytes(); }
  std::string kernel_set() const { return interpreter_->options().kernel; }
  std::string float_kernels() const {
    return lowbit::float_kernels_name(interpreter_->options().float_kernels);
  }
  std::string float_precision() const {
    return lowbit::float_precision_name(interpreter_->options().float_precision);
  }

  std::vector<std::string> kernels() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < model_->graph().operators.size(); ++i) {
      names.push_back(interpreter_->kernel_name(static_cast<int>(i)));
    }
    return names;
  }

 private:
  lowbit::TensorView input_view(const py::object& key) const {
    if (py::isinstance<py::int_>(key)) {
      const size_t i = key.cast<size_t>();
      if (i >= interpreter_->num_inputs()) throw py::index_error("input " + std::to_string(i));
      return interpreter_->input(i);
    }
    const std::string name = key.cast<std::string>();
    lowbit::TensorView view = interpreter_->input(name);
    if (view.index < 0) throw py::key_error("no input named '" + name + "'");
    return view;
  }

  std::string model_bytes_;
  std::shared_ptr<const lowbit::Model> model_;
  std::unique_ptr<lowbit::Interpreter> interpreter_;
};

py::bytes convert_tflite(const py::bytes& tflite) {
  const std::string data = tflite;
  lowbit::ModelBuilder builder;
  lowbit::ConversionSummary summary;
  throw_if_error(lowbit::import_tflite(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                       &builder, &summary));
  auto bytes = builder.finish();
  throw_if_error(bytes.status());
  return py::bytes(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size());
}

// One graph input's float32 array of a calibration sample; a batch along the
// first axis gives several samples.
std::vector<std::vector<float>> sample_arrays(const py::handle& item, const std::string& what,
                                              const lowbit::GraphDesc& graph, size_t input) {
  if (!py::isinstance<py::array>(item)) throw std::runtime_error(what + ": not a numpy array");
  const py::array array = py::reinterpret_borrow<py::array>(item);
  if (!array.dtype().is(py::dtype::of<float>())) {
    throw std::runtime_error(what + ": dtype " + std::string(py::str(array.dtype())) +
                             ", expected float32");
  }
  const auto contiguous = py::array_t<float, py::array::c_style>::ensure(array);
  const float* data = contiguous.data();
  const std::vector<float> values(data, data + contiguous.size());
  const int64_t first = contiguous.ndim() > 0 ? contiguous.shape(0) : 1;
  const lowbit::TensorDesc& t = graph.tensors[graph.inputs[input]];
  auto split = lowbit::quantize::split_samples(
      values, first, static_cast<size_t>(t.shape.num_elements()), what,
      "graph input " + std::to_string(input) + " ('" + t.name + "', " + t.shape.to_string() + ")");
  throw_if_error(split.status());
  return split.value();
}

// lowbit.quantize's core: the .lbm bytes and the report as JSON text.
py::tuple quantize_model(const py::object& model_source, const py::list& samples,
                         const std::string& calibrator, double percentile, bool per_tensor,
                         const std::string& weights, const std::string& io,
                         const std::vector<std::string>& keep_float, bool bias_correction,
                         bool auto_keep_float, double min_sqnr, const std::string& kernel) {
  std::string bytes;
  if (py::isinstance<py::bytes>(model_source)) {
    bytes = model_source.cast<std::string>();
  } else {
    const std::string path = py::str(model_source);
    auto loaded = lowbit::Model::load(path);
    throw_if_error(loaded.status());
    (void)loaded;
    std::ifstream file(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  auto model = lowbit::Model::load(bytes.data(), bytes.size());
  throw_if_error(model.status());
  const lowbit::GraphDesc& graph = model.value()->graph();
  lowbit::quantize::QuantizeOptions options;
  if (!lowbit::quantize::parse_calibrator(calibrator, &options.calibrator.kind)) {
    throw std::runtime_error("unknown calibrator '" + calibrator +
                             "' (minmax, ema, percentile, entropy, mse)");
  }
  if (weights != "int8" && weights != "int4") {
    throw std::runtime_error("weights must be int8 or int4");
  }
  if (io != "int8" && io != "float") throw std::runtime_error("io must be int8 or float");
  options.calibrator.percentile = percentile;
  options.per_tensor_weights = per_tensor;
  options.weight_bits = weights == "int4" ? 4 : 8;
  options.float_io = io == "float";
  options.keep_float = keep_float;
  options.bias_correction = bias_correction;
  options.auto_keep_float = auto_keep_float;
  options.min_sqnr_db = min_sqnr;
  options.kernel = kernel;
  // Each item: an array (one graph input) or a list/tuple with one array per input.
  std::vector<lowbit::quantize::Sample> parsed;
  for (size_t s = 0; s < samples.size(); ++s) {
    const std::string what = "sample " + std::to_string(s);
    const py::handle item = samples[s];
    std::vector<std::vector<std::vector<float>>> per_input;
    if (py::isinstance<py::list>(item) || py::isinstance<py::tuple>(item)) {
      const py::sequence seq = py::reinterpret_borrow<py::sequence>(item);
      if (seq.size() != graph.inputs.size()) {
        throw std::runtime_error(what + ": " + std::to_string(seq.size()) +
                                 " arrays, the model has " + std::to_string(graph.inputs.size()) +
                                 " inputs");
      }
      for (size_t i = 0; i < seq.size(); ++i) {
        per_input.push_back(sample_arrays(seq[i], what + " input " + std::to_string(i), graph, i));
      }
    } else {
      if (graph.inputs.size() != 1) {
        throw std::runtime_error(what + ": the model has " + std::to_string(graph.inputs.size()) +
                                 " inputs: give a list of arrays per sample");
      }
      per_input.push_back(sample_arrays(item, what, graph, 0));
    }
    for (size_t k = 0; k < per_input[0].size(); ++k) {
      lowbit::quantize::Sample sample;
      for (auto& arrays : per_input) {
        if (arrays.size() != per_input[0].size()) {
          throw std::runtime_error(what + ": its inputs hold different numbers of samples");
        }
        sample.push_back(std::move(arrays[k]));
      }
      parsed.push_back(std::move(sample));
    }
  }
  lowbit::Result<lowbit::quantize::QuantizeResult> result = [&] {
    py::gil_scoped_release release;
    return lowbit::quantize::quantize_graph(graph, parsed, options);
  }();
  throw_if_error(result.status());
  const auto& lbm = result.value().model;
  return py::make_tuple(py::bytes(reinterpret_cast<const char*>(lbm.data()), lbm.size()),
                        lowbit::quantize::report_json(result.value().report));
}

}  // namespace

PYBIND11_MODULE(_lowbit, m) {
  m.doc() = "lowbit runtime bindings (use the lowbit package)";
  py::class_<PyInterpreter>(m, "Interpreter")
      .def(py::init<const py::object&, int, const std::string&, const std::string&,
                    const std::string&, const std::string&>(),
           py::arg("model"), py::arg("num_threads") = 1, py::arg("kernel") = "",
           py::arg("profile") = "tflite_reference", py::arg("float_kernels") = "",
           py::arg("float_precision") = "fp32")
      .def("get_input_details", &PyInterpreter::input_details)
      .def("get_output_details", &PyInterpreter::output_details)
      .def("set_input", &PyInterpreter::set_input, py::arg("key"), py::arg("value"))
      .def("invoke", &PyInterpreter::invoke)
      .def("reset_state", &PyInterpreter::reset_state)
      .def("get_output", &PyInterpreter::get_output, py::arg("key"))
      .def_property_readonly("arena_bytes", &PyInterpreter::arena_bytes)
      .def_property_readonly("packed_weight_bytes", &PyInterpreter::packed_weight_bytes)
      .def_property_readonly("kernel_set", &PyInterpreter::kernel_set)
      .def_property_readonly("float_kernels", &PyInterpreter::float_kernels)
      .def_property_readonly("float_precision", &PyInterpreter::float_precision)
      .def_property_readonly("kernels", &PyInterpreter::kernels);
  m.def("convert_tflite", &convert_tflite, py::arg("tflite"),
        "TFLite (incl. LCE) FlatBuffer bytes -> .lbm bytes");
  m.def("quantize", &quantize_model, py::arg("model"), py::arg("samples"),
        py::arg("calibrator") = "minmax", py::arg("percentile") = 99.99,
        py::arg("per_tensor") = false, py::arg("weights") = "int8", py::arg("io") = "int8",
        py::arg("keep_float") = std::vector<std::string>{}, py::arg("bias_correction") = false,
        py::arg("auto_keep_float") = false, py::arg("min_sqnr") = 30.0, py::arg("kernel") = "",
        "float model (path or bytes) + float32 samples -> (.lbm bytes, report JSON)");
}
