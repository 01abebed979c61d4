"""lowbit's command-line tools and the machine they run on, for the conformance checks and the
peer benchmarks (scripts/peers). Standard library only: the SIMD-vs-reference check runs with
Debian's python3, no venv."""
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED_MODELS = os.environ.get("LOWBIT_MODELS_DIR", os.path.join(ROOT, "..", "shared", "models"))

# The int8 models of ../shared/models that the SIMD-vs-reference check and the LiteRT
# benchmark run.
SHARED_INT8_MODELS = [
    "mlperf_tiny/vww_96_int8.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "mlperf_tiny/ad01_int8.tflite",
    "tflite_micro/person_detect.tflite",
    "coral/mobilenet_v1_0.25_128_quant.tflite",
    "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",
]


def tool(name, build_dir):
    path = os.path.join(build_dir, "bin", name)
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: build the {name} target first")
    return path


def convert(tflite_path, lbm_path, build_dir):
    """Returns None on success, else lowbit-convert's error text."""
    done = subprocess.run([tool("lowbit-convert", build_dir), "--quiet", tflite_path, lbm_path],
                          capture_output=True, text=True)
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()


def convert_or_exit(tflite_path, lbm_path, build_dir):
    error = convert(tflite_path, lbm_path, build_dir)
    if error is not None:
        raise SystemExit(f"lowbit-convert {tflite_path}: {error}")
    return lbm_path


def run_tool(command):
    """Runs a lowbit tool; exits with its output when it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout}{done.stderr}")
    return done.stdout


def cpu_model():
    """lscpu's "Model name" (the first one on a big.LITTLE CPU); /proc/cpuinfo without lscpu."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True,
                              env=dict(os.environ, LC_ALL="C")).stdout
    except OSError:
        text = ""
    if "Model name" not in text and os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            text = f.read().replace("model name", "Model name")
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Model name" and value.strip():
            return value.strip()
    return "unknown CPU"


def machine():
    """One line naming the CPU, for every printed measurement or verdict."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"CPU {cpu_model()} ({os.cpu_count()} logical CPUs, load average {load:.1f})"
