"""Writes small TFLite flatbuffers field by field (no TensorFlow): tensors with per-tensor or
per-channel quantization, constant buffers, and the few builtin operators op_cases.py needs.
Table and field ids follow TFLite's schema.fbs (listed in ../shared/NUMERICS.md section 6)."""
import flatbuffers
import numpy as np

TENSOR_TYPES = {np.dtype(np.float32): 0, np.dtype(np.int32): 2, np.dtype(np.uint8): 3,
                np.dtype(np.int64): 4, np.dtype(np.bool_): 6, np.dtype(np.int8): 9,
                np.dtype(np.int16): 7}
SAME, VALID = 0, 1
INT4 = 17  # TensorType INT4: signed 4-bit values, two a byte, element 2i in byte i's low nibble


def pack_int4(values):
    """Values in [-8, 7] packed as TFLite stores INT4 (an odd count leaves a zero high nibble)."""
    nibbles = (np.asarray(values).reshape(-1).astype(np.int16) & 0xF).astype(np.uint8)
    if nibbles.size % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    return (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8)

_POOL = [("padding", "Int8"), ("stride_w", "Int32"), ("stride_h", "Int32"),
         ("filter_width", "Int32"), ("filter_height", "Int32"), ("activation", "Int8")]
# name: (BuiltinOperator, BuiltinOptions type, the options table's fields in slot order)
_ADD_SUB = [("activation", "Int8"), ("pot_scale_int16", "Bool")]
OPERATORS = {
    "ADD": (0, 11, _ADD_SUB),
    "AVERAGE_POOL_2D": (1, 5, _POOL),
    "CONV_2D": (3, 1, [("padding", "Int8"), ("stride_w", "Int32"), ("stride_h", "Int32"),
                       ("activation", "Int8"), ("dilation_w", "Int32"), ("dilation_h", "Int32")]),
    "DEPTHWISE_CONV_2D": (4, 2, [("padding", "Int8"), ("stride_w", "Int32"), ("stride_h", "Int32"),
                                 ("depth_multiplier", "Int32"), ("activation", "Int8"),
                                 ("dilation_w", "Int32"), ("dilation_h", "Int32")]),
    "FULLY_CONNECTED": (9, 8, [("activation", "Int8"), ("weights_format", "Int8"),
                               ("keep_num_dims", "Bool")]),
    "MAX_POOL_2D": (17, 5, _POOL),
    "MEAN": (40, 27, [("keep_dims", "Bool")]),
    # Data movement (datamove_cases.py: TensorFlow's converter turns these into RESHAPE).
    "SQUEEZE": (43, 30, []),
    "EXPAND_DIMS": (70, 52, []),
    "MUL": (18, 21, [("activation", "Int8")]),
    "SUB": (41, 28, _ADD_SUB),
    "ARG_MAX": (56, 40, [("output_type", "Int8")]),  # TensorType INT32 = 2, INT64 = 4
    "ARG_MIN": (79, 57, [("output_type", "Int8")]),
    "QUANTIZE": (114, 0, []),  # int16_cases.py: the integer requantizations
    "SOFTMAX": (25, 9, [("beta", "Float32")]),  # int16_cases.py: int8 -> int16
}


def _table(b, fields):
    """fields: (slot, Prepend*Slot kind, value); None values stay absent (schema default)."""
    fields = [f for f in fields if f[2] is not None]
    b.StartObject(1 + max((slot for slot, _, _ in fields), default=-1))
    for slot, kind, value in fields:
        getattr(b, f"Prepend{kind}Slot")(slot, value, 0)
    return b.EndObject()


def _offsets(b, items):
    b.StartVector(4, len(items), 4)
    for item in reversed(items):
        b.PrependUOffsetTRelative(item)
    return b.EndVector()


def _numbers(b, values, dtype):
    return b.CreateNumpyVector(np.asarray(values, dtype=dtype))


class TFLiteModel:
    def __init__(self):
        self.buffers = [b""]  # buffer 0: the empty buffer of non-constant tensors
        self.tensors = []
        self.operators = []
        self.codes = []

    def tensor(self, name, shape, dtype, scales=None, zero_points=None, axis=0, data=None):
        """Adds a tensor (constant when data is given); returns its index."""
        buffer = 0
        if data is not None:
            self.buffers.append(np.ascontiguousarray(data, dtype=dtype).tobytes())
            buffer = len(self.buffers) - 1
        self.tensors.append((name, list(shape), TENSOR_TYPES[np.dtype(dtype)], buffer,
                             scales, zero_points, axis))
        return len(self.tensors) - 1

    def int4_constant(self, name, values, scales, zero_points=None, axis=0):
        """A constant INT4 tensor holding `values` (in [-8, 7]); returns its index."""
        values = np.asarray(values)
        if values.min(initial=0) < -8 or values.max(initial=0) > 7:
            raise ValueError(f"{name}: INT4 values must be in [-8, 7]")
        self.buffers.append(pack_int4(values).tobytes())
        zero_points = [0] * len(scales) if zero_points is None else zero_points
        self.tensors.append((name, list(values.shape), INT4, len(self.buffers) - 1, scales,
                             zero_points, axis))
        return len(self.tensors) - 1

    def operator(self, name, version, inputs, outputs, **options):
        code, options_type, fields = OPERATORS[name]
        if (code, version) not in self.codes:
            self.codes.append((code, version))
        values = [(slot, kind, options.pop(field, None)) for slot, (field, kind) in enumerate(fields)]
        if options:
            raise ValueError(f"{name} has no options {sorted(options)}")
        self.operators.append((self.codes.index((code, version)), inputs, outputs, options_type,
                               values))

    def custom_operator(self, custom_code, inputs, outputs, custom_options):
        """A CUSTOM operator (code 32) with FlexBuffer options bytes."""
        if (32, custom_code) not in self.codes:
            self.codes.append((32, custom_code))
        self.operators.append((self.codes.index((32, custom_code)), inputs, outputs, 0,
                               bytes(custom_options)))

    def _tensor(self, b, name, shape, type_id, buffer, scales, zero_points, axis):
        quantization = None
        if scales is not None:
            scale = _numbers(b, scales, np.float32)
            zero_point = _numbers(b, zero_points, np.int64)
            quantization = _table(b, [(2, "UOffsetTRelative", scale),
                                      (3, "UOffsetTRelative", zero_point), (6, "Int32", axis)])
        shape_vector, name_string = _numbers(b, shape, np.int32), b.CreateString(name)
        return _table(b, [(0, "UOffsetTRelative", shape_vector), (1, "Int8", type_id),
                          (2, "Uint32", buffer), (3, "UOffsetTRelative", name_string),
                          (4, "UOffsetTRelative", quantization)])

    def _operator(self, b, opcode, inputs, outputs, options_type, values):
        ins, outs = _numbers(b, inputs, np.int32), _numbers(b, outputs, np.int32)
        if isinstance(values, bytes):  # custom options (Operator field 5)
            blob = b.CreateNumpyVector(np.frombuffer(values, np.uint8))
            return _table(b, [(0, "Uint32", opcode), (1, "UOffsetTRelative", ins),
                              (2, "UOffsetTRelative", outs), (5, "UOffsetTRelative", blob)])
        options = _table(b, values)
        return _table(b, [(0, "Uint32", opcode), (1, "UOffsetTRelative", ins),
                          (2, "UOffsetTRelative", outs), (3, "Uint8", options_type),
                          (4, "UOffsetTRelative", options)])

    @staticmethod
    def _code(b, code, version):
        # OperatorCode: deprecated_builtin_code (int8, capped at 127), custom_code, version,
        # builtin_code; a custom operator's "version" is its custom_code.
        if isinstance(version, str):
            name = b.CreateString(version)
            return _table(b, [(0, "Int8", code), (1, "UOffsetTRelative", name), (2, "Int32", 1),
                              (3, "Int32", code)])
        return _table(b, [(0, "Int8", min(code, 127)), (2, "Int32", version), (3, "Int32", code)])

    def serialize(self, inputs, outputs):
        b = flatbuffers.Builder(1024)
        b.ForceDefaults(True)
        buffers = []
        for data in self.buffers:
            vector = b.CreateNumpyVector(np.frombuffer(data, np.uint8)) if data else None
            buffers.append(_table(b, [(0, "UOffsetTRelative", vector)]))
        tensors = _offsets(b, [self._tensor(b, *t) for t in self.tensors])
        operators = _offsets(b, [self._operator(b, *o) for o in self.operators])
        ins, outs, name = _numbers(b, inputs, np.int32), _numbers(b, outputs, np.int32), b.CreateString("main")
        subgraph = _table(b, [(0, "UOffsetTRelative", tensors), (1, "UOffsetTRelative", ins),
                              (2, "UOffsetTRelative", outs), (3, "UOffsetTRelative", operators),
                              (4, "UOffsetTRelative", name)])
        codes = _offsets(b, [self._code(b, code, version) for code, version in self.codes])
        subgraphs, buffer_vector = _offsets(b, [subgraph]), _offsets(b, buffers)
        description = b.CreateString("lowbit op_cases")
        model = _table(b, [(0, "Uint32", 3), (1, "UOffsetTRelative", codes),
                           (2, "UOffsetTRelative", subgraphs), (3, "UOffsetTRelative", description),
                           (4, "UOffsetTRelative", buffer_vector)])
        b.Finish(model, file_identifier=b"TFL3")
        return bytes(b.Output())
