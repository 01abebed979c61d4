"""lowbit.quantize: post-training quantization from Python (docs/quantization.md)."""
import os
import pathlib

import numpy as np
import pytest

import lowbit


@pytest.fixture(scope="module")
def block_float():
    path = os.environ.get("LOWBIT_MODELS_DIR")
    if not path:
        pytest.fail("set LOWBIT_MODELS_DIR to the build's models folder (build/models)")
    return pathlib.Path(path) / "block_float.lbm"


def samples(count, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (1, 32, 32, 16)).astype(np.float32) for _ in range(count)]


def sqnr_db(reference, measured):
    noise = np.sum((reference - measured) ** 2)
    return 10 * np.log10(np.sum(reference ** 2) / noise)


def test_quantized_block_runs_close_to_float(block_float, tmp_path):
    calibration = samples(8, 1)
    out = tmp_path / "block_int8.lbm"
    report = lowbit.quantize(block_float, calibration, out)
    assert out.read_bytes() == report["model"]
    assert report["samples"] == 8 and report["calibrator"] == "minmax"
    assert [t["op_type"] for t in report["tensors"]] == [
        "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "ADD"]
    float_model = lowbit.Interpreter(block_float, kernel="reference")
    int8_model = lowbit.Interpreter(str(out), kernel="reference")
    detail = int8_model.get_input_details()[0]
    scale, zero = detail["quantization"][0][0], detail["quantization"][1][0]
    out_scale, out_zero = (v[0] for v in int8_model.get_output_details()[0]["quantization"][:2])
    x = samples(1, 2)[0]
    q = np.clip(np.round(x / scale) + zero, -128, 127).astype(np.int8)
    measured = (int8_model.run([q])[0].astype(np.float32) - out_zero) * out_scale
    reference = float_model.run([x])[0]
    # Three requantized layers and a residual ADD: ~30 dB; 20 dB leaves margin.
    assert sqnr_db(reference, measured) > 20


def test_a_batch_array_and_float_io(block_float):
    batch = np.stack([s[0] for s in samples(4, 3)])  # [4, 32, 32, 16]: four samples
    report = lowbit.quantize(block_float, [batch], io="float", bias_correction=True)
    assert report["samples"] == 4 and report["bias_correction"] is True
    interpreter = lowbit.Interpreter(report["model"])
    assert interpreter.get_input_details()[0]["dtype"] == np.float32


def test_bad_samples_are_named_errors_and_write_nothing(block_float, tmp_path):
    out = tmp_path / "never.lbm"
    with pytest.raises(lowbit.Error, match="sample 0: dtype float64, expected float32"):
        lowbit.quantize(block_float, [np.zeros((1, 32, 32, 16))], out)
    with pytest.raises(lowbit.Error, match="sample 1: 10 values"):
        lowbit.quantize(block_float, [samples(1, 1)[0], np.zeros(10, np.float32)], out)
    with pytest.raises(lowbit.Error, match="no calibration samples"):
        lowbit.quantize(block_float, [], out)
    with pytest.raises(lowbit.Error, match="names no operator"):
        lowbit.quantize(block_float, samples(1, 1), out, keep_float=["nope"])
    assert not out.exists()
