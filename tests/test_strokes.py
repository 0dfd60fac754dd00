"""Synthetic hard edges (training/strokes.py) and `--synthetic-edges` in a training run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench.saturated import edge_mask, saturation_of
from training import card, strokes, train


def gradient(side: int = 300) -> np.ndarray:
    """A smooth, dull photo stand-in: no step anywhere, low saturation."""
    ramp = np.linspace(90, 150, side)
    return np.stack(np.broadcast_arrays(ramp[None], ramp[:, None], 120.0), -1).astype(np.uint8)


def test_strokes_add_hard_saturated_anti_aliased_edges_over_the_photo() -> None:
    base = np.full((300, 280, 3), (110, 120, 130), np.uint8)  # flat: any crop is the same
    images = strokes.stroke_images([base], 6, seed=1)
    assert [im.shape for im in images] == [(strokes.SIDE, strokes.SIDE, 3)] * 6
    for image in images:
        changed = np.abs(image.astype(int) - base[: strokes.SIDE, : strokes.SIDE]).max(-1) > 2
        assert 0.002 < changed.mean() < 0.8  # strokes, and the photo still shows
        assert edge_mask(image).mean() > 0.01
        assert (saturation_of(image[changed]) > 0.7).mean() > 0.3 or image[changed].std() > 60
        # anti-aliased: a stroke's border blends it with what lies beneath, so there are
        # more colours among the changed pixels than the at most 7 strokes drawn
        assert len(np.unique(image[changed], axis=0)) > 7


def test_strokes_are_the_same_for_the_same_seed() -> None:
    first, second = (strokes.stroke_images([gradient()], 2, seed=4) for _ in range(2))
    other = strokes.stroke_images([gradient()], 2, seed=5)
    np.testing.assert_array_equal(np.stack(first), np.stack(second))
    assert not np.array_equal(np.stack(first), np.stack(other))


def photo_folder(tmp_path: Path, side: int) -> Path:
    folder = tmp_path / f"photos-{side}"
    folder.mkdir()
    for i in range(2):
        Image.fromarray(np.roll(gradient(side), 7 * i, axis=1)).save(folder / f"p{i}.png")
    return folder


def run_flags(folder: Path, tmp_path: Path, *flags: str) -> list[str]:
    return [
        *("--arch", "fast", "--data", str(folder), "--val", str(folder), "--val-size", "64"),
        *("--val-count", "1", "--patch-size", "64", "--batch-size", "2"),
        *("--steps-per-epoch", "2", "--epochs", "1"),
        *("--out", str(tmp_path / "out"), "--workdir", str(tmp_path / "run"), *flags),
    ]


def test_a_run_with_synthetic_edges_trains_on_them_and_says_so(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    caplog.set_level("INFO")
    train.main(run_flags(photo_folder(tmp_path, 256), tmp_path, "--synthetic-edges", "3"))
    assert "5 training images" in caplog.text
    assert card.read_card(tmp_path / "out")["training"]["synthetic_edges"].startswith("3 images")


def test_synthetic_edges_over_photos_too_small_is_a_clear_error(tmp_path: Path) -> None:
    flags = run_flags(photo_folder(tmp_path, 128), tmp_path, "--synthetic-edges", "3")
    with pytest.raises(SystemExit, match="--synthetic-edges needs a training photo of at least"):
        train.main(flags)


def test_a_negative_count_of_synthetic_edges_is_refused(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        train.parse_args(["--synthetic-edges", "-2"])
    assert "--synthetic-edges is a count of images, not -2" in capsys.readouterr().err
