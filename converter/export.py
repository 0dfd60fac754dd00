"""Keras -> SavedModel -> TF.js graph model, written atomically.

The SavedModel route is the one that loads in TF.js with Keras 3 (the layers-model
route produces files TF.js cannot read, tfjs issue 8328).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

QUANTIZATIONS = ("float32", "float16", "uint8")
WEB_CARD_NAME = "denoiser.json"
INDEX_NAME = "index.json"


def quantization_map(quantize: str) -> dict[str, str] | None:
    return None if quantize == "float32" else {quantize: "*"}


class PixelShuffleUpsampling(keras.layers.Layer):
    """A 2x2, stride-2 Conv2DTranspose computed as a 1x1 convolution to 4x the channels
    followed by a pixel shuffle (reshape, 4-D transpose, reshape): the same numbers, a
    different graph.

    Why: TF.js's WASM backend runs Conv2DBackpropInput (what a transposed convolution
    becomes) with a plain loop, while convolutions go through XNNPACK; its DepthToSpace
    is a plain loop too. Measured in Node on WASM, one thread, 312x312x48 -> 624x624x24:
    conv2dTranspose 559 ms; 1x1 conv 66 ms + depthToSpace 424 ms; 1x1 conv 66 ms +
    reshape/transpose/reshape 32-39 ms. In the `fast` model the three upsamplings took a
    third of the time for 4 % of the multiply-adds.
    """

    def __init__(self, source: keras.layers.Conv2DTranspose, **kwargs: object) -> None:
        super().__init__(name=source.name, dtype=source.dtype_policy, **kwargs)
        kernel, bias = (np.asarray(w) for w in source.get_weights())  # kernel [i, j, out, in]
        height, width, self.channels, in_channels = kernel.shape
        # 1x1 weight [in, (i * 2 + j) * out + o] = kernel[i, j, o, in], the shuffle's order
        self.kernel_1x1 = np.transpose(kernel, (3, 0, 1, 2)).reshape(1, 1, in_channels, -1)
        self.bias_1x1 = np.tile(bias, height * width)
        self.activation = source.activation
        self.conv = keras.layers.Conv2D(4 * self.channels, 1, name=f"{source.name}_1x1")

    def build(self, input_shape: tuple) -> None:
        self.conv.build(input_shape)
        self.conv.set_weights([self.kernel_1x1, self.bias_1x1])

    def call(self, inputs: keras.KerasTensor) -> keras.KerasTensor:
        import tensorflow as tf  # the export runs on the TensorFlow backend

        y = self.conv(inputs)  # [n, h, w, (i, j, c)]
        n, h, w = tf.shape(y)[0], tf.shape(y)[1], tf.shape(y)[2]
        y = tf.reshape(y, tf.stack([n * h, w, 2, 2 * self.channels]))  # [(n, h), w, i, (j, c)]
        y = tf.transpose(y, [0, 2, 1, 3])  # [(n, h), i, w, (j, c)]
        y = tf.reshape(y, tf.stack([n, 2 * h, 2 * w, self.channels]))  # [n, (h, i), (w, j), c]
        return self.activation(y)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, _ = input_shape
        return (n, h and 2 * h, w and 2 * w, self.channels)


def is_pixel_upsampling(layer: keras.layers.Layer) -> bool:
    """A transposed convolution that PixelShuffleUpsampling reproduces exactly."""
    return (
        isinstance(layer, keras.layers.Conv2DTranspose)
        and tuple(layer.kernel_size) == (2, 2)
        and tuple(layer.strides) == (2, 2)
        and layer.padding == "valid"
        and layer.use_bias
        and tuple(layer.dilation_rate) == (1, 1)
    )


def web_graph(model: keras.Model) -> keras.Model:
    """The model as it is exported for the web: the same layers (shared, not copied),
    except 2x2 stride-2 transposed convolutions, which become PixelShuffleUpsampling."""

    def replace(layer: keras.layers.Layer) -> keras.layers.Layer:
        return PixelShuffleUpsampling(layer) if is_pixel_upsampling(layer) else layer

    if not any(is_pixel_upsampling(layer) for layer in model.layers):
        return model
    return keras.models.clone_model(model, clone_function=replace)


def export_graph_model(model: keras.Model, out_dir: Path, quantize: str) -> None:
    """Write model.json + weight shards for `model` into the empty folder `out_dir`."""
    from tensorflowjs.converters.tf_saved_model_conversion_v2 import (
        convert_tf_saved_model,
    )

    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "saved_model"
        web_graph(model).export(saved, format="tf_saved_model", verbose=False)
        convert_tf_saved_model(
            str(saved), str(out_dir), quantization_dtype_map=quantization_map(quantize)
        )
    canonicalise_model_json(out_dir / "model.json")


def canonicalise_model_json(path: Path) -> None:
    """Sort keys: the converter writes protobuf maps (node attributes) in an order that
    changes from run to run, and the same model must give the same bytes."""
    model_json = json.loads(path.read_text())
    path.write_text(json.dumps(model_json, sort_keys=True, separators=(",", ":")))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def write_web_card(
    folder: Path,
    model_card: dict[str, Any],
    quantize: str,
    name: str,
    card_name: str = WEB_CARD_NAME,
) -> None:
    """denoiser.json (or `card_name`): the training card plus what the web model adds."""
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    digest = hashlib.sha256()
    for file_name in files:
        digest.update((folder / file_name).read_bytes())
    web_card = {
        **model_card,
        "name": name,
        "quantization": quantize,
        "bytes": folder_bytes(folder),
        "files": files,
        "sha256": digest.hexdigest(),
    }
    (folder / card_name).write_text(json.dumps(web_card, indent=2) + "\n")


def replace_folder(new: Path, target: Path) -> None:
    """Put `new` at `target`, replacing what was there, with no half-written state."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old)


def update_index(models_root: Path) -> Path:
    """Rebuild index.json from every web model's denoiser.json under `models_root`.

    `default` names the model the page starts with: the one whose card says
    `"page_default": true` (else `default`); it is listed first, the other models for
    camera noise next. Where that default is a camera-noise model, `white_noise` names
    the white-noise model with the best CBSD68 sigma 25 PSNR: the page runs it instead
    on an image whose noise reads white, unless the user picked a model
    (training/strength.py `page_model`)."""
    cards = [
        (path, json.loads(path.read_text()))
        for path in sorted(models_root.glob(f"*/{WEB_CARD_NAME}"))
    ]
    default = next((c["name"] for _, c in cards if c.get("page_default")), "default")
    entries = [
        {
            "name": web_card["name"],
            "path": f"{path.parent.name}/",
            "architecture": web_card["architecture"],
            "noise": web_card.get("training", {}).get("noise", "gaussian"),
            "parameters": web_card["parameters"],
            "macs_per_pixel": web_card["macs_per_pixel"],
            "quantization": web_card["quantization"],
            "bytes": web_card["bytes"],
            "psnr_cbsd68_sigma25": web_card.get("evaluation", {})
            .get("CBSD68", {})
            .get("25", {})
            .get("psnr"),
        }
        for path, web_card in cards
    ]
    # The page's default first, then the other photo models, then the white-noise ones.
    entries.sort(
        key=lambda e: (
            e["name"] != default,
            e["noise"] != "photo",
            e["name"] != "default",
            e["name"],
        )
    )
    index_data: dict[str, object] = {"default": default}
    default_noise = next((e["noise"] for e in entries if e["name"] == default), "gaussian")
    white = [e for e in entries if e["noise"] == "gaussian" and e["psnr_cbsd68_sigma25"]]
    if default_noise == "photo" and white:
        index_data["white_noise"] = max(white, key=lambda e: e["psnr_cbsd68_sigma25"])["name"]
    index_data["models"] = entries
    index = models_root / INDEX_NAME
    index.write_text(json.dumps(index_data, indent=2) + "\n")
    return index
