"""The learned noise level: its crop grid (mirrored by webapp/src/engine/level.ts), the
shipped estimator's readings, its training command and its conversion, on small
generated photos (the shared data is not needed)."""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from converter import WEB_MODELS
from converter.__main__ import main as convert_main
from tests.test_page import synthetic_photo
from training import camera_noise, card, noise_level, strength, train_level
from training.metrics import to_uint8

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "models/noise-level"


def test_crop_grid_is_the_engines() -> None:
    """The same numbers as webapp/src/engine/level.test.ts."""
    assert noise_level._starts(512) == [0, 104, 208, 312, 416]
    assert noise_level._starts(4000) == [0, 976, 1952, 2928, 3904]
    assert noise_level._starts(300) == [0, 102, 204]
    assert noise_level._starts(150) == [27]
    assert noise_level._starts(96) == noise_level._starts(40) == [0]
    assert noise_level.crop_corners(200, 300) == [
        (0, 0), (0, 102), (0, 204), (104, 0), (104, 102), (104, 204),
    ]  # fmt: skip


def test_level_is_the_rms_of_the_crops_rms() -> None:
    assert noise_level.level_of(np.log1p([3.0, 4.0])) == pytest.approx(math.sqrt(12.5))
    assert noise_level.level_of([-0.5]) == 0.0


def smooth_photo(size: tuple[int, int]) -> np.ndarray:
    """Gradients, a wave and a flat patch: no texture that could pass for noise (fine
    random texture at the noise's own scale reads as noise, to the network as to the
    hand-made estimate; docs/real-noise.md)."""
    h, w = size[1], size[0]
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    image = np.stack([0.2 + 0.6 * x, 0.3 + 0.4 * y, 0.5 + 0.3 * np.sin(6 * x + 3 * y)], -1)
    image[h // 4 : h // 2, w // 3 : 2 * w // 3] = [0.9, 0.8, 0.2]
    return image.astype(np.float32)


def camera_photo(shot: float, seed: int = 3, size: tuple[int, int] = (256, 192)):  # noqa: ANN201
    """(uint8 noisy, true RMS): a smooth photo through one camera at this shot noise."""
    rng = np.random.default_rng(seed)
    camera = dataclasses.replace(
        camera_noise.sample_camera(rng), shot=shot, exposure=1.0, jpeg_quality=90
    )
    noisy, target = camera_noise.camera_noise(smooth_photo(size), rng, camera)
    return np.round(noisy * 255).astype(np.uint8), camera_noise.strength(noisy, target)


@pytest.fixture(scope="module")
def shipped() -> keras.Model:
    return keras.saving.load_model(SHIPPED / card.KERAS_NAME)


def test_the_shipped_level_follows_camera_noise(shipped: keras.Model) -> None:
    """Within 1.5x of the true RMS from a clean-ish to a phone-like photo, in order."""
    readings = []
    for shot in (2e-4, 2e-3, 1e-2):
        noisy, truth = camera_photo(shot, seed=4)
        level = noise_level.photo_level(shipped, noisy)
        assert truth / 1.5 - 1 < level < truth * 1.5 + 1, (shot, level, truth)
        readings.append(level)
    assert readings == sorted(readings)


def test_small_and_gray_photos_are_read(shipped: keras.Model) -> None:
    noisy, _ = camera_photo(2e-3, size=(40, 30))
    assert noise_level.photo_level(shipped, noisy) > 0
    gray = noisy.mean(axis=-1).astype(np.uint8)
    assert noise_level.photo_level(shipped, gray) > 0


def test_strength_uses_the_level_with_its_own_fit_for_camera_noise(shipped: keras.Model) -> None:
    """The mirror of sigma.ts autoStrength: the smaller of the two fits once the level is
    read, but at most LEVEL_MOST_BELOW under the level's; the hand-made fit without it,
    the estimate itself for white noise."""
    camera = strength.Estimate(fine=1.0, coarse=4.0, auto=4.0)
    fit = {"gain": 2.0, "offset": 1.0, "level": {"model": "x", "gain": 1.5, "offset": -1.0}}
    assert strength.calibrated(dataclasses.replace(camera, level=2.0), fit) == 2  # level: 2 < 9
    assert strength.calibrated(dataclasses.replace(camera, level=8.0), fit) == 9  # hand: 9 < 11
    assert strength.calibrated(dataclasses.replace(camera, level=12.0), fit) == 13  # 17 - 4 > 9
    assert strength.calibrated(camera, fit) == 9
    level_only = {"level": fit["level"]}  # the same cases as sigma.test.ts
    assert strength.calibrated(dataclasses.replace(camera, level=8.0), level_only) == 11
    assert strength.calibrated(camera, level_only) == 4
    white = strength.Estimate(fine=25.0, coarse=25.6, auto=25.6, level=3.0)
    assert strength.calibrated(white, fit) == 26
    noisy, _ = camera_photo(2e-3)
    model_card = {"auto_strength": fit, "sigma_range": [0, 75]}
    level = noise_level.photo_level(shipped, noisy)
    with_level = strength.auto_strength(noisy, model_card, shipped)
    hand = 2.0 * strength.estimate_noise(noisy).auto + 1.0
    from_level = 1.5 * level - 1
    expected = max(min(hand, from_level), from_level - strength.LEVEL_MOST_BELOW)
    assert with_level == int(math.floor(expected + 0.5))


def write_photos(folder: Path, count: int, size: tuple[int, int] = (160, 128)) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        Image.fromarray(synthetic_photo(size, seed=i)).save(folder / f"photo{i}.png")
    return folder


def test_training_writes_a_model_and_a_card_and_blends_it(tmp_path: Path) -> None:
    out = tmp_path / "level"
    common = [
        "--data",
        str(write_photos(tmp_path / "train", 3)),
        "--val",
        str(write_photos(tmp_path / "val", 2)),
        "--val-count",
        "2",
        "--out",
        str(out),
        "--steps-per-epoch",
        "3",
        "--batch-size",
        "4",
    ]
    code = train_level.main([*common, "--workdir", str(tmp_path / "run"), "--epochs", "2"])
    assert code == 0
    saved = card.read_card(out)
    assert saved["kind"] == noise_level.KIND
    assert saved["parameters"] == keras.saving.load_model(out / card.KERAS_NAME).count_params()
    assert set(saved["validation"]) == {"what", "learned", "hand_estimate", "heavy"}
    assert 0 <= saved["validation"]["learned"]["share_off_by_1.5x"] <= 1
    assert (tmp_path / "run/history.csv").read_text().count("\n") == 3  # header + 2 epochs
    assert saved["training"]["blend_above"] is None and "before" not in saved["training"]

    blended = ["--resume", "--blend-above", "10", "--heavy-share", "0.5", "--epochs", "1"]
    assert train_level.main([*common, "--workdir", str(tmp_path / "run2"), *blended]) == 0
    tuned = card.read_card(out)
    assert tuned["training"]["blend_above"] == 10 and tuned["training"]["heavy_share"] == 0.5
    assert tuned["training"]["before"]["command"] == saved["training"]["command"]
    level = keras.saving.load_model(out / card.KERAS_NAME)
    assert tuned["parameters"] == level.count_params() == 2 * saved["parameters"] + 2
    with pytest.raises(SystemExit, match="already blended"):
        train_level.main([*common, "--workdir", str(tmp_path / "run3"), *blended])


def test_heavy_crops_come_last_in_each_batch_with_their_true_rms() -> None:
    images = [synthetic_photo((128, 128), seed=i) for i in range(2)]
    mix = train_level.level_pairs(images, 3, 1, 3, heavy_share=0.0, gray_fraction=0.0)
    heavy = train_level.level_pairs(images, 2, 1, 3, heavy_share=1.0, gray_fraction=0.0)
    # Each sequence's batch draws two numbers from numpy's global state (noise, patches):
    # the mix's first, then the heavy one's; both are rebuilt below from the same state.
    np.random.seed(5)
    crops, labels = train_level.LevelSequence(mix, heavy)[0]
    assert crops.shape == (5, noise_level.CROP, noise_level.CROP, 3) and labels.shape == (5, 1)
    np.random.seed(5)
    for part, sequence in ((slice(0, 3), mix), (slice(3, 5), heavy)):
        inputs, _ = sequence[0]
        np.testing.assert_allclose(crops[part], inputs[..., :3])
        np.testing.assert_allclose(labels[part], np.log1p(inputs[:, 0, 0, 3:4] * 255), rtol=1e-5)
    assert np.all(np.expm1(labels[3:]) > 10)  # heavy noise: far above the mix's typical RMS


def test_a_blended_level_reads_as_its_start_below_the_blend_and_as_its_copy_above(
    shipped: keras.Model,
) -> None:
    blended = noise_level.build_blended(shipped, 10.0)
    copy_out = blended.get_layer("heavy_log1p_rms")
    kernel, bias = copy_out.get_weights()
    copy_out.set_weights([kernel, bias + 1.0])  # the copy now reads e times (1 + RMS)
    clean = synthetic_photo((192, 192), seed=1, luma_texture=True).astype(np.float32) / 255
    rng = np.random.default_rng(0)
    light = np.clip(clean + rng.normal(0, 2 / 255, clean.shape), 0, 1)
    heavy = np.clip(clean + rng.normal(0, 40 / 255, clean.shape), 0, 1)
    for noisy, share in ((light, 0.0), (heavy, 1.0)):
        crops = noise_level.crops(to_uint8(noisy))
        start, out = np.asarray(shipped(crops)), np.asarray(blended(crops))
        np.testing.assert_allclose(out - start, share, atol=0.05)
    with pytest.raises(ValueError, match="already blended"):
        noise_level.build_blended(blended, 10.0)


def test_training_without_photos_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="error: no usable image"):
        train_level.main(["--data", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--blend-above", "10"], "keeps the starting level where it reads low: it needs --resume"),
        (["--blend-above", "10", "--resume"], "it needs --resume and a level in"),
        (["--heavy-share", "1"], "--heavy-share must be in \\[0, 1\\), not 1.0"),
    ],
)
def test_bad_fine_tuning_flags_are_clear_errors(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    with pytest.raises(SystemExit, match=message):
        train_level.main(["--out", str(tmp_path / "none"), *flags])


def test_the_converter_writes_the_estimator_outside_the_models_index(tmp_path: Path) -> None:
    out = tmp_path / "web"
    assert convert_main([str(SHIPPED), "--out", str(out)]) == 0
    web_card = json.loads((out / "noise-level" / noise_level.WEB_CARD_NAME).read_text())
    assert (web_card["crop"], web_card["grid"]) == (noise_level.CROP, noise_level.GRID)
    assert web_card["level_change_from_quantization"] <= 0.01
    assert sorted(web_card["files"]) == ["group1-shard1of1.bin", "model.json"]
    assert not (out / "index.json").exists()  # not a denoiser the page offers


def test_the_converter_refuses_a_denoiser_carded_as_a_noise_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = tmp_path / "fast"
    shutil.copytree(ROOT / "models/fast", model_dir)
    card.write_card(model_dir, {**card.read_card(model_dir), "kind": noise_level.KIND})
    assert convert_main([str(model_dir), "--out", str(tmp_path / "web")]) == 2
    assert "the contract wants [N,H,W,3]" in capsys.readouterr().err
    assert not (tmp_path / "web" / "fast").exists()


def test_the_page_default_reads_the_shipped_level() -> None:
    """`photo`'s web card names the web estimator (relative to its folder), converted from
    the Keras one that evaluation and the calibration used."""
    photo = json.loads((WEB_MODELS / "photo/denoiser.json").read_text())
    level = photo["auto_strength"]["level"]
    assert (ROOT / "models/photo" / level["model"]).resolve() == SHIPPED
    estimator = json.loads(
        ((WEB_MODELS / "photo" / level["model"]) / noise_level.WEB_CARD_NAME).read_text()
    )
    assert estimator["parameters"] == card.read_card(SHIPPED)["parameters"]
    assert (
        photo["auto_strength"]["level"]
        == card.read_card(ROOT / "models/photo")["auto_strength"]["level"]
    )


def test_the_converter_refuses_a_quantization_that_moves_the_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from converter import level as level_conversion

    monkeypatch.setattr(level_conversion, "MAX_LEVEL_CHANGE", 0.0)  # uint8 moves it a little
    assert convert_main([str(SHIPPED), "--out", str(tmp_path), "--quantize", "uint8"]) == 2
    assert "uint8 moves the noise level by" in capsys.readouterr().err
    assert not (tmp_path / "noise-level").exists()
