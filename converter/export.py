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

QUANTIZATIONS = ("float32", "float16", "uint8")
WEB_CARD_NAME = "denoiser.json"
INDEX_NAME = "index.json"


def quantization_map(quantize: str) -> dict[str, str] | None:
    return None if quantize == "float32" else {quantize: "*"}


def export_graph_model(model: keras.Model, out_dir: Path, quantize: str) -> None:
    """Write model.json + weight shards for `model` into the empty folder `out_dir`."""
    from tensorflowjs.converters.tf_saved_model_conversion_v2 import (
        convert_tf_saved_model,
    )

    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "saved_model"
        model.export(saved, format="tf_saved_model", verbose=False)
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


def write_web_card(folder: Path, model_card: dict[str, Any], quantize: str, name: str) -> None:
    """denoiser.json: the training card plus what the web model adds."""
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
    (folder / WEB_CARD_NAME).write_text(json.dumps(web_card, indent=2) + "\n")


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
    """Rebuild index.json from every web model's denoiser.json under `models_root`."""
    entries = []
    for web_card_path in sorted(models_root.glob(f"*/{WEB_CARD_NAME}")):
        web_card = json.loads(web_card_path.read_text())
        cbsd = web_card.get("evaluation", {}).get("CBSD68", {}).get("25", {})
        entries.append(
            {
                "name": web_card["name"],
                "path": f"{web_card_path.parent.name}/",
                "architecture": web_card["architecture"],
                "parameters": web_card["parameters"],
                "macs_per_pixel": web_card["macs_per_pixel"],
                "quantization": web_card["quantization"],
                "bytes": web_card["bytes"],
                "psnr_cbsd68_sigma25": cbsd.get("psnr"),
            }
        )
    entries.sort(key=lambda e: (e["name"] != "default", e["name"]))
    index = models_root / INDEX_NAME
    index.write_text(json.dumps({"models": entries}, indent=2) + "\n")
    return index
