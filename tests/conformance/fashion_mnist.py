"""Trains a small binary network with Larq on Fashion-MNIST (Debian's dataset-fashion-mnist),
converts it with LCE's converter, and measures test-set accuracy (all 10,000 images) under LCE's
interpreter and under lowbit. The trained .tflite is cached in the work folder.

  .venv/bin/python tests/conformance/fashion_mnist.py [--build-dir DIR] [--retrain] [--epochs N]
"""
import argparse
import gzip
import json
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

DATASET = "/usr/share/datasets/fashion-mnist"
EVAL_BATCH = 500  # the converted model has a fixed batch, so lowbit-run sees 20 batches


def load_idx(name):
    with gzip.open(os.path.join(DATASET, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load():
    if not os.path.isdir(DATASET):
        raise SystemExit(f"{DATASET} is missing: apt-get install dataset-fashion-mnist")
    images = lambda n: (load_idx(n).astype(np.float32) / 127.5 - 1.0)[..., None]  # noqa: E731
    return (images("train-images-idx3-ubyte.gz"), load_idx("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), load_idx("t10k-labels-idx1-ubyte.gz"))


def train_and_convert(path, epochs, seed):
    import larq_compute_engine as lce
    import tensorflow as tf
    from binary_models import fashion_mnist_net
    tf.keras.utils.set_random_seed(seed)
    train_x, train_y, test_x, test_y = load()
    model = fashion_mnist_net()
    model.compile(tf.keras.optimizers.Adam(1e-3),
                  tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(train_x, train_y, batch_size=64, epochs=epochs, verbose=2)
    _, keras_accuracy = model.evaluate(test_x, test_y, batch_size=EVAL_BATCH, verbose=0)
    print(f"Keras test accuracy after training: {keras_accuracy:.4f}", flush=True)
    with open(path + ".json", "w") as f:
        json.dump({"keras_accuracy": float(keras_accuracy), "epochs": epochs, "seed": seed}, f)
    fixed = fashion_mnist_net(batch_size=EVAL_BATCH)
    fixed.set_weights(model.get_weights())
    with open(path, "wb") as f:
        f.write(lce.convert_keras_model(fixed))


def evaluate(path, build_dir, work_dir):
    _, _, test_x, test_y = load()
    lbm = os.path.join(work_dir, "fashion_mnist_binary.lbm")
    error = harness.convert(path, lbm, build_dir)
    if error:
        raise SystemExit(error)
    oracle = harness.LCEOracle(path)
    lce_pred, lowbit_pred, max_diff = [], [], 0.0
    for start in range(0, len(test_x), EVAL_BATCH):
        batch = np.ascontiguousarray(test_x[start:start + EVAL_BATCH])
        expected = oracle.run([batch])[0]
        got = harness.run_lowbit(lbm, [batch], oracle.output_specs(), "tflite_optimized", build_dir)[0]
        scale = max(float(np.abs(expected).max()), 1e-30)
        max_diff = max(max_diff, float(np.abs(expected - got).max()) / scale)
        lce_pred.append(expected.argmax(-1))
        lowbit_pred.append(got.argmax(-1))
    lce_pred, lowbit_pred = np.concatenate(lce_pred), np.concatenate(lowbit_pred)
    training = {}
    if os.path.exists(path + ".json"):
        with open(path + ".json") as f:
            training = json.load(f)
    return {"images": len(test_y), "lce_accuracy": float((lce_pred == test_y).mean()),
            "keras_accuracy": training.get("keras_accuracy"), "epochs": training.get("epochs"),
            "lowbit_accuracy": float((lowbit_pred == test_y).mean()),
            "disagreements": int((lce_pred != lowbit_pred).sum()), "max_relative_diff": max_diff}


EPOCHS = 6


def run(build_dir, work_dir, retrain=False, epochs=EPOCHS, seed=1):
    os.makedirs(work_dir, exist_ok=True)
    path = os.path.join(work_dir, "fashion_mnist_binary.tflite")
    if retrain or not os.path.exists(path):
        train_and_convert(path, epochs, seed)
    return evaluate(path, build_dir, work_dir)


def describe(result):
    return (f"Fashion-MNIST binary network, {result['images']} test images: accuracy LCE "
            f"{result['lce_accuracy']:.4f}, lowbit {result['lowbit_accuracy']:.4f}; "
            f"{result['disagreements']} predictions differ; largest logit difference "
            f"{result['max_relative_diff']:.3g} of the batch's largest logit"
            + (f"; Keras {result['keras_accuracy']:.4f} after {result['epochs']} epochs"
               if result.get("keras_accuracy") is not None else ""))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    print(describe(run(args.build_dir, os.path.join(args.build_dir, "conformance"), args.retrain, args.epochs)))
