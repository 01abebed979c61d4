"""Runs one .tflite through lowbit (convert + lowbit-run) and through the oracles, and compares.

Oracles: LiteRT with the reference op resolver (int8 ground truth, profile tflite_reference),
LiteRT's default path with XNNPACK (recorded against profile xnnpack_fp32), and Larq Compute
Engine's interpreter for models with LCE custom ops (profile tflite_optimized).
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lowbit_tools import ROOT, convert, tool  # noqa: E402,F401 (callers use harness.convert)

FLOAT_RELATIVE_TOLERANCE = 1e-5


def run_lowbit(lbm_path, inputs, output_specs, profile, build_dir, kernel="auto", threads=1,
               invokes=1, stream=False, float_kernels=None, float_precision=None):
    """inputs: list of arrays in graph-input order; output_specs: list of (dtype, shape).
    invokes > 1 runs the same inputs repeatedly (recurrent state carries over) and returns
    the last outputs; with stream, each input array holds `invokes` frames (leading axis), one
    per invoke, and each output comes back with every invoke's values (leading axis).
    float_kernels: "own" or "xnnpack" (default: the build's default); float_precision: "fp16"
    or "fp32" (default: fp32)."""
    with tempfile.TemporaryDirectory(prefix="lowbit-conf-") as scratch:
        command = [tool("lowbit-run", build_dir), lbm_path, "--profile", profile,
                   "--kernel", kernel, "--threads", str(threads), "--max-values", "0",
                   "--invokes", str(invokes)] + (["--stream"] if stream else [])
        for index, array in enumerate(inputs):
            path = os.path.join(scratch, f"in{index}.bin")
            np.ascontiguousarray(array).tofile(path)
            command += ["--input", f"{index}={path}"]
        for index in range(len(output_specs)):
            command += ["--output", f"{index}={os.path.join(scratch, f'out{index}.bin')}"]
        if float_kernels is not None:
            command += ["--float-kernels", float_kernels]
        if float_precision is not None:
            command += ["--float-precision", float_precision]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"lowbit-run failed: {(done.stderr or done.stdout).strip()}")
        outputs = []
        for index, (dtype, shape) in enumerate(output_specs):
            data = np.fromfile(os.path.join(scratch, f"out{index}.bin"), dtype=dtype)
            outputs.append(data.reshape(((invokes,) if stream else ()) + tuple(shape)))
        return outputs


class LiteRTOracle:
    def __init__(self, tflite_path, reference):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        resolver = OpResolverType.BUILTIN_REF if reference else OpResolverType.AUTO
        self.interpreter = Interpreter(model_path=tflite_path, num_threads=1,
                                       experimental_op_resolver_type=resolver)
        self.interpreter.allocate_tensors()
        self.inputs = self.interpreter.get_input_details()
        self.outputs = self.interpreter.get_output_details()

    def input_specs(self):
        return [(d["dtype"], tuple(d["shape"]), d["quantization"]) for d in self.inputs]

    def output_specs(self):
        return [(d["dtype"], tuple(d["shape"])) for d in self.outputs]

    def reset_state(self):
        """Recurrent state (variable tensors) back to its initial value."""
        self.interpreter.reset_all_variables()

    def run(self, arrays):
        for detail, array in zip(self.inputs, arrays):
            self.interpreter.set_tensor(detail["index"], array)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(d["index"]).copy() for d in self.outputs]

    def operators(self):
        return [op["op_name"] for op in self.interpreter._get_ops_details()]


def lce_interpreter_class():
    """LCE's Interpreter. The package's __init__ imports its converter, which needs TensorFlow;
    the interpreter itself does not, so without TensorFlow (the CI venv) the package is entered
    through a bare module object that skips that __init__."""
    try:
        from larq_compute_engine.tflite.python.interpreter import Interpreter
        return Interpreter
    except ImportError:
        import importlib.util
        import types
        for name in [n for n in sys.modules if n.startswith("larq_compute_engine")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("larq_compute_engine")
        if spec is None:
            raise
        package = types.ModuleType("larq_compute_engine")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["larq_compute_engine"] = package
        from larq_compute_engine.tflite.python.interpreter import Interpreter
        return Interpreter


class LCEOracle:
    def __init__(self, tflite_path):
        Interpreter = lce_interpreter_class()
        with open(tflite_path, "rb") as f:
            model = f.read()
        try:
            self.interpreter = Interpreter(model, num_threads=1)
            self.kernel = "optimized bconv"
        except RuntimeError:
            # LCE's optimized kernel refuses grouped convolutions; its reference kernel runs them.
            self.interpreter = Interpreter(model, num_threads=1, use_reference_bconv=True)
            self.kernel = "reference bconv"

    def input_specs(self):
        it = self.interpreter
        return [(np.dtype(t), tuple(s), (sc or 0.0, zp or 0)) for t, s, sc, zp in
                zip(it.input_types, it.input_shapes, it.input_scales, it.input_zero_points)]

    def output_specs(self):
        return [(np.dtype(t), tuple(s)) for t, s in
                zip(self.interpreter.output_types, self.interpreter.output_shapes)]

    def run(self, arrays):
        # The wrapper's own predict() splits axis 0 into batch-1 samples, which breaks models
        # converted with a fixed batch; its C++ interpreter takes whole tensors.
        result = self.interpreter.interpreter.predict([np.ascontiguousarray(a) for a in arrays])
        return [np.asarray(r) for r in result]


def random_input(rng, dtype, shape):
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        return rng.uniform(-1.0, 1.0, shape).astype(np.float32)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype)


class Comparison:
    """Accumulates differences over inputs for one (model, oracle) pair."""

    def __init__(self, exact):
        self.exact = exact
        self.max_abs_diff = 0.0
        self.mismatches = 0
        self.elements = 0
        self.inputs_compared = 0
        self.first_mismatch = None

    def add(self, expected, got, input_index):
        for output_index, (want, have) in enumerate(zip(expected, got)):
            want = np.asarray(want)
            have = np.asarray(have).reshape(want.shape)
            if want.dtype.kind == "f":
                diff = np.abs(want.astype(np.float64) - have.astype(np.float64))
                scale = max(float(np.max(np.abs(want))), 1e-30)
                bad = diff > FLOAT_RELATIVE_TOLERANCE * scale
            else:
                diff = np.abs(want.astype(np.int64) - have.astype(np.int64))
                bad = diff != 0
            self.max_abs_diff = max(self.max_abs_diff, float(diff.max()) if diff.size else 0.0)
            count = int(bad.sum())
            if count and self.first_mismatch is None:
                position = np.unravel_index(int(np.argmax(bad)), want.shape)
                self.first_mismatch = (input_index, output_index, tuple(int(p) for p in position),
                                       want[position].item(), have[position].item())
            self.mismatches += count
            self.elements += want.size
        self.inputs_compared += 1

    def verdict(self):
        if self.mismatches == 0:
            return "exact" if self.exact or self.max_abs_diff == 0 else "within 1e-5 rel"
        return "MISMATCH" if self.exact else "OUT OF TOLERANCE"


def add_stream_arguments(parser, inputs=10, invokes=20, seed=None):
    """The options of a sweep of stateful models: --build-dir, --inputs fresh inputs, a stream of
    --invokes invokes, --seed (default `seed`, else the time)."""
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--inputs", type=int, default=inputs)
    parser.add_argument("--invokes", type=int, default=invokes)
    parser.add_argument("--seed", type=int,
                        default=int(time.time()) % 1000000 if seed is None else seed)


def summary(sweep, total, failed):
    """Prints a sweep's last line and returns its exit status."""
    print(f"{sweep}: {total} models, {len(failed)} failed" +
          (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
