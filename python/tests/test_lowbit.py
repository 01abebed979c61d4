"""pytest for the lowbit Python package.

LOWBIT_MODELS_DIR: the build's generated models (build/models); required.
LOWBIT_SHARED_MODELS: the shared TFLite models (default ../shared/models next
to the repository); the tests that need it fail, saying where they looked, when it is absent.
"""
import os
import pathlib

import numpy as np
import pytest

import lowbit

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("LOWBIT_SHARED_MODELS", ROOT.parent / "shared" / "models"))


@pytest.fixture(scope="session")
def models_dir():
    path = os.environ.get("LOWBIT_MODELS_DIR")
    if not path:
        pytest.fail("set LOWBIT_MODELS_DIR to the build's models folder (build/models)")
    return pathlib.Path(path)


def random_inputs(interpreter, seed):
    rng = np.random.default_rng(seed)
    inputs = []
    for d in interpreter.get_input_details():
        if d["dtype"] == np.float32:
            inputs.append(rng.uniform(-2, 2, d["shape"]).astype(np.float32))
        else:
            info = np.iinfo(d["dtype"])
            inputs.append(rng.integers(info.min, info.max + 1, d["shape"]).astype(d["dtype"]))
    return inputs


@pytest.mark.parametrize("name", ["demo_int8", "block_int8", "block_binary", "block_float"])
def test_path_and_bytes_give_identical_outputs_on_every_kernel_set(models_dir, name):
    path = models_dir / f"{name}.lbm"
    reference = lowbit.Interpreter(path, kernel="reference")
    inputs = random_inputs(reference, seed=len(name))
    expected = reference.run(inputs)
    assert expected and all(o.size > 0 for o in expected)
    for interpreter in (lowbit.Interpreter(path.read_bytes(), kernel="auto", num_threads=2),
                        lowbit.Interpreter(str(path))):
        got = interpreter.run({d["name"]: x for d, x in zip(interpreter.get_input_details(), inputs)})
        for e, g in zip(expected, got):
            assert e.dtype == g.dtype and e.shape == g.shape
            np.testing.assert_array_equal(e, g)


def test_details_describe_tensors(models_dir):
    interpreter = lowbit.Interpreter(models_dir / "demo_int8.lbm")
    (inp,) = interpreter.get_input_details()
    out = interpreter.get_output_details()[0]
    assert inp["dtype"] == np.int8 and len(inp["shape"]) == 4
    scales, zero_points, _axis = out["quantization"]
    assert len(scales) == 1 and len(zero_points) == 1
    assert interpreter.arena_bytes > 0
    assert len(interpreter.kernels) > 0 and all(interpreter.kernels)
    probs = interpreter.run([np.zeros(inp["shape"], np.int8)])[0]
    assert probs.shape == tuple(out["shape"])


def test_errors_are_exceptions_with_the_runtime_message(models_dir, tmp_path):
    with pytest.raises(lowbit.Error, match="no_such.lbm"):
        lowbit.Interpreter(tmp_path / "no_such.lbm")
    with pytest.raises(lowbit.Error, match="invalid model"):
        lowbit.Interpreter(b"\0" * 128)
    with pytest.raises(ValueError, match="profile"):
        lowbit.Interpreter(models_dir / "demo_int8.lbm", profile="nearest")
    interpreter = lowbit.Interpreter(models_dir / "demo_int8.lbm")
    shape = interpreter.get_input_details()[0]["shape"]
    with pytest.raises(ValueError, match="dtype"):
        interpreter.set_input(0, np.zeros(shape, np.float32))
    with pytest.raises(ValueError, match="bytes"):
        interpreter.set_input(0, np.zeros(3, np.int8))
    with pytest.raises(IndexError):
        interpreter.get_output(5)
    with pytest.raises(KeyError):
        interpreter.set_input("no such input", np.zeros(shape, np.int8))


def test_float_kernels_choose_who_runs_float_operators(models_dir, monkeypatch):
    """float_kernels="own" runs lowbit's own float kernels, "xnnpack" XNNPACK's (where the
    build links it); both agree within float rounding, and the property names the choice."""
    path = models_dir / "block_float.lbm"
    monkeypatch.delenv("LOWBIT_FLOAT_KERNELS", raising=False)
    default = lowbit.Interpreter(path)
    assert default.float_kernels in ("own", "xnnpack")
    own = lowbit.Interpreter(path, float_kernels="own")
    assert own.float_kernels == "own"
    assert not any("xnnpack" in k for k in own.kernels)
    inputs = random_inputs(own, seed=19)
    expected = own.run(inputs)[0]
    if default.float_kernels == "xnnpack":
        xnnpack = lowbit.Interpreter(path, float_kernels="xnnpack")
        assert xnnpack.float_kernels == "xnnpack"
        assert any(k.endswith("__xnnpack") for k in xnnpack.kernels)
        got = xnnpack.run(inputs)[0]
        scale = np.max(np.abs(expected))
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5 * scale)
    else:
        with pytest.raises(lowbit.Error, match="no XNNPACK"):
            lowbit.Interpreter(path, float_kernels="xnnpack")
    # "" leaves the choice to $LOWBIT_FLOAT_KERNELS.
    monkeypatch.setenv("LOWBIT_FLOAT_KERNELS", "own")
    from_env = lowbit.Interpreter(path)
    assert from_env.float_kernels == "own"
    np.testing.assert_array_equal(from_env.run(inputs)[0], expected)
    with pytest.raises(ValueError, match="float_kernels: 'fast'"):
        lowbit.Interpreter(path, float_kernels="fast")


def test_float_precision_fp16_runs_in_half_precision_or_is_refused(models_dir):
    """float_precision="fp16": the convolutions in FP16 through XNNPACK, close to float32,
    where the CPU has half-precision arithmetic; elsewhere a named refusal."""
    path = models_dir / "block_float.lbm"
    fp32 = lowbit.Interpreter(path, float_kernels="own")
    assert fp32.float_precision == "fp32"
    inputs = random_inputs(fp32, seed=18)
    expected = fp32.run(inputs)[0]
    try:
        fp16 = lowbit.Interpreter(path, float_precision="fp16")
    except lowbit.Error as error:
        assert "float precision fp16" in str(error)
    else:
        assert fp16.float_precision == "fp16"
        assert any(k.startswith("f16_") for k in fp16.kernels)
        got = fp16.run(inputs)[0]
        scale = np.max(np.abs(expected))
        assert 0 < np.max(np.abs(got - expected)) <= 1e-2 * scale
    with pytest.raises(lowbit.Error, match="float precision fp16"):
        lowbit.Interpreter(path, float_kernels="own", float_precision="fp16")
    with pytest.raises(ValueError, match="float_precision: 'fp8'"):
        lowbit.Interpreter(path, float_precision="fp8")


def test_evaluate_counts_top1_hits_and_agreement(models_dir):
    """lowbit.evaluate: labels made from the model's own predictions, three of them changed,
    give (n - 3) / n; a model compared with itself agrees everywhere; float samples for the
    int8 model are quantized with its input's scale and zero point."""
    path = models_dir / "demo_int8.lbm"
    interpreter = lowbit.Interpreter(path)
    detail = interpreter.get_input_details()[0]
    scales, zero_points, _ = detail["quantization"]
    rng = np.random.default_rng(7)
    samples = rng.uniform(-1, 1, (8,) + tuple(detail["shape"])).astype(np.float32)
    predicted = []
    for sample in samples:
        q = np.clip(np.round(sample / scales[0]) + zero_points[0], -128, 127).astype(np.int8)
        predicted.append(int(np.argmax(interpreter.run([q])[0])))
    classes = int(np.prod(interpreter.get_output_details()[0]["shape"]))
    labels = np.array(predicted)
    labels[:3] = (labels[:3] + 1) % classes
    result = lowbit.evaluate(interpreter, samples, labels, compare=path)
    assert result == {"samples": 8, "accuracy": 5 / 8, "compare_accuracy": 5 / 8,
                      "agreement": 1.0}
    with pytest.raises(ValueError, match="8 samples but 7 labels"):
        lowbit.evaluate(interpreter, samples, labels[:7])


def test_convert_matches_the_file_converter(tmp_path):
    tflite = SHARED / "tflite_micro" / "hello_world_int8.tflite"
    if not tflite.exists():
        pytest.fail(f"{tflite} absent: the shared models are looked for in {SHARED} (set LOWBIT_SHARED_MODELS)")
    lbm = lowbit.convert(tflite, tmp_path / "hello.lbm")
    assert (tmp_path / "hello.lbm").read_bytes() == lbm
    assert lowbit.convert(tflite.read_bytes()) == lbm
    interpreter = lowbit.Interpreter(lbm)
    x = np.arange(-128, 127, 16, dtype=np.int8).reshape(-1, 1)
    outputs = [interpreter.run([row.reshape(interpreter.get_input_details()[0]["shape"])])[0]
               for row in x]
    assert len({o.tobytes() for o in outputs}) > 1  # a sine, not a constant
    with pytest.raises(lowbit.Error):
        lowbit.convert(b"not a tflite model")


def test_tflite_loads_directly_and_equals_its_converted_lbm(tmp_path):
    tflite = SHARED / "tflite_micro" / "person_detect.tflite"
    if not tflite.exists():
        pytest.fail(f"{tflite} absent: the shared models are looked for in {SHARED} (set LOWBIT_SHARED_MODELS)")
    converted = lowbit.Interpreter(lowbit.convert(tflite))
    inputs = random_inputs(converted, seed=7)
    expected = converted.run(inputs)
    for model in (tflite, str(tflite), tflite.read_bytes()):
        got = lowbit.Interpreter(model, num_threads=2).run(inputs)
        for e, g in zip(expected, got):
            np.testing.assert_array_equal(e, g)
    corrupt = tmp_path / "corrupt.tflite"
    corrupt.write_bytes(tflite.read_bytes()[:1000])
    with pytest.raises(lowbit.Error, match="corrupt.tflite: not a valid TFLite model"):
        lowbit.Interpreter(corrupt)


@pytest.mark.parametrize("name", ["tflite_micro/hello_world_int8", "mlperf_tiny/kws_ref_model",
                                  "mlperf_tiny/vww_96_int8"])
def test_bit_exact_with_the_tflite_reference_kernels(name):
    """Runs only where LiteRT is installed (the oracle venv, see install-deps.sh --oracle)."""
    from ai_edge_litert import interpreter as litert  # the oracle (the [test] extra installs it)
    tflite = SHARED / f"{name}.tflite"
    if not tflite.exists():
        pytest.fail(f"{tflite} absent: the shared models are looked for in {SHARED} (set LOWBIT_SHARED_MODELS)")
    oracle = litert.Interpreter(str(tflite),
                                experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    oracle.allocate_tensors()
    interpreter = lowbit.Interpreter(lowbit.convert(tflite))
    for seed in range(3):
        inputs = random_inputs(interpreter, seed)
        for d, x in zip(oracle.get_input_details(), inputs):
            oracle.set_tensor(d["index"], x)
        oracle.invoke()
        expected = [oracle.get_tensor(d["index"]) for d in oracle.get_output_details()]
        for e, g in zip(expected, interpreter.run(inputs)):
            np.testing.assert_array_equal(e.reshape(g.shape), g)


def test_recurrent_state_carries_over_and_reset_state_clears_it():
    """The int8 LSTM keeps its state between invokes, as LiteRT does; reset_state() starts over."""
    tflite = SHARED / "zoo" / "coral" / "keras_lstm_mnist_ptq.tflite"
    if not tflite.exists():
        pytest.fail(f"{tflite} absent: the shared models are looked for in {SHARED} (set LOWBIT_SHARED_MODELS)")
    interpreter = lowbit.Interpreter(tflite)
    inputs = random_inputs(interpreter, seed=3)
    first = interpreter.run(inputs)
    streamed = [interpreter.run(inputs) for _ in range(3)]
    interpreter.reset_state()
    np.testing.assert_array_equal(interpreter.run(inputs)[0], first[0])
    from ai_edge_litert import interpreter as litert  # the oracle (the [test] extra installs it)
    oracle = litert.Interpreter(model_path=str(tflite),
                                experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    oracle.allocate_tensors()
    for expected in [first] + streamed:
        oracle.set_tensor(oracle.get_input_details()[0]["index"], inputs[0])
        oracle.invoke()
        np.testing.assert_array_equal(
            oracle.get_tensor(oracle.get_output_details()[0]["index"]), expected[0])
