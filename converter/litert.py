""".tflite files for LiteRT.js, one per static input side, and what they cost.

LiteRT.js refuses dynamic shapes (a .tflite with [1, -1, -1, 4] is rejected at run
time), so there is one file per tile: its input is [1, S, S, 4] with S = tile + 2 x the
model's context. The engine pads a smaller (edge) tile to S by mirroring and crops the
result (webapp/src/engine/litert.ts).

Shared by the converter (`--litert-tiles`, dynamic-range int8 only) and
bench/runtimes.py (float32, float16 and int8 weights side by side).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# suffix -> how the weights are stored; "dr8" is what the engine ships
WEIGHTS = ("f32", "fp16", "dr8")
ENGINE_WEIGHTS = "dr8"


def export_saved_model(model: Any, folder: Path) -> Path:  # noqa: ANN401 (a keras.Model)
    """The Keras model as a SavedModel in folder/saved_model (kept if already there)."""
    saved = Path(folder) / "saved_model"
    if not (saved / "saved_model.pb").is_file():
        model.export(saved, format="tf_saved_model", verbose=False)
    return saved


def load_saved_model(saved: Path) -> Any:  # noqa: ANN401
    import tensorflow as tf

    return tf.saved_model.load(str(saved))


def serving(loaded: Any, shape: list) -> Any:  # noqa: ANN401
    """The SavedModel's serve function with a fixed input signature."""
    import tensorflow as tf

    spec = tf.TensorSpec(shape, tf.float32, name="input")
    return tf.function(lambda x: loaded.serve(x), input_signature=[spec])


def tflite_bytes(loaded: Any, side: int, weights: str) -> bytes:  # noqa: ANN401
    """A .tflite of the loaded SavedModel for input [1, side, side, 4]: float32 weights
    ("f32"), float16 weights ("fp16") or dynamic-range int8 weights ("dr8": XNNPack then
    multiplies int8 x int8, quantizing each layer's input on the fly)."""
    import tensorflow as tf

    if weights not in WEIGHTS:
        raise ValueError(f"unknown weights {weights!r} (one of {WEIGHTS})")
    concrete = serving(loaded, [1, side, side, 4]).get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], loaded)
    if weights != "f32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if weights == "fp16":
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def file_name(side: int, weights: str = ENGINE_WEIGHTS) -> str:
    return f"model-{weights}-{side}.tflite"


def input_side(tile: int, context: int, multiple: int) -> int:
    """The static input side for an output tile: tile (on the grid) + context each side."""
    step = max(multiple, tile // multiple * multiple)
    return step + 2 * context


class TfliteTile:
    """A .tflite run like a Keras model on any [1, h, w, 4] with h, w <= side: the
    input is mirrored out to [1, side, side, 4] at the bottom and right (as the engine
    does), the output cropped back. Callable as denoise_rgb calls a model."""

    def __init__(self, content: bytes, side: int) -> None:
        import tensorflow as tf

        self.side = side
        self.interpreter = tf.lite.Interpreter(model_content=content, num_threads=2)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]["index"]
        self.output = self.interpreter.get_output_details()[0]["index"]

    def __call__(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = np.asarray(x, np.float32)
        _, h, w, _ = x.shape
        if h > self.side or w > self.side:
            raise ValueError(f"a {h}x{w} tile does not fit a {self.side}-px .tflite")
        # numpy's 'reflect' is the engine's mirror() (edge not repeated, any pad width)
        pad = ((0, 0), (0, self.side - h), (0, self.side - w), (0, 0))
        padded = np.pad(x, pad, mode="reflect")
        self.interpreter.set_tensor(self.input, np.ascontiguousarray(padded))
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output)[:, :h, :w]
