"""The dead-leaves texture the learned level trains with: its law, and that it adds detail
at every scale without noise."""

from __future__ import annotations

import numpy as np

from training import camera_noise, dead_leaves, train_level
from training.strength import estimate_noise


def test_the_radii_follow_the_scale_invariant_law() -> None:
    """Density r^-3: as many discs between 1 and 2 px as four times those between 2 and 4."""
    radii = dead_leaves._radii(np.random.default_rng(0), 200_000)
    assert dead_leaves.RADII[0] <= radii.min() and radii.max() <= dead_leaves.RADII[1]
    small = np.count_nonzero((radii >= 1) & (radii < 2))
    large = np.count_nonzero((radii >= 2) & (radii < 4))
    assert 3.8 < small / large < 4.2


def test_an_image_is_made_of_whole_palette_colours() -> None:
    palette = np.array([[0.1, 0.2, 0.3], [0.9, 0.5, 0.1], [0.4, 0.4, 0.4]], np.float32)
    image = dead_leaves.dead_leaves((64, 48), palette, np.random.default_rng(1))
    assert image.shape == (64, 48, 3)
    colours = {tuple(c) for c in image.reshape(-1, 3)}
    assert colours == {tuple(c) for c in palette}  # every colour used, no blend, no gap


def test_a_flat_crop_gets_texture_at_fine_and_coarse_scales_but_no_noise() -> None:
    """Fine detail (the hand-made estimate's finest reading rises) and coarse structure
    (8-px block means differ), in range; flat insides: most neighbours equal."""
    flat = np.full((96, 96, 3), 0.5, np.float32)
    rng = np.random.default_rng(2)
    textured = [dead_leaves.with_texture(flat, rng) for _ in range(8)]
    for image in textured:
        assert image.min() >= 0 and image.max() <= 1 and image.dtype == np.float32
    u8 = [np.round(t * 255).astype(np.uint8) for t in textured]
    assert np.median([estimate_noise(t).fine for t in u8]) > 1.0
    blocks = [t.reshape(12, 8, 12, 8, 3).mean(axis=(1, 3)).std() for t in textured]
    assert np.median(blocks) * 255 > 2.0
    same = [np.mean(np.all(t[:, 1:] == t[:, :-1], axis=-1)) for t in textured]
    assert np.median(same) > 0.5


def test_a_textured_pair_is_labelled_with_its_noise_alone() -> None:
    """The texture goes into the clean side too: the label is the RMS of noisy - target."""
    clean = np.full((48, 48, 3), 0.4, np.float32)
    noisy, target, rms = train_level.textured_pair(clean, np.random.default_rng(3), False, 1.0)
    assert target.std() > 0.005  # the target carries the texture
    assert rms == camera_noise.strength(noisy, target)
    _, plain, _ = train_level.textured_pair(clean, np.random.default_rng(3), False, 0.0)
    assert not np.allclose(plain, target)
