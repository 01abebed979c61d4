"""lowbit: run int8 and binary (.lbm) models from Python with numpy arrays.

    import lowbit, numpy as np
    interpreter = lowbit.Interpreter("model.lbm")          # or .tflite, or bytes
    outputs = interpreter.run([np.zeros((1, 224, 224, 3), np.int8)])
    lbm_bytes = lowbit.convert("model.tflite", "model.lbm")
"""
import os

from . import _lowbit

__all__ = ["Interpreter", "convert", "Error"]

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
