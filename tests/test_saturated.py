"""The saturated-colour proxy set (bench/saturated.py): its content has the statistics
that make it a stand-in for McMaster-like images, not only the right shapes. No model or
CBM3D runs here (minutes on CI); `python -m bench.saturated` does that."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench import saturated


@pytest.fixture(scope="module")
def images() -> list[np.ndarray]:
    return saturated.generate(seed=0)


def test_eight_rgb_images_of_256(images: list[np.ndarray]) -> None:
    assert len(images) == 8
    for image in images:
        assert image.shape == (256, 256, 3) and image.dtype == np.uint8


def test_the_same_seed_gives_the_same_set_and_another_seed_another(
    images: list[np.ndarray],
) -> None:
    again = saturated.generate(seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(images, again, strict=True))
    other = saturated.generate(seed=1)
    assert not any(np.array_equal(a, b) for a, b in zip(images, other, strict=True))
    # CBM3D's cache is keyed by content: a regenerated set never reuses another's results
    from training.evaluate import cbm3d_cache_file

    def cached(image: np.ndarray) -> Path:
        return cbm3d_cache_file(Path("c"), "saturated", 25, Path("saturated-00.png"), image)

    assert cached(again[0]) == cached(images[0])
    assert cached(other[0]) != cached(images[0])


def test_colours_are_strongly_saturated(images: list[np.ndarray]) -> None:
    stats = saturated.statistics(images)
    assert stats.saturation > 0.65  # natural photos (CBSD68) are near 0.3
    for image in images:
        assert saturated.saturation_of(image).mean() > 0.55
        # nearly every pixel clearly coloured, not gray
        assert np.mean(saturated.saturation_of(image) > 0.4) > 0.85


def test_gradients_run_across_hue(images: list[np.ndarray]) -> None:
    """Each image covers several of 12 hue sectors (a gradient across hue, not one
    colour), each with at least 2 % of the pixels."""
    for image in images:
        rgb = image.astype(np.float64)
        high, low = rgb.max(-1), rgb.min(-1)
        chroma = np.maximum(high - low, 1e-9)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        hue = np.where(
            high == r,
            np.mod((g - b) / chroma, 6),
            np.where(high == g, (b - r) / chroma + 2, (r - g) / chroma + 4),
        )
        sectors = np.bincount((hue * 2).astype(int).ravel().clip(0, 11), minlength=12)
        assert np.sum(sectors / hue.size >= 0.02) >= 4


def test_mostly_smooth_with_some_hard_edges(images: list[np.ndarray]) -> None:
    """Smooth gradients: most neighbouring pixels differ by at most 2 levels and the mean
    difference is small; yet a share of steps above 40 levels (hard edges and lines),
    in every image."""
    stats = saturated.statistics(images)
    assert stats.neighbour_diff < 4.0
    assert stats.smooth_share > 0.8
    for image in images:
        one = saturated.statistics([image])
        assert 0.002 < one.edge_share < 0.05, one
        assert one.smooth_share > 0.7, one


def test_values_span_most_of_the_range(images: list[np.ndarray]) -> None:
    stats = saturated.statistics(images)
    assert stats.low < 30 and stats.high > 225
    for image in images:
        assert np.percentile(image, 1) < 40 and np.percentile(image, 99) > 215


def test_shading_varies_brightness_inside_regions(images: list[np.ndarray]) -> None:
    """Low-frequency shading: a blurred copy (no edges left) still varies in brightness."""
    from scipy import ndimage

    for image in images:
        brightness = ndimage.uniform_filter(image.astype(np.float64).max(-1), 32)
        assert brightness.max() - brightness.min() > 30


def test_write_set_writes_pngs_that_read_back_and_drops_stale_ones(
    images: list[np.ndarray], tmp_path: Path
) -> None:
    (tmp_path / "saturated-99.png").write_bytes(b"old")
    paths = saturated.write_set(images, tmp_path)
    assert sorted(tmp_path.glob("*.png")) == paths
    for path, image in zip(paths, images, strict=True):
        assert np.array_equal(np.asarray(Image.open(path)), image)


def test_refuses_to_write_its_report_into_docs() -> None:
    with pytest.raises(SystemExit, match="docs/"):
        saturated.main(["--docs", str(saturated.ROOT / "docs" / "saturated")])


def test_the_edge_mask_marks_hard_edges_and_lines_not_gradients(
    images: list[np.ndarray],
) -> None:
    """The region split's mask: a minority of pixels, on the steps themselves, none in a
    smooth gradient."""
    for image in images:
        edges = saturated.edge_mask(image)
        assert 0.03 < edges.mean() < 0.35
        steps = np.abs(np.diff(image.astype(np.int16), axis=1)).max(-1) > 40
        assert edges[:, 1:][steps].all()
    y, x = np.mgrid[0:256, 0:256]
    ramp = np.stack([x, y, 255 - x], axis=-1).astype(np.uint8)
    assert not saturated.edge_mask(ramp).any()
    square = ramp.copy()
    square[100:150, 100:150] = (255, 0, 0)
    assert saturated.edge_mask(square)[100, 125] and not saturated.edge_mask(square)[50, 50]


def test_region_psnr_is_psnr_over_the_masked_pixels() -> None:
    clean = np.full((8, 8, 3), 100, np.uint8)
    estimate = clean.copy()
    estimate[:4] += 10  # error 10 on the top half only
    mask = np.zeros((8, 8), bool)
    mask[:4] = True
    assert saturated.region_psnr(clean, estimate, mask) == pytest.approx(
        10 * np.log10(255**2 / 100)
    )
    assert saturated.region_psnr(clean, estimate, ~mask) > 100
