"""Real-pair evaluation, the auto-strength mirror and its calibration, on small generated
pairs (the shared real sets are not needed)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.test_page import synthetic_photo
from training import camera_noise, card, evaluate, real_noise, strength

ROOT = Path(__file__).resolve().parents[1]


def camera_pair(seed: int, size: tuple[int, int] = (128, 96)) -> tuple[np.ndarray, np.ndarray]:
    """(noisy, clean) uint8: a synthetic photo through one fixed noisy camera, no JPEG.
    Its texture is luminance: per-channel random blocks are colour noise to the learned
    level, which the page's auto strength then partly removes (docs/real-noise.md,
    "Dark phone photos", measures that case)."""
    clean = synthetic_photo(size, seed=seed, luma_texture=True) / np.float32(255)
    rng = np.random.default_rng(seed)
    camera = dataclasses.replace(
        camera_noise.sample_camera(rng), shot=4e-3, exposure=1.0, jpeg_quality=None
    )
    noisy, target = camera_noise.camera_noise(clean.astype(np.float32), rng, camera)
    return (np.round(noisy * 255).astype(np.uint8), np.round(target * 255).astype(np.uint8))


@pytest.fixture
def pair_folder(tmp_path: Path) -> Path:
    """Two good pairs, one noisy photo without reference, one reference of another size."""
    folder = tmp_path / "pairs"
    folder.mkdir()
    for i in range(2):
        noisy, clean = camera_pair(i)
        Image.fromarray(noisy).save(folder / f"cam{i}_real.png")
        Image.fromarray(clean).save(folder / f"cam{i}_mean.png")
    noisy, clean = camera_pair(5)
    Image.fromarray(noisy).save(folder / "lonely_real.png")
    Image.fromarray(noisy).save(folder / "odd_real.png")
    Image.fromarray(clean[:64]).save(folder / "odd_mean.png")
    return folder


def test_bad_pairs_are_named_and_the_rest_read(pair_folder: Path) -> None:
    found = real_noise.read_pairs(pair_folder)
    assert [p.name for p in found.pairs] == ["cam0", "cam1"]
    assert len(found.errors) == 2
    assert "lonely_real.png: no reference lonely_mean.*" in found.errors[0]
    assert "odd_real.png: 128x96 but its reference odd_mean.png is 128x64" in found.errors[1]


def test_a_folder_without_pairs_is_a_clear_error(tmp_path: Path) -> None:
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "a.png")
    with pytest.raises(real_noise.NoPairsError, match="no NAME_real"):
        real_noise.read_pairs(tmp_path)


def test_estimate_reads_white_noise_and_correlated_noise_higher_than_its_fine_band() -> None:
    rng = np.random.default_rng(0)
    ramp = np.linspace(60, 180, 256, dtype=np.float32)[None, :, None] * np.ones((256, 1, 3))
    for sigma in (10, 25):
        noisy = np.clip(np.round(ramp + rng.normal(0, sigma, ramp.shape)), 0, 255).astype(np.uint8)
        estimate = strength.estimate_noise(noisy)
        assert estimate.fine == pytest.approx(sigma, rel=0.1)
    noisy, _ = camera_pair(3, (256, 256))
    estimate = strength.estimate_noise(noisy)
    assert estimate.coarse > estimate.fine  # demosaiced noise hides from the finest band


def camera_like(level: float) -> strength.Estimate:
    """An estimate as camera noise gives it: the coarse scale reads 3x the finest."""
    return strength.Estimate(fine=level / 3, coarse=level, auto=level)


def test_calibration_rounds_half_up_and_stays_in_range() -> None:
    assert strength.calibrated(camera_like(2.5), None) == 3  # Math.round, not banker's
    assert strength.calibrated(camera_like(4.0), {"gain": 2.0, "offset": 1.0}) == 9
    assert strength.calibrated(camera_like(60.0), {"gain": 2.0, "offset": 0.0}) == 75
    assert strength.calibrated(camera_like(1.0), {"gain": 1.0, "offset": -4.0}) == 0


def test_white_noise_keeps_its_sigma_whatever_the_calibration() -> None:
    """Calibrations are fitted on camera noise; on white noise the estimate is sigma."""
    rng = np.random.default_rng(1)
    ramp = np.linspace(60, 180, 256, dtype=np.float32)[None, :, None] * np.ones((256, 1, 3))
    noisy = np.clip(np.round(ramp + rng.normal(0, 25, ramp.shape)), 0, 255).astype(np.uint8)
    model_card = {"auto_strength": {"gain": 1.35, "offset": 6.0}, "sigma_range": [0, 75]}
    estimate = strength.estimate_noise(noisy)
    assert not strength.is_correlated(estimate)
    assert strength.auto_strength(noisy, model_card) == round(estimate.auto)
    camera_noisy, _ = camera_pair(3, (256, 256))
    assert strength.is_correlated(strength.estimate_noise(camera_noisy))
    assert strength.auto_strength(camera_noisy, model_card) > round(
        strength.estimate_noise(camera_noisy).auto
    )


def test_white_noise_and_only_white_noise_goes_to_the_white_noise_model() -> None:
    """page_model: the index's white-noise model where the noise reads white and is at
    least WHITE_MODEL_FROM, the default for camera noise, faint noise and a coarse scale
    that read nothing (every block clipped); a picked model always."""
    index = {"default": "photo", "white_noise": "default"}
    rng = np.random.default_rng(2)
    ramp = np.linspace(60, 180, 256, dtype=np.float32)[None, :, None] * np.ones((256, 1, 3))
    for sigma, white in ((25, True), (8, True), (2, False)):
        noisy = np.clip(np.round(ramp + rng.normal(0, sigma, ramp.shape)), 0, 255).astype(np.uint8)
        estimate = strength.estimate_noise(noisy)
        assert strength.reads_white(estimate) is white, (sigma, estimate)
        assert strength.page_model(estimate, index) == ("default" if white else "photo")
        assert strength.page_model(estimate, index, picked="fast") == "fast"
    camera_noisy, _ = camera_pair(3, (256, 256))
    assert not strength.reads_white(strength.estimate_noise(camera_noisy))
    unreadable = strength.Estimate(fine=16.0, coarse=0.0, auto=16.0)
    assert strength.page_model(unreadable, index) == "photo"
    assert strength.page_model(strength.Estimate(25, 25, 25), {"default": "photo"}) == "photo"


def test_a_coarse_scale_clipped_everywhere_is_camera_noise_not_white() -> None:
    """A dark shot with heavy noise clips a third of its pixels at black, in every block:
    the estimate says its coarse scale read nothing, and the strength then follows the
    card's calibration and the learned level instead of the clipped 0 (it told `photo` 0
    on such crops: docs/real-noise.md, "An unreadable scale"); a clean image does not."""
    rng = np.random.default_rng(5)
    dark = np.clip(np.round(12 + rng.normal(0, 30, (128, 128, 3))), 0, 255).astype(np.uint8)
    estimate = strength.estimate_noise(dark)
    assert estimate.coarse_clipped and estimate.coarse == 0
    assert strength.is_correlated(estimate) and not strength.reads_white(estimate)
    calibration = {"gain": 1.0, "offset": 3.0, "level": {"gain": 1.0, "offset": 2.0}}
    # The level's fit (32), at most LEVEL_MOST_BELOW under it: the hand-made fit reads 0.
    assert strength.calibrated(dataclasses.replace(estimate, level=30.0), calibration, 50) == 28
    clean = np.full((128, 128, 3), 100, np.uint8)
    assert not strength.estimate_noise(clean).coarse_clipped
    assert not strength.is_correlated(strength.estimate_noise(clean))


def test_the_level_fit_is_its_own_and_the_page_takes_the_smaller() -> None:
    """The level's fit is fitted as if alone (the hand-made fit picks lower strengths on
    these pairs, the level's fit must still follow the level), and a card with both
    scores what the page picks, pair by pair: the smaller of the two, but at most
    LEVEL_MOST_BELOW under the level's fit."""
    strengths = np.arange(0.0, 31.0)
    levels = [2.0, 3.0, 5.0, 7.0]
    curves = np.array([40 - 0.05 * (strengths - 2.0 * e) ** 2 for e in levels])
    estimates = [dataclasses.replace(camera_like(1.0), level=e) for e in levels]
    from_level = real_noise.fit_calibration(curves, estimates, tuple(strengths), from_level=True)
    level_only = [strength.calibrated(e, {"level": from_level}) for e in estimates]
    assert level_only == [4, 6, 10, 14]
    hand = {"gain": 1.0, "offset": 8.0}  # 9 everywhere: below the level's fit on the last two
    both = {**hand, "level": from_level}
    assert [strength.calibrated(e, both) for e in estimates] == [4, 6, 9, 10]  # 14 - 4 > 9
    picked = [np.interp(s, strengths, c) for s, c in zip([4, 6, 9, 10], curves, strict=True)]
    assert real_noise.fitted_mean(curves, estimates, both, tuple(strengths)) == pytest.approx(
        np.mean(picked)
    )


def test_fit_finds_the_gain_behind_the_best_strengths() -> None:
    strengths = np.arange(0.0, 31.0)
    levels = [2.0, 3.0, 5.0, 7.0]
    # Each image is best at 2.5x its estimate, falling off on either side.
    curves = np.array([40 - 0.05 * (strengths - 2.5 * e) ** 2 for e in levels])
    estimates = [camera_like(e) for e in levels]
    fitted = real_noise.fit_calibration(curves, estimates, tuple(strengths))
    chosen = [strength.calibrated(e, fitted) for e in estimates]
    assert all(abs(c - 2.5 * e) <= 0.5 for c, e in zip(chosen, levels, strict=True))


def test_a_fit_is_chosen_on_what_the_page_runs_not_on_interpolated_curves() -> None:
    """Curves measured at a coarse grid and interpolated under-read a concave curve between
    grid points, which favours fits landing on them; scored as run (`measure`: PSNR at
    the integer strength the page sets), the fit is the best of the whole grid as run."""
    grid = (0.0, 5.0, 10.0, 20.0)
    levels = [2.0, 3.0, 5.0, 7.0]

    def measure(i: int, s: int) -> float:
        return 40 - 0.05 * (s - 2.5 * levels[i]) ** 2

    curves = np.array([[measure(i, s) for s in grid] for i in range(len(levels))])
    estimates = [camera_like(e) for e in levels]
    interpolated = real_noise.fit_calibration(curves, estimates, grid)
    run = real_noise.fit_calibration(curves, estimates, grid, measure=measure)
    as_run = real_noise.measured_mean(measure, estimates, run)
    assert run["fitted_mean_psnr"] == pytest.approx(as_run, abs=1e-3)
    assert as_run > real_noise.measured_mean(measure, estimates, interpolated) + 0.02
    every_fit = [
        real_noise.measured_mean(measure, estimates, {"gain": g, "offset": o})
        for g in real_noise.GAINS
        for o in real_noise.OFFSETS
    ]
    assert as_run == pytest.approx(max(every_fit))


def test_a_fit_the_pairs_cannot_tell_apart_keeps_the_cards() -> None:
    """Fits within TIE_DB of the best as run are tied, and the one that moves the page's
    strength least from the card's fit wins; a card's fit clearly worse is replaced."""
    levels = [2.0, 3.0, 5.0, 7.0]
    estimates = [camera_like(e) for e in levels]
    strengths = np.arange(0.0, 31.0)

    def plateau(i: int, s: int) -> float:  # all but equal from 5 to 12, a hair best at 8
        return 40.0 - 0.001 * abs(s - 8) - 0.5 * max(0, 5 - s, s - 12)

    curves = np.array([[plateau(i, int(s)) for s in strengths] for i in range(len(levels))])

    def fit(keep: dict[str, float] | None) -> tuple[float, float]:
        fitted = real_noise.fit_calibration(
            curves, estimates, tuple(strengths), measure=plateau, keep=keep
        )
        return fitted["gain"], fitted["offset"]

    best = fit(None)
    for keep in ({"gain": 1.0, "offset": 4.0}, {"gain": 1.2, "offset": 3.0}):  # 6-11, 5-11
        assert fit(keep) == (keep["gain"], keep["offset"]) != best
    far = fit({"gain": 1.0, "offset": 8.0})  # 10-15: 13 and 15 cost 0.75 dB
    assert far != (1.0, 8.0)  # replaced by a tied fit, the nearest: offset 5 (7-12)
    as_run = [
        real_noise.measured_mean(plateau, estimates, {"gain": g, "offset": o})
        for g, o in (far, best)
    ]
    assert as_run[0] >= as_run[1] - real_noise.TIE_DB and far == (1.0, 5.0)


def test_real_mode_scores_calibrates_and_names_bad_pairs(pair_folder: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "fast"
    shutil.copytree(ROOT / "models/fast", model_dir)
    docs = tmp_path / "docs"
    docs.mkdir()
    earlier = {"auto": 30.5, "best_fixed": 31.0, "best_fixed_strength": 5.0}
    earlier["worst_gain_over_noisy_at_auto"] = 0.25
    earlier["auto_passes"] = [4]
    protocol = {"sets": [str(pair_folder)], "strengths": [0.0, 5.0, 10.0, 20.0], "passes": "auto"}
    (docs / "real-noise.json").write_text(  # an earlier run on the same pairs, other model
        json.dumps(
            {
                "protocol": protocol,
                "folders": {"earlier": "models/earlier"},
                "method_args": {},
                "results": {"noisy": {}, "earlier": {pair_folder.name: earlier}},
            }
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "training.evaluate",
            str(model_dir),
            "--real",
            str(pair_folder),
            "--calibrate",
            "--level-model",
            str(ROOT / "models/noise-level"),
            "--update-card",
            "--strengths",
            "0",
            "5",
            "10",
            "20",
            "--docs",
            str(docs),
            "--cache",
            str(tmp_path / "cache/cbm3d"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr[-2000:]  # bad pairs are an error...
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "error: " in result.stderr and "lonely_real.png" in result.stderr
    assert "odd_real.png" in result.stderr
    saved = card.read_card(model_dir)  # ...after the good ones were evaluated
    assert saved["auto_strength"]["fitted_on"] == ["pairs"]
    level = saved["auto_strength"].get("level")  # named only where it fits as well
    if level:
        assert (model_dir / level["model"]).resolve() == ROOT / "models/noise-level"
        tolerance = evaluate.LEVEL_TOLERANCE_DB
        hand = saved["auto_strength"]["fitted_mean_psnr"]
        assert level["smaller_of_both_mean_psnr"] >= hand - tolerance
        assert level["gain"] >= 1.0
    else:
        assert "with the learned level the pairs score worse" in result.stderr
    scores = saved["evaluation_real"]["pairs"]
    noisy = real_noise.noisy_mean(real_noise.read_pairs(pair_folder))
    assert scores["auto"] > noisy + 0.5 and scores["best_fixed"] >= scores["auto"] - 0.5
    per_pair = json.loads((docs / "real-noise.json").read_text())["results"]["fast"]["pairs"][
        "pairs"
    ]
    gains = [p["auto"] - p["noisy"] for p in per_pair.values()]
    assert scores["worst_gain_over_noisy_at_auto"] == pytest.approx(min(gains), abs=2e-3)
    report = (docs / "real-noise.md").read_text()
    # The page's passes on these small pairs: all eight copies, and one pass beside.
    assert {p["passes"] for p in per_pair.values()} == {8} and scores["auto_passes"] == [8]
    assert scores["auto_one_pass"] != scores["auto"]
    assert "| `fast`, auto strength, 8 passes |" in report and "| noisy |" in report
    one_pass_gains = [p["one_pass"] - p["noisy"] for p in per_pair.values()]
    assert scores["worst_gain_over_noisy_one_pass"] == pytest.approx(min(one_pass_gains), abs=2e-3)
    assert scores["auto_one_pass"] == pytest.approx(
        np.mean([p["one_pass"] for p in per_pair.values()]), abs=2e-3
    )
    worst_one = scores["worst_gain_over_noisy_one_pass"]
    assert (
        f"| `fast`, auto strength, 1 pass | {scores['auto_one_pass']:.2f} | {worst_one:+.2f} dB |"
        in report
    )
    assert "| `earlier`, auto strength, 4 passes | **30.50** | +0.25 dB |" in report  # kept as run
    # The command is this run's (its flags applied to its models only); kept rows say so.
    assert f"`python -m training.evaluate {model_dir} --real" in report
    assert "models/earlier" not in report
    assert len(list((tmp_path / "cache/real-curves").glob("*.json"))) == 1  # reruns reuse it
    assert Image.open(docs / "real-noise.png").size[0] > 9 * 96  # 9 crops of the 96-px pairs


def test_the_photo_models_strength_is_a_real_control() -> None:
    """Lower keeps more (the output stays closer to the input), higher smooths more (less
    fine-detail energy): monotonic from 0 to twice the image's noise RMS. Known limit
    (README): far beyond that, photo stops smoothing further (trained with the true RMS)."""
    import keras
    from scipy import ndimage

    import training.models  # noqa: F401

    model_dir = ROOT / "models/photo"
    model = keras.saving.load_model(model_dir / card.KERAS_NAME)
    model_card = card.read_card(model_dir)
    clean = synthetic_photo((128, 128), seed=7) / np.float32(255)
    rng = np.random.default_rng(7)
    camera = dataclasses.replace(
        camera_noise.sample_camera(rng), shot=1e-3, exposure=1.0, jpeg_quality=None
    )
    noisy, target = camera_noise.camera_noise(clean.astype(np.float32), rng, camera)
    rms = camera_noise.strength(noisy, target)
    noisy = np.round(noisy * 255).astype(np.uint8)
    levels = [0, 0.5 * rms, rms, 1.5 * rms, 2 * rms]
    removed, detail = [], []
    for level in levels:
        out = real_noise.denoise_at(model, model_card, noisy, level).astype(float)
        removed.append(float(np.sqrt(np.mean((out - noisy) ** 2))))
        detail.append(float(np.mean(ndimage.laplace(out.mean(axis=-1)) ** 2)))
    assert all(b > a for a, b in zip(removed, removed[1:], strict=False)), removed
    assert all(b < a for a, b in zip(detail, detail[1:], strict=False)), detail


def test_notes_below_the_marker_survive_a_new_table() -> None:
    old = "# Real camera noise\nold table\n" + real_noise.NOTES_MARKER + "\n## Notes\nkept\n"
    new = real_noise.with_notes("# Real camera noise\nnew table\n", old)
    assert (
        new == "# Real camera noise\nnew table\n\n" + real_noise.NOTES_MARKER + "\n## Notes\nkept\n"
    )
    assert real_noise.with_notes("fresh\n", "no marker here") == "fresh\n"


def test_estimates_read_each_photo_once_per_level_model(
    pair_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keras

    loads = []
    real_load = keras.saving.load_model
    monkeypatch.setattr(
        keras.saving, "load_model", lambda path: loads.append(path) or real_load(path)
    )
    pairs = real_noise.read_pairs(pair_folder).pairs
    cache = real_noise.EstimateCache()
    level_dir = ROOT / "models/noise-level"
    with_level = cache.of(pairs, level_dir)
    assert all(e.level is not None for e in with_level)
    assert cache.of(pairs[:1], ROOT / "models/../models/noise-level") == with_level[:1]
    assert len(loads) == 1  # the second call found every photo read
    hand_made = cache.of(pairs)
    assert all(e.level is None for e in hand_made) and len(loads) == 1
    assert [e.auto for e in hand_made] == [e.auto for e in with_level]


def test_the_litert_row_scores_the_web_models_int8_file(pair_folder: Path, tmp_path: Path) -> None:
    web = tmp_path / "web"
    converted = subprocess.run(
        [sys.executable, "-m", "converter", str(ROOT / "models/fast"), "--out", str(web)]
        + ["--quantize", "uint8", "--litert-tiles", "64"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert converted.returncode == 0, converted.stderr[-2000:]
    for bad in ("lonely", "odd"):
        for path in pair_folder.glob(f"{bad}_*"):
            path.unlink()

    def evaluate_with(litert: Path, docs: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "training.evaluate", str(ROOT / "models/fast"), "--real"]
            + [str(pair_folder), "--passes", "1", "--litert", str(litert), "--strengths", "0"]
            + ["10", "--docs", str(docs), "--cache", str(tmp_path / "cache/cbm3d")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )

    result = evaluate_with(web, tmp_path / "docs")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((tmp_path / "docs/real-noise.json").read_text())
    scores = record["results"]["fast"]["pairs"]
    assert scores["litert_file"].startswith("litert/model-dr8-")
    per_pair = scores["pairs"]
    # int8 weights and activations: close to Keras's pass, not equal to it
    losses = [p["auto"] - p["litert"] for p in per_pair.values()]
    assert 0 < max(abs(x) for x in losses) < 0.5
    assert scores["litert_worst_loss"] == pytest.approx(max(losses), abs=2e-3)
    assert scores["auto_litert"] == pytest.approx(
        np.mean([p["litert"] for p in per_pair.values()]), abs=2e-3
    )
    report = (tmp_path / "docs/real-noise.md").read_text()
    row = f"| `fast`, auto strength, 1 pass, LiteRT.js int8 | {scores['auto_litert']:.2f} |"
    assert row in report and f"--litert {web}" in report
    # A folder without the model's web files: named, and the Keras rows still written.
    result = evaluate_with(tmp_path / "nowhere", tmp_path / "docs2")
    assert result.returncode == 1 and "nowhere/fast: no denoiser.json" in result.stderr
    report = (tmp_path / "docs2/real-noise.md").read_text()
    assert "| `fast`, auto strength, 1 pass |" in report and "LiteRT.js int8" not in report


def test_a_web_model_without_litert_files_is_named(tmp_path: Path) -> None:
    with pytest.raises(real_noise.NoLiteRtError, match="no denoiser.json"):
        real_noise.litert_network(tmp_path)
    (tmp_path / "denoiser.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(real_noise.NoLiteRtError, match="--litert-tiles"):
        real_noise.litert_network(tmp_path)
    listed = {"litert": {"files": [{"tile": 64, "input": 128, "file": "litert/m.tflite"}]}}
    (tmp_path / "denoiser.json").write_text(json.dumps(listed))
    with pytest.raises(real_noise.NoLiteRtError, match="missing"):
        real_noise.litert_network(tmp_path)


def test_the_picture_shows_the_pages_default_model_and_is_kept_without_it(
    tmp_path: Path,
) -> None:
    """The report describes what the page does, so its picture shows the page's default
    model wherever it was evaluated; a run of other models alone keeps an existing picture
    (it used to redraw it from whichever model came first)."""
    folders = {}
    for name, is_default in (("default", False), ("photo", True), ("fast", False)):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        card.write_card(
            folders[name], {"name": name, "page_default": True} if is_default else {"name": name}
        )
    picture = tmp_path / "docs/real-noise.png"
    listed = [folders["default"], folders["photo"]]
    assert evaluate.picture_model(listed, picture) == folders["photo"]
    others = [folders["default"], folders["fast"]]
    assert evaluate.picture_model(others, picture) == folders["default"]  # none drawn yet
    picture.parent.mkdir()
    picture.write_bytes(b"drawn before")
    assert evaluate.picture_model(others, picture) is None
    assert evaluate.picture_model(listed, picture) == folders["photo"]
