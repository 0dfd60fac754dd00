"""The converter on the shipped fast model and on deliberately broken inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from converter import WEB_MODELS, export
from training import card, models
from training.inference import context_pixels

ROOT = Path(__file__).resolve().parents[1]
FAST = ROOT / "models" / "fast"


def run_converter(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "converter", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("web")
    result = run_converter(str(FAST), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_conversion_writes_a_graph_model_its_card_and_the_index(converted) -> None:  # noqa: ANN001
    out, stdout = converted
    folder = out / "fast"
    model_json = json.loads((folder / "model.json").read_text())
    assert model_json["format"] == "graph-model"
    web_card = json.loads((folder / "denoiser.json").read_text())
    source_card = card.read_card(FAST)
    assert web_card["quantization"] == "float16"
    assert web_card["halo"] == source_card["halo"]
    assert web_card["size_multiple"] == source_card["size_multiple"]
    assert web_card["bytes"] == sum(
        p.stat().st_size for p in folder.iterdir() if p.name != "denoiser.json"
    )
    index = json.loads((out / "index.json").read_text())
    assert [m["name"] for m in index["models"]] == ["fast"]
    assert index["models"][0]["noise"] == "gaussian"
    assert "MB" in stdout and "change from Keras" in stdout
    change = float(stdout.split("change from Keras ")[1].split(" dB")[0])
    assert change >= -0.05


def test_conversion_is_reproducible(converted, tmp_path: Path) -> None:  # noqa: ANN001
    out, _ = converted
    assert run_converter(str(FAST), "--out", str(tmp_path)).returncode == 0
    for first in (out / "fast").iterdir():
        assert first.read_bytes() == (tmp_path / "fast" / first.name).read_bytes(), first.name


def test_the_index_names_the_model_whose_card_asks_to_be_the_page_default(
    tmp_path: Path,
) -> None:
    for name, flag, noise, psnr in (
        ("default", False, "gaussian", 31.2),
        ("photo", True, "photo", 30.6),
        ("fast", False, "gaussian", 30.9),
        ("photo-fast", False, "photo", 30.2),
    ):
        (tmp_path / name).mkdir()
        web_card = {**card.read_card(FAST), "name": name, "quantization": "float16", "bytes": 1}
        web_card["training"] = {"noise": noise}
        web_card["evaluation"] = {"CBSD68": {"25": {"psnr": psnr}}}
        if flag:
            web_card["page_default"] = True
        (tmp_path / name / "denoiser.json").write_text(json.dumps(web_card))
    index = json.loads(export.update_index(tmp_path).read_text())
    assert index["default"] == "photo"
    # The default, the other camera-noise model, then the white-noise ones.
    assert [m["name"] for m in index["models"]] == ["photo", "photo-fast", "default", "fast"]
    assert [m["noise"] for m in index["models"]][:2] == ["photo", "photo"]
    # White noise goes to the white-noise model that cleans it best, not to `fast`.
    assert index["white_noise"] == "default"
    # A white-noise default needs no other model for white noise.
    (tmp_path / "photo" / "denoiser.json").unlink()
    (tmp_path / "photo-fast" / "denoiser.json").unlink()
    index = json.loads(export.update_index(tmp_path).read_text())
    assert index["default"] == "default" and "white_noise" not in index


def test_shipped_web_models_match_their_keras_models() -> None:
    index = json.loads((WEB_MODELS / "index.json").read_text())
    assert index["default"] == "photo" and index["white_noise"] == "default"
    for name in ("photo", "photo-fast", "default", "fast"):
        web_card = json.loads((WEB_MODELS / name / "denoiser.json").read_text())
        assert web_card["parameters"] == card.read_card(ROOT / "models" / name)["parameters"]


def assert_refused(tmp_path: Path, model_dir: Path, message: str) -> None:
    out = tmp_path / "web"
    result = run_converter(str(model_dir), "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert message in lines[-1] and lines[-1].startswith("error:"), result.stderr
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_a_quantization_that_costs_too_much_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "web"
    result = run_converter(
        str(FAST), "--quantize", "uint8", "--max-loss", "0.0001", "--out", str(out)
    )
    assert result.returncode == 2
    assert "uint8 costs" in result.stderr and "refused" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_missing_path(tmp_path: Path) -> None:
    assert_refused(tmp_path, tmp_path / "nope", "no such folder")


def test_not_a_keras_file(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "model.keras").write_bytes(b"not a zip")
    shutil.copy(FAST / "card.json", folder / "card.json")
    assert_refused(tmp_path, folder, "not a loadable Keras model")


def test_missing_card(tmp_path: Path) -> None:
    folder = tmp_path / "nocard"
    folder.mkdir()
    shutil.copy(FAST / "model.keras", folder / "model.keras")
    assert_refused(tmp_path, folder, "no card.json")


def test_card_of_another_model(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(FAST / "model.keras", folder / "model.keras")
    shutil.copy(ROOT / "models/default/card.json", folder / "card.json")
    assert_refused(tmp_path, folder, "the card belongs to another model")


def save_with_card(model: keras.Model, folder: Path) -> Path:
    folder.mkdir()
    model.save(folder / "model.keras")
    card.write_card(
        folder,
        {
            "architecture": "custom",
            "parameters": model.count_params(),
            "size_multiple": 1,
            "halo": 1,
        },
    )
    return folder


def test_wrong_input_channels(tmp_path: Path) -> None:
    inputs = keras.Input((None, None, 3))
    model = keras.Model(inputs, keras.layers.Conv2D(3, 3, padding="same")(inputs))
    assert_refused(tmp_path, save_with_card(model, tmp_path / "rgb_in"), "[N,H,W,4]")


def test_wrong_output_channels(tmp_path: Path) -> None:
    inputs = keras.Input((None, None, 4))
    model = keras.Model(inputs, keras.layers.Conv2D(1, 3, padding="same")(inputs))
    assert_refused(tmp_path, save_with_card(model, tmp_path / "gray_out"), "[N,H,W,3]")


def test_a_layer_that_sees_the_whole_image_is_refused_by_name(tmp_path: Path) -> None:
    inputs = keras.Input((None, None, 4))
    features = keras.layers.Conv2D(3, 3, padding="same")(inputs)
    norm = keras.layers.GroupNormalization(groups=1, name="whole_image_norm")(features)
    model = keras.Model(inputs, norm)
    assert_refused(tmp_path, save_with_card(model, tmp_path / "global"), "'whole_image_norm'")


def test_architectures_convert_only_when_local() -> None:
    # The shipped architectures themselves hold no whole-image layer.
    from converter.checks import GLOBAL_LAYERS

    for arch in models.SHIPPABLE:
        names = {type(layer).__name__ for layer in models.build(arch).layers}
        assert not names & set(GLOBAL_LAYERS)


def test_the_undercomplete_autoencoder_is_refused_for_the_page(tmp_path: Path) -> None:
    # Its dense bottleneck sees the whole window: tiles of a photo would disagree.
    model = models.build("undercomplete")
    folder = tmp_path / "undercomplete"
    folder.mkdir()
    model.save(folder / "model.keras")
    card.write_card(folder, card.describe(model, "undercomplete"))
    assert_refused(tmp_path, folder, "depends on the whole image")


def test_upsamplings_are_exported_as_pixel_shuffles_with_the_same_output() -> None:
    # TF.js's WASM backend has slow transposed-convolution and DepthToSpace kernels
    # (converter/export.py): the exported graph computes the same function without them.
    from converter.export import PixelShuffleUpsampling, web_graph

    model = keras.saving.load_model(FAST / "model.keras")
    web = web_graph(model)
    assert not any(isinstance(layer, keras.layers.Conv2DTranspose) for layer in web.layers)
    assert sum(isinstance(layer, PixelShuffleUpsampling) for layer in web.layers) == 3
    x = np.random.default_rng(0).random((2, 40, 56, 4)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(web(x)), np.asarray(model(x)), atol=1e-5)
    graph = (WEB_MODELS / "fast/model.json").read_text()
    assert "Conv2DBackpropInput" not in graph and "DepthToSpace" not in graph


def test_litert_tiles_add_gated_int8_tflite_files_to_the_card(tmp_path: Path) -> None:
    import tensorflow as tf

    result = run_converter(str(FAST), "--out", str(tmp_path), "--litert-tiles", "64")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "fast"
    web_card = json.loads((folder / "denoiser.json").read_text())
    context = context_pixels(card.read_card(FAST)["halo"], 8)  # fast: its measured halo, 32
    [entry] = web_card["litert"]["files"]
    assert web_card["litert"]["weights"] == "dynamic-range int8"
    assert (entry["tile"], entry["input"]) == (64, 64 + 2 * context)
    assert entry["file"] == f"litert/model-dr8-{64 + 2 * context}.tflite"
    tflite = folder / entry["file"]
    assert tflite.stat().st_size == entry["bytes"]
    assert entry["psnr_change_db"] >= -0.05  # the float16 web model's default budget
    assert entry["parity_db"] >= 45
    interpreter = tf.lite.Interpreter(model_path=str(tflite))
    assert list(interpreter.get_input_details()[0]["shape"]) == [
        1,
        64 + 2 * context,
        64 + 2 * context,
        4,
    ]
    # The web model's size and file list are what the TF.js page fetches, not the .tflite.
    assert web_card["files"] == ["group1-shard1of1.bin", "model.json"]
    assert f"litert/model-dr8-{64 + 2 * context}.tflite" in result.stdout


def test_a_photo_models_int8_files_are_gated_on_camera_noise_too(tmp_path: Path) -> None:
    """A model whose map means camera noise's RMS is mostly told low strengths on
    correlated noise, where int8 rounding may cost more than at white sigma 25: its
    .tflite (and its web weights) are gated on the worse of the two."""
    photo_like = tmp_path / "photo-like"
    shutil.copytree(FAST, photo_like)
    saved = card.read_card(photo_like)
    saved["contract"]["input"] = card.PHOTO_STRENGTH_MAP
    card.write_card(photo_like, saved)
    result = run_converter(
        str(photo_like),
        "--out",
        str(tmp_path / "web"),
        "--quantize",
        "uint8",
        "--litert-tiles",
        "64",
    )  # fmt: skip  (uint8, as photo ships: 0.2 dB allowed)
    assert result.returncode == 0, result.stderr
    web_card = json.loads((tmp_path / "web/photo-like/denoiser.json").read_text())
    [entry] = web_card["litert"]["files"]
    by_noise = entry["psnr_change_db_by_noise"]
    assert set(by_noise) == {"white", "camera"}
    assert entry["psnr_change_db"] == min(by_noise.values())
    assert "on camera noise" in result.stdout and "on white noise at sigma 25" in result.stdout


def test_parity_crops_with_camera_noise_are_seeded_and_told_their_rms() -> None:
    from converter import parity

    clean = np.full((64, 64, 3), 120, np.uint8)
    target, noisy, told = parity.noisy_crop("a", clean, "camera")
    again = parity.noisy_crop("a", clean, "camera")
    assert np.array_equal(noisy, again[1]) and told == again[2]
    assert not np.array_equal(noisy, parity.noisy_crop("b", clean, "camera")[1])
    rms = np.sqrt(np.mean((noisy.astype(np.float64) - target / 255.0) ** 2)) * 255
    assert told == pytest.approx(rms, abs=0.5)  # the target is the crop's own round trip
    assert told > 0.5 and target.dtype == np.uint8
    assert parity.noisy_crop("a", clean, "white")[2] == parity.PARITY_SIGMA


def test_a_stopped_conversion_leaves_no_staging_folder_and_the_old_model(tmp_path: Path) -> None:
    """SIGTERM mid-conversion (a killed job): the staging folder goes, the model already
    published stays as it was, and the exit says why."""
    import signal
    import time

    published = tmp_path / "fast"
    published.mkdir()
    (published / "model.json").write_text("{}")
    process = subprocess.Popen(
        [sys.executable, "-m", "converter", str(FAST), "--out", str(tmp_path)]
        + ["--litert-tiles", "64,128"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    while not list(tmp_path.glob(".fast.*")):
        assert process.poll() is None and time.monotonic() < deadline, "no staging folder"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=240)
    assert process.returncode == 143, stderr[-2000:]
    assert "stopped (SIGTERM)" in stderr
    assert not list(tmp_path.glob(".fast*")), list(tmp_path.iterdir())
    assert (published / "model.json").read_text() == "{}"


def test_litert_tiles_that_cost_too_much_are_refused(tmp_path: Path) -> None:
    result = run_converter(
        str(FAST), "--out", str(tmp_path), "--quantize", "float32", "--max-loss", "0.001",
        "--litert-tiles", "64",
    )  # fmt: skip
    assert result.returncode == 2
    assert "int8 .tflite for 64-px tiles costs" in result.stderr
    assert not (tmp_path / "fast").exists()


def test_litert_tiles_must_be_pixels(tmp_path: Path) -> None:
    result = run_converter(str(FAST), "--out", str(tmp_path), "--litert-tiles", "big")
    assert result.returncode == 2
    assert "--litert-tiles" in result.stderr


def test_the_gate_names_the_noise_that_loses_most() -> None:
    from converter.__main__ import gate
    from converter.checks import ConversionError

    assert gate({"white": -0.01, "camera": -0.15}, 0.2, "uint8") == -0.15
    assert gate({"white": -0.2}, 0.2, "uint8") == -0.2  # exactly the allowance passes
    with pytest.raises(ConversionError, match=r"costs 0\.150 dB on camera noise.*refused; x"):
        gate({"white": -0.01, "camera": -0.15}, 0.1, "int8", "; x")
