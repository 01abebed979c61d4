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

__all__ = ["Interpreter", "convert", "quantize", "Error"]

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
    """

    def __init__(self, model, num_threads=1, kernel="", profile="tflite_reference",
                 float_kernels=""):
        if isinstance(model, os.PathLike):
            model = os.fspath(model)
        super().__init__(model, num_threads, kernel, profile, float_kernels)

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
