"""Training pieces on tiny generated data (seconds each)."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from training import camera_noise, card, data, models, train
from training.inference import denoise_rgb
from training.metrics import psnr_uint8
from training.noise import SyntheticNoise, seeded_gaussian_noise

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """Six small RGB and gray images and one corrupt file."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(4):
        smooth = np.kron(rng.random((9, 10, 3)), np.ones((10, 10, 1)))
        Image.fromarray((smooth * 255).astype(np.uint8)).save(folder / f"rgb{i}.png")
    for i in range(2):
        Image.fromarray((rng.random((80, 70)) * 255).astype(np.uint8), "L").save(
            folder / f"g{i}.jpg"
        )
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 definitely not a jpeg")
    return folder


def test_corrupt_files_are_skipped_with_their_name(image_folder: Path, caplog) -> None:  # noqa: ANN001
    with caplog.at_level(logging.WARNING):
        images = data.load_images([image_folder], min_size=32)
    assert len(images) == 6
    assert all(im.dtype == np.uint8 and im.shape[-1] == 3 for im in images)
    assert "broken.jpg" in caplog.text


def test_a_folder_without_images_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no pictures here")
    with pytest.raises(data.NoImagesError, match="no usable image"):
        data.load_images([tmp_path])
    with pytest.raises(SystemExit, match="no usable image"):
        train.main(["--data", str(tmp_path), "--val", str(tmp_path)])


@pytest.mark.parametrize("sampler", ["tf.data", "PyDataset"])
def test_patches_have_the_right_shape_range_and_gray_share(
    image_folder: Path, sampler: str
) -> None:
    images = data.load_images([image_folder], min_size=32)
    if sampler == "tf.data":
        clean, target = next(iter(data.patch_dataset(images, 32, 64, seed=1, gray_fraction=0.5)))
        clean, target = np.asarray(clean), np.asarray(target)
    else:
        clean, target = data.PatchSequence(images, 32, 64, steps=1, seed=1, gray_fraction=0.5)[0]
    assert clean.shape == (64, 32, 32, 3) and clean.dtype == np.float32
    assert clean.min() >= 0.0 and clean.max() <= 1.0
    np.testing.assert_array_equal(clean, target)
    gray = np.all(clean == clean[..., :1], axis=(1, 2, 3))
    assert 10 < gray.sum() < 54  # about half; the test images have colour


def test_synthetic_noise_statistics() -> None:
    clean = np.empty((256, 24, 24, 3), np.float32)
    clean[:128] = [0.3, 0.5, 0.7]  # colour
    clean[128:] = np.linspace(0.2, 0.8, 24 * 24, dtype=np.float32).reshape(24, 24, 1)  # gray
    layer = SyntheticNoise(sigma_max=75.0, quantized_fraction=0.0, seed=3)
    noisy = np.asarray(layer(clean))
    sigma = noisy[:, 0, 0, 3]
    assert noisy.shape == (256, 24, 24, 4)
    assert sigma.min() >= 0 and sigma.max() <= 75 / 255 and sigma.std() > 0.05
    np.testing.assert_allclose(noisy[..., 3], sigma[:, None, None] * np.ones((24, 24)))
    residual = noisy[..., :3] - clean
    measured = residual.reshape(256, -1).std(axis=1)
    np.testing.assert_allclose(measured, sigma, rtol=0.1, atol=0.005)  # 576 px per patch
    gray_noise = residual[128:]
    np.testing.assert_allclose(gray_noise[..., 0], gray_noise[..., 2], atol=1e-6)
    colour_noise = residual[:128]
    assert np.abs(colour_noise[..., 0] - colour_noise[..., 2]).mean() > 0.01


def test_quantized_patches_look_like_8_bit_files() -> None:
    clean = np.full((32, 16, 16, 3), 0.5, np.float32)
    noisy = np.asarray(SyntheticNoise(quantized_fraction=1.0, seed=0)(clean))[..., :3]
    assert noisy.min() >= 0 and noisy.max() <= 1
    np.testing.assert_allclose(noisy * 255, np.round(noisy * 255), atol=1e-4)


def test_the_model_runs_on_odd_sizes_through_padding() -> None:
    model = models.build("fast")
    noisy = np.random.default_rng(0).random((37, 53, 3)).astype(np.float32)
    out = denoise_rgb(model, noisy, 25.0, multiple=models.size_multiple("fast"), halo=53)
    assert out.shape == (37, 53, 3)


def test_tiles_with_the_halo_give_the_whole_image_result() -> None:
    """Python's tiled path (bench, big photos) matches the whole image, odd edge tiles
    included; a halo too small for the network would show up as a difference."""
    model = models.build("fast")
    noisy = np.random.default_rng(3).random((75, 98, 3)).astype(np.float32)
    shape = {"multiple": models.size_multiple("fast"), "halo": 53}
    whole = denoise_rgb(model, noisy, 25.0, **shape)
    tiled = denoise_rgb(model, noisy, 25.0, tile=20, **shape)  # rounds down to 16
    np.testing.assert_allclose(tiled, whole, atol=1e-5)
    short = denoise_rgb(model, noisy, 25.0, multiple=8, halo=8, tile=16)
    assert np.abs(short - whole).max() > 1e-3  # the test can tell a seam


def test_halo_bounds_the_receptive_field() -> None:
    """With random weights, a changed input pixel never moves outputs farther than
    `halo` pixels away, and does reach nearly that far (ReLUs that happen to be off
    can shorten a path by a few pixels): the halo is safe and not wasteful."""
    halo = card.receptive_halo("fast")
    model = models.build("fast")
    rng = np.random.default_rng(1)
    base_input = rng.random((1, 256, 256, 4)).astype(np.float32)
    base = np.asarray(model(base_input))[0]
    spreads = []
    for phase in range(8):
        centre = 128 + phase
        x = base_input.copy()
        x[0, centre, centre, :3] += 1.0
        changed = np.abs(np.asarray(model(x))[0] - base).max(-1) > 1e-6
        rows, cols = np.nonzero(changed)
        spreads.append(int(np.maximum(abs(rows - centre), abs(cols - centre)).max()))
    assert halo - 4 <= max(spreads) <= halo, (spreads, halo)


def test_card_numbers_are_computed_within_budgets() -> None:
    default, fast = (
        card.describe(models.build("default"), "default"),
        card.describe(models.build("fast"), "fast"),
    )
    assert default["parameters"] <= 2_000_000 and default["macs_per_pixel"] <= 300_000
    assert fast["macs_per_pixel"] <= 80_000
    assert default["size_multiple"] == fast["size_multiple"] == 8


def test_a_few_steps_lower_the_loss() -> None:
    args = train.parse_args(["--arch", "fast", "--lr", "1e-3", "--seed", "0"])
    _, trainer = train.make_trainer(args, 40)
    clean = np.kron(np.random.default_rng(2).random((8, 4, 4, 3)), np.ones((1, 8, 8, 1)))
    clean = clean.astype(np.float32)
    before = trainer.evaluate(clean, clean, verbose=0)[0]
    trainer.fit(clean, clean, batch_size=8, epochs=30, verbose=0)
    after = trainer.evaluate(clean, clean, verbose=0)[0]
    assert after < 0.7 * before


def tiny_run(image_folder: Path, tmp_path: Path, *flags: str) -> list[str]:
    """Command-line arguments for a seconds-long training run of `fast` on tiny data."""
    return [
        "--arch",
        "fast",
        "--data",
        str(image_folder),
        "--val",
        str(image_folder),
        "--val-size",
        "32",
        "--patch-size",
        "32",
        "--out",
        str(tmp_path / "out"),
        "--workdir",
        str(tmp_path / "run"),
        *flags,
    ]


class StopAt(keras.callbacks.Callback):
    """Simulates a killed run: raises at the start of a given epoch."""

    def __init__(self, epoch: int) -> None:
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if epoch == self.epoch:
            raise KeyboardInterrupt("killed")


def test_resume_continues_from_where_it_stopped(image_folder: Path, tmp_path: Path) -> None:
    argv = tiny_run(
        image_folder,
        tmp_path,
        "--val-count",
        "2",
        "--batch-size",
        "4",
        "--steps-per-epoch",
        "3",
        "--epochs",
        "4",
    )
    with pytest.raises(KeyboardInterrupt):
        train.main(argv, extra_callbacks=[StopAt(2)])
    history = (tmp_path / "run/history.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in history[1:]] == ["0", "1"]
    train.main([*argv, "--resume"])
    history = (tmp_path / "run/history.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in history[1:]] == ["0", "1", "2", "3"]
    saved = card.read_card(tmp_path / "out")
    assert saved["training"]["steps"] == 12 and saved["architecture"] == "fast"
    assert (
        keras.saving.load_model(tmp_path / "out" / card.KERAS_NAME).count_params()
        == (saved["parameters"])
    )


def three_epoch_run(image_folder: Path, tmp_path: Path, *flags: str) -> list[str]:
    """tiny_run for 3 epochs of 3 steps at a learning rate high enough that the weights
    of successive epochs clearly differ (for the weight-averaging tests)."""
    return tiny_run(
        image_folder,
        tmp_path,
        "--val-count",
        "1",
        "--batch-size",
        "4",
        "--steps-per-epoch",
        "3",
        "--epochs",
        "3",
        "--lr",
        "1e-2",
        *flags,
    )


class WeightsAtEpochStart(keras.callbacks.Callback):
    """Records, as each epoch begins, the model's weights and the optimizer's averages."""

    def __init__(self, record: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        super().__init__()
        self.record = record

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if not self.model.optimizer.built:
            return  # the first epoch: nothing averaged yet
        flat = [np.ravel(keras.ops.convert_to_numpy(v)) for v in self.model.trainable_variables]
        averages = self.model.optimizer._model_variables_moving_average  # noqa: SLF001
        flat_avg = [np.ravel(keras.ops.convert_to_numpy(v)) for v in averages]
        self.record[epoch] = (np.concatenate(flat), np.concatenate(flat_avg))


def test_ema_run_validates_the_average_and_resumes_from_the_raw_weights(
    image_folder: Path, tmp_path: Path
) -> None:
    """--ema: the saved model is the weights' moving average, not the last step's; a
    killed run resumes with the last step's weights in the model and the average in the
    optimizer, exactly as they were (a backup taken after the swap would restore the
    average into the model and lose the raw weights)."""
    argv = three_epoch_run(image_folder, tmp_path, "--ema", "0.5")
    before: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    with pytest.raises(KeyboardInterrupt):
        train.main(argv, extra_callbacks=[WeightsAtEpochStart(before), StopAt(2)])
    raw, average = before[2]
    assert np.abs(raw - average).max() > 1e-3  # the average is not the last step
    after: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    train.main([*argv, "--resume"], extra_callbacks=[WeightsAtEpochStart(after)])
    # (Keras swaps the two by adding and subtracting: equal up to float rounding)
    np.testing.assert_allclose(after[2][0], raw, atol=1e-6)
    np.testing.assert_allclose(after[2][1], average, atol=1e-6)
    saved = card.read_card(tmp_path / "out")
    assert saved["training"]["weights_ema_momentum"] == 0.5


def test_an_ema_momentum_outside_0_1_is_refused_by_name(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        train.parse_args(["--ema", "1"])
    assert "--ema must be a momentum in [0, 1), not 1" in capsys.readouterr().err


class DenoiserWeightsAtEpochEnd(keras.callbacks.Callback):
    """Records the denoiser's weights (the trainer's last layer) as each epoch ends."""

    def __init__(self, record: dict[int, list[np.ndarray]]) -> None:
        super().__init__()
        self.record = record

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.record[epoch] = self.model.layers[-1].get_weights()


def test_average_last_saves_the_mean_of_the_late_epochs_across_a_resume(
    image_folder: Path, tmp_path: Path
) -> None:
    """--average-last 0.67 of 3 epochs (the last 2): the saved model is the mean of the
    weights at the end of epochs 2 and 3, also when the run was killed after epoch 2 and
    resumed (the running sum is kept in the workdir); the card says which epochs it
    averaged."""
    argv = three_epoch_run(image_folder, tmp_path, "--average-last", "0.67")
    ends: dict[int, list[np.ndarray]] = {}
    with pytest.raises(KeyboardInterrupt):
        train.main(argv, extra_callbacks=[DenoiserWeightsAtEpochEnd(ends), StopAt(2)])
    train.main([*argv, "--resume"], extra_callbacks=[DenoiserWeightsAtEpochEnd(ends)])
    assert sorted(ends) == [0, 1, 2]
    expected = [(a + b) / 2 for a, b in zip(ends[1], ends[2], strict=True)]
    saved = keras.saving.load_model(tmp_path / "out" / card.KERAS_NAME).get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(ends[1], ends[2], strict=True))
    for got, want in zip(saved, expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)
    training_card = card.read_card(tmp_path / "out")["training"]
    assert training_card["weights_averaged_over_epochs"] == [2, 3]
    assert training_card["averaged_val_psnr"]["val_psnr"] > 0


def test_an_average_last_above_1_is_refused_by_name(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        train.parse_args(["--average-last", "1.5"])
    assert "--average-last must be a fraction of the epochs, not 1.5" in capsys.readouterr().err


def test_psnr_of_a_known_mse() -> None:
    reference = np.full((10, 10), 100, np.uint8)
    estimate = reference.copy()
    estimate[::2] += 2  # half the pixels off by 2: MSE = 2
    assert psnr_uint8(reference, estimate) == pytest.approx(10 * np.log10(255**2 / 2))
    assert psnr_uint8(reference, reference) == float("inf")


def test_evaluation_noise_is_seeded_and_unclipped() -> None:
    clean = np.zeros((64, 64, 3), np.float32)
    a = seeded_gaussian_noise(clean, 25, "x.png")
    np.testing.assert_array_equal(a, seeded_gaussian_noise(clean, 25, "x.png"))
    assert a.min() < 0  # not clipped
    assert not np.array_equal(a, seeded_gaussian_noise(clean, 25, "y.png"))
    assert a.std() * 255 == pytest.approx(25, rel=0.05)


def test_training_runs_under_a_distribution_strategy(image_folder: Path, tmp_path: Path) -> None:
    argv = tiny_run(
        image_folder,
        tmp_path,
        "--val-count",
        "1",
        "--batch-size",
        "2",
        "--steps-per-epoch",
        "2",
        "--epochs",
        "1",
        "--strategy",
        "mirrored",
    )
    assert train.main(argv) == 0
    assert (tmp_path / "out" / card.KERAS_NAME).is_file()
    assert any((tmp_path / "run" / "logs").rglob("*tfevents*"))  # TensorBoard logs


def test_evaluate_writes_the_table_the_grid_and_the_card(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    photos = tmp_path / "my-photos"
    photos.mkdir()
    from tests.test_page import synthetic_photo

    for i in range(2):
        Image.fromarray(synthetic_photo((96, 80), seed=i)).save(photos / f"p{i}.png")
    model_dir = tmp_path / "fast"
    shutil.copytree(root / "models/fast", model_dir)
    from training.report_record import Record

    (tmp_path / "docs").mkdir()
    protocol = {"datasets": [str(photos)], "sigmas": [25.0], "limit": None, "crop": None}
    earlier_row = {"my-photos": {"25": {"psnr": 29.5, "ssim": 0.8, "images": 2}}}
    earlier = Record(protocol, {"earlier": "models/earlier"}, {"earlier": earlier_row}, {})
    (tmp_path / "docs/evaluation.json").write_text(earlier.to_json())  # other model's run
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "training.evaluate",
            str(model_dir),
            "--datasets",
            str(photos),
            "--sigmas",
            "25",
            "--cbm3d-limit",
            "1",
            "--cache",
            str(tmp_path / "cache"),
            "--docs",
            str(tmp_path / "docs"),
            "--update-card",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = (tmp_path / "docs/evaluation.md").read_text()
    assert "| noisy |" in table and "| CBM3D |" in table and "| fast |" in table
    assert "| earlier | 29.50 / 0.800 (2) |" in table  # kept: same protocol
    assert f"training.evaluate models/earlier {model_dir} --cbm3d-limit 1 --datasets" in table
    assert Image.open(tmp_path / "docs/evaluation.png").size[0] == 4 * 96 + 3 * 4
    assert f"![noisy | CBM3D | fast | clean: the first image of {photos} at σ 25" in table
    # The picture shows the latest full run: one of some of the record's models redraws
    # nothing (here the record also holds `earlier`, whose images the picture would lose).
    (tmp_path / "docs/evaluation.png").write_bytes(b"an earlier picture")
    again = subprocess.run(
        [sys.executable, "-m", "training.evaluate", str(model_dir), "--datasets", str(photos),
         "--sigmas", "25", "--docs", str(tmp_path / "docs"), "--cache", str(tmp_path / "cache")],
        cwd=root, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert "evaluation.png kept" in again.stderr
    assert (tmp_path / "docs/evaluation.png").read_bytes() == b"an earlier picture"
    again_table = (tmp_path / "docs/evaluation.md").read_text()
    assert "![noisy | CBM3D | fast | clean:" in again_table
    # The command still regenerates every row; the time is said to be this run's alone.
    assert f"training.evaluate models/earlier {model_dir} --cbm3d-limit 1" in again_table
    assert f"(the latest run, of `{model_dir}`, took " in again_table
    evaluation = card.read_card(model_dir)["evaluation"]
    scores = evaluation["my-photos"]["25"]
    assert (
        scores["images"] == 2
        and scores["psnr"] > evaluation["noisy"]["my-photos"]["25"]["psnr"] + 5
    )
    assert any((tmp_path / "cache").rglob("*.png"))  # CBM3D results cached


def test_photo_noise_run_trains_on_camera_pairs_and_says_so_in_its_card(
    image_folder: Path, tmp_path: Path
) -> None:
    """--noise photo: the numpy camera-noise pairs feed the network directly (no noise
    layer), validation uses the seeded camera mix, the card records the mix."""
    argv = tiny_run(
        image_folder,
        tmp_path,
        "--noise",
        "photo",
        "--val-count",
        "2",
        "--batch-size",
        "4",
        "--steps-per-epoch",
        "3",
        "--epochs",
        "2",
        "--workers",
        "1",
        "--soft-share",
        "0.8",
        "--heavy-share",
        "0.25",
        "--under-tell",
        "0.5",
        "--page-told",
        "0.5",
        "--init-from",
        str(ROOT / "models/photo-fast"),
        "--init-layers",
        "all",
        "--mix",
        "camera=3,gaussian=1",
    )
    args = train.parse_args(argv)
    _, trainer = train.make_trainer(args, 6)
    assert trainer.input_shape[-1] == 4  # the pipeline makes the noisy input + strength map
    assert train.main(argv) == 0
    saved = card.read_card(tmp_path / "out")
    assert saved["training"]["noise"] == "photo"
    assert saved["training"]["noise_mix"] == {"camera": 0.75, "gaussian": 0.25}
    assert saved["contract"]["input"] == card.PHOTO_STRENGTH_MAP  # says what channel 3 means
    assert "best_val_psnr_camera_mix" in saved["training"]
    assert saved["training"]["softened"]["share"] == 0.8
    assert saved["training"]["heavy_camera_share"] == 0.25
    assert saved["training"]["under_told"]["share"] == 0.5
    assert saved["training"]["under_told"]["above_strength"] == camera_noise.UNDER_TELL_FROM
    page_told = saved["training"]["page_told"]
    assert page_told["share"] == 0.5
    assert page_told["calibration"] == card.read_card(ROOT / "models/photo-fast")["auto_strength"]
    history = (tmp_path / "run/history.csv").read_text().splitlines()
    assert len(history) == 3 and "val_psnr" in history[0]


@pytest.mark.parametrize("flag", ["--soft-share", "--heavy-share", "--under-tell", "--page-told"])
def test_a_share_outside_0_1_is_refused_by_name(capsys, flag: str) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        train.parse_args(["--noise", "photo", flag, "1.5"])
    assert f"{flag} must be between 0 and 1, not 1.5" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--heavy-share", "0.3"),
        ("--under-tell", "0.3"),
        ("--page-told", "0.3"),
        ("--mix", "camera=1"),
    ],
)
def test_camera_noise_options_on_gaussian_noise_are_refused(capsys, flag: str, value: str) -> None:  # noqa: ANN001
    """They shape camera-noise pairs; on white noise they would silently do nothing."""
    with pytest.raises(SystemExit):
        train.parse_args([flag, value])
    assert "need --noise photo" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--page-told", "0.5"], "--page-told tells pairs what the page reads for --init-from"),
        (
            ["--page-told", "0.6", "--under-tell", "0.6", "--init-from", "models/photo"],
            "--under-tell and --page-told share the same pairs: together at most 1, not 1.2",
        ),
        (["--page-told", "0.5", "--init-from", "no/such/model"], "--page-told: "),
    ],
)
def test_page_told_without_a_calibrated_start_is_refused(
    capsys, flags: list[str], message: str
) -> None:  # noqa: ANN001
    """It reads the page's strength for --init-from's model: no such model, or shares of
    the same pairs over 1, end the run before it starts."""
    with pytest.raises(SystemExit):
        train.parse_args(["--noise", "photo", *flags])
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("camera=1,shot=1", "'shot' is not a mode"),
        ("camera=1,gaussian=-0.1", "the share must be a number >= 0"),
        ("camera=x", "the share must be a number >= 0"),
        ("camera=nan", "the share must be a number >= 0"),
        ("camera=0,gaussian=0", "the shares must add up to more than 0"),
    ],
)
def test_a_mix_that_is_not_shares_of_modes_is_refused_by_name(
    capsys,  # noqa: ANN001
    value: str,
    message: str,
) -> None:
    with pytest.raises(SystemExit):
        train.parse_args(["--noise", "photo", "--mix", value])
    assert message in capsys.readouterr().err


def test_the_mix_reaches_the_pairs() -> None:
    """Only the modes given are drawn: white noise alone gives targets equal to the
    clean patch and noise with no correlation between neighbours."""
    args = train.parse_args(["--noise", "photo", "--mix", "gaussian=1", "--soft-share", "0"])
    assert args.mix == {"gaussian": 1.0}
    clean = np.random.default_rng(1).uniform(0.2, 0.8, (64, 64, 3)).astype(np.float32)
    pair = partial(camera_noise.realistic_pair, mix=args.mix, soft_share=args.soft_share)
    for seed in range(10):
        noisy, target, _ = pair(clean, np.random.default_rng(seed))
        assert np.array_equal(target, clean)
        residual = (noisy - clean)[..., 0]
        neighbours = np.corrcoef(residual[:, :-1].ravel(), residual[:, 1:].ravel())[0, 1]
        assert abs(neighbours) < 0.1
