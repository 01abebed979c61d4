"""lowbit: run int8 and binary (.lbm) models from Python with numpy arrays.

    import lowbit, numpy as np
    interpreter = lowbit.Interpreter("model.lbm")          # or .tflite, or bytes
    outputs = interpreter.run([np.zeros((1, 224, 224, 3), np.int8)])
    lbm_bytes = lowbit.convert("model.tflite", "model.lbm")
    report = lowbit.quantize("float.tflite", samples, "model_int8.lbm")
"""
import json
import os

from . import _lowbit

__all__ = ["Interpreter", "convert", "quantize", "evaluate", "Error"]

Error = RuntimeError  # runtime failures carry the runtime's Status text


class Interpreter(_lowbit.Interpreter):
    """A prepared interpreter. ``model`` is a path or the bytes of a .lbm or a
    .tflite model (told apart by content; TFLite is converted in memory on
    every load, a .lbm is used in place).

    ``kernel``: "" (default: $LOWBIT_KERNEL or "auto"), "reference", "avx2", ...
    ``profile``: "tflite_reference", "single_rounding", "xnnpack_fp32" or "tflite_optimized".
    ``float_kernels``: who runs float32 operators: "" (default: $LOWBIT_FLOAT_KERNELS or
    "default", which is XNNPACK where the build links it, else lowbit's own kernels), "own"
    or "xnnpack". The ``float_kernels`` property tells the resolved choice.
    ``float_precision``: "fp32" (default) or "fp16": the float convolutions and fully
    connected layers in half precision through XNNPACK, where the CPU has AVX512-FP16 or
    ARMv8.2 FP16 (else RuntimeError at construction).
    """

    def __init__(self, model, num_threads=1, kernel="", profile="tflite_reference",
                 float_kernels="", float_precision="fp32"):
        if isinstance(model, os.PathLike):
            model = os.fspath(model)
        super().__init__(model, num_threads, kernel, profile, float_kernels, float_precision)

    def run(self, inputs):
        """Sets inputs (a list in graph order, or a dict by name), invokes,
        and returns the outputs as a list of numpy arrays."""
        items = inputs.items() if isinstance(inputs, dict) else enumerate(inputs)
        for key, value in items:
            self.set_input(key, value)
        self.invoke()
        return [self.get_output(i) for i in range(len(self.get_output_details()))]


def convert(tflite, output_path=None):
    """Converts a TFLite model (path or bytes; LCE binary ops included) and
    returns the .lbm bytes; also writes them to ``output_path`` if given."""
    if not isinstance(tflite, (bytes, bytearray, memoryview)):
        with open(os.fspath(tflite), "rb") as f:
            tflite = f.read()
    lbm = _lowbit.convert_tflite(bytes(tflite))
    if output_path is not None:
        with open(os.fspath(output_path), "wb") as f:
            f.write(lbm)
    return lbm


def quantize(model, samples, out_path=None, calibrator="minmax", percentile=99.99,
             per_tensor=False, weights="int8", io="int8", keep_float=(), bias_correction=False,
             auto_keep_float=False, min_sqnr=30.0, kernel=""):
    """Post-training quantization, as the lowbit-quantize tool (docs/quantization.md).

    ``model``: a float32 model (path or bytes, .tflite or .lbm). ``samples``: calibration
    inputs, a list whose items are float32 numpy arrays (one graph input; an array whose
    first axis is a batch gives several samples) or, for several graph inputs, lists of
    arrays in graph-input order. Writes the .lbm to ``out_path`` (only on success) and
    returns the report as a dict, with the model's bytes under ``"model"``.
    """
    if isinstance(model, os.PathLike):
        model = os.fspath(model)
    if isinstance(model, (bytearray, memoryview)):
        model = bytes(model)
    lbm, report_json = _lowbit.quantize(
        model, list(samples), calibrator=calibrator, percentile=percentile,
        per_tensor=per_tensor, weights=weights, io=io, keep_float=[str(k) for k in keep_float],
        bias_correction=bias_correction, auto_keep_float=auto_keep_float, min_sqnr=min_sqnr,
        kernel=kernel)
    if out_path is not None:
        out_path = os.fspath(out_path)
        partial = out_path + ".partial"
        with open(partial, "wb") as f:
            f.write(lbm)
        os.replace(partial, out_path)
    report = json.loads(report_json)
    report["model"] = lbm
    return report


def _as_input(sample, detail):
    """One sample for a graph input: float samples into an int8/uint8 input are quantized with
    its scale and zero point (round half away from zero, saturate), as lowbit-eval does."""
    import numpy as np
    sample = np.asarray(sample)
    dtype = np.dtype(detail["dtype"])
    if sample.size != int(np.prod(detail["shape"])):
        raise ValueError(f"a sample of {sample.size} values for input '{detail['name']}' of shape "
                         f"{list(detail['shape'])}")
    if sample.dtype.kind == "f" and dtype.kind in "iu":
        scales, zero_points, _ = detail["quantization"]
        scale, zero_point = scales[0], (zero_points[0] if len(zero_points) else 0)
        info = np.iinfo(dtype)
        scaled = sample.astype(np.float32) / np.float32(scale)
        rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
        sample = np.clip(rounded + zero_point, info.min, info.max)
    return np.ascontiguousarray(sample, dtype=dtype).reshape(detail["shape"])


def evaluate(model, samples, labels, compare=None, **options):
    """Top-1 accuracy of ``model`` (an Interpreter, or what Interpreter() takes, with
    ``options``) on ``samples`` (an array with a batch axis, or a sequence of arrays) against
    integer ``labels``, and with ``compare`` (another model) that model's accuracy and how
    often the two predict the same class. The Python side of lowbit-eval (docs/tools.md).
    Returns {"samples", "accuracy", "compare_accuracy", "agreement"} (fractions; the last two
    None without ``compare``)."""
    import numpy as np
    labels = np.asarray(labels).reshape(-1)
    if len(samples) != len(labels):
        raise ValueError(f"{len(samples)} samples but {len(labels)} labels")
    models = [m if isinstance(m, Interpreter) else Interpreter(m, **options)
              for m in ([model] if compare is None else [model, compare])]
    predictions = np.zeros((len(models), len(labels)), np.int64)
    for m, interpreter in enumerate(models):
        detail = interpreter.get_input_details()[0]
        for i, sample in enumerate(samples):
            scores = interpreter.run([_as_input(sample, detail)])[0]
            predictions[m, i] = int(np.argmax(scores.reshape(-1)))
    accuracy = [float(np.mean(p == labels)) if len(labels) else 0.0 for p in predictions]
    agreement = float(np.mean(predictions[0] == predictions[1])) if compare is not None else None
    return {"samples": len(labels), "accuracy": accuracy[0],
            "compare_accuracy": accuracy[1] if compare is not None else None,
            "agreement": agreement}
