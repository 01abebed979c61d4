"""The float Fashion-MNIST networks of the quantization accuracy evaluation
(quantization_accuracy.py): a small CNN and a depthwise-separable net, trained with Keras on
Debian's dataset-fashion-mnist (fashion_mnist.load), exported as float .tflite, and quantized by
TensorFlow's converter (post-training, full-integer int8) as the reference to match.

Trained weights, the float .tflite and TensorFlow's int8 .tflite are cached in the work folder;
a cache entry is named after the architecture's version, so changing a network retrains it.
"""
import json
import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_mnist  # noqa: E402  (the dataset loader)

# name -> (architecture version, epochs). Bump the version when a network changes.
NETWORKS = {"cnn": (1, 4), "dsconv": (1, 6)}
# Epochs of the CI runs (quantization_accuracy.py --ci), which train from scratch on a clean
# clone: the bars compare quantized models with float and with TensorFlow's int8 model of the
# same network, so a shorter-trained network tests them as well (docs/quantization.md).
CI_EPOCHS = {"cnn": 1, "dsconv": 2}
TRAIN_BATCH = 128


def build(name, batch_size=None):
    import tensorflow as tf
    layers = tf.keras.layers
    inputs = tf.keras.Input((28, 28, 1), batch_size=batch_size, name="image")
    if name == "cnn":
        x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
        x = layers.MaxPool2D()(x)
        x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
        x = layers.MaxPool2D()(x)
        x = layers.Flatten()(x)
        x = layers.Dense(128, activation="relu")(x)
    elif name == "dsconv":
        # MobileNet-style: batch norms the converter folds, ReLU6 it fuses.
        def unit(x, filters, kernel, strides, depthwise):
            if depthwise:
                x = layers.DepthwiseConv2D(kernel, strides, padding="same", use_bias=False)(x)
            else:
                x = layers.Conv2D(filters, kernel, strides, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            return layers.ReLU(6.0)(x)
        x = unit(inputs, 16, 3, 2, False)  # 14x14
        x = unit(x, None, 3, 1, True)
        x = unit(x, 32, 1, 1, False)
        x = unit(x, None, 3, 2, True)  # 7x7
        x = unit(x, 64, 1, 1, False)
        x = unit(x, None, 3, 1, True)
        x = unit(x, 64, 1, 1, False)
        x = layers.GlobalAveragePooling2D()(x)
    else:
        raise ValueError(f"unknown network {name!r} (known: {', '.join(NETWORKS)})")
    outputs = layers.Dense(10, name="logits")(x)
    return tf.keras.Model(inputs, outputs, name=name)


def paths(work_dir, name):
    version, _ = NETWORKS[name]
    stem = os.path.join(work_dir, f"{name}_v{version}")
    return {"weights": stem + ".weights.h5", "meta": stem + ".json", "float": stem + "_float.tflite"}


def train(name, work_dir, data, seed=1, retrain=False, epochs=None):
    """Trains (or finds cached) weights for `epochs` (default NETWORKS'); returns the training
    record (Keras test accuracy...)."""
    import tensorflow as tf
    files = paths(work_dir, name)
    epochs = epochs or NETWORKS[name][1]
    if not retrain and os.path.exists(files["weights"]) and os.path.exists(files["meta"]):
        with open(files["meta"]) as f:
            record = json.load(f)
        if record.get("epochs") == epochs:
            return record
    train_x, train_y, test_x, test_y = data
    tf.keras.utils.set_random_seed(seed)
    model = build(name)
    model.compile(tf.keras.optimizers.Adam(1e-3),
                  tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(train_x, train_y, batch_size=TRAIN_BATCH, epochs=epochs, verbose=2)
    _, accuracy = model.evaluate(test_x, test_y, batch_size=500, verbose=0)
    os.makedirs(work_dir, exist_ok=True)
    model.save_weights(files["weights"])
    record = {"network": name, "version": NETWORKS[name][0], "epochs": epochs, "seed": seed,
              "keras_accuracy": float(accuracy)}
    with open(files["meta"], "w") as f:
        json.dump(record, f)
    if os.path.exists(files["float"]):  # exported from the previous weights
        os.remove(files["float"])
    return record


def batch_one(name, work_dir):
    """The trained network with a fixed batch of 1, as the .tflite files have it."""
    model = build(name, batch_size=1)
    model.load_weights(paths(work_dir, name)["weights"])
    return model


def export_float(name, work_dir):
    import tensorflow as tf
    path = paths(work_dir, name)["float"]
    if not os.path.exists(path):
        converter = tf.lite.TFLiteConverter.from_keras_model(batch_one(name, work_dir))
        with open(path, "wb") as f:
            f.write(converter.convert())
    return path


def export_tf_int8(name, work_dir, calibration, tag):
    """TensorFlow's post-training full-integer quantization (int8 inputs and outputs) with the
    calibration images as representative dataset; `tag` names the calibration set in the cache."""
    import tensorflow as tf
    path = paths(work_dir, name)["float"].replace("_float.tflite", f"_tf_int8_{tag}.tflite")
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(paths(work_dir, name)["weights"]):
        return path
    converter = tf.lite.TFLiteConverter.from_keras_model(batch_one(name, work_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([image[None]] for image in calibration)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with open(path, "wb") as f:
        f.write(converter.convert())
    return path


def litert_predictions(tflite_path, images):
    """Top-1 classes under LiteRT's default resolver, one image per invoke (the models have a
    fixed batch of 1); int8 inputs are quantized with the model's input parameters."""
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_path=tflite_path, num_threads=1)
    interpreter.allocate_tensors()
    source, = interpreter.get_input_details()
    result, = interpreter.get_output_details()
    inputs = quantize_images(images, source["dtype"], source["quantization"])
    predictions = np.empty(len(images), dtype=np.int64)
    for index in range(len(images)):
        interpreter.set_tensor(source["index"], inputs[index:index + 1])
        interpreter.invoke()
        predictions[index] = int(np.argmax(interpreter.get_tensor(result["index"])[0]))
    return predictions


def quantize_images(images, dtype, quantization):
    if dtype == np.float32:
        return np.ascontiguousarray(images, dtype=np.float32)
    scale, zero_point = quantization
    info = np.iinfo(dtype)
    q = np.round(images / scale) + zero_point
    return np.ascontiguousarray(np.clip(q, info.min, info.max).astype(dtype))


def input_quantization(tflite_path):
    from ai_edge_litert.interpreter import Interpreter
    detail, = Interpreter(model_path=tflite_path).get_input_details()
    return detail["dtype"], detail["quantization"]
