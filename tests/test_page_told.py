"""The page's auto strength as a training pair's strength (training/page_told.py)."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

from training.page_told import PageStrength
from training.strength import auto_strength

ROOT = Path(__file__).resolve().parents[1]


def noisy_photo() -> np.ndarray:
    from tests.test_page import synthetic_photo

    rng = np.random.default_rng(3)
    clean = synthetic_photo((96, 96)).astype(np.float32)
    noise = rng.normal(0, 12, clean.shape)
    noise[:-1] += noise[1:]  # correlated, as a camera's: the calibration applies
    return np.clip(np.round(clean + noise), 0, 255) / np.float32(255)


def test_it_reads_what_the_page_would_and_survives_pickling() -> None:
    """The shipped `photo`'s reader gives exactly training.strength's auto strength with
    the learned level its card names, also after a trip to a worker process (pickled
    without the Keras level, which each process loads again)."""
    reader = PageStrength(ROOT / "models/photo")
    noisy = noisy_photo()
    pixels = np.round(noisy * 255).astype(np.uint8)
    expected = auto_strength(pixels, reader.card, reader.level_model())
    assert reader.level_model() is not None
    assert reader(noisy) == expected
    assert expected != auto_strength(pixels, reader.card)  # the level took part
    copy = pickle.loads(pickle.dumps(reader))
    assert copy._level is None
    assert copy(noisy) == expected


def test_a_model_without_a_calibration_is_refused_by_name(tmp_path: Path) -> None:
    model = tmp_path / "white"
    shutil.copytree(ROOT / "models/fast", model)
    saved = json.loads((model / "card.json").read_text())
    saved.pop("auto_strength", None)
    (model / "card.json").write_text(json.dumps(saved))
    with pytest.raises(ValueError, match="white's card has no auto_strength"):
        PageStrength(model)
