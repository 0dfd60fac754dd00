"""The measured halo (training/halo.py): the smallest context that keeps tiled = whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import keras
import pytest

from training import card, halo

ROOT = Path(__file__).resolve().parents[1]


def test_the_measured_halo_is_the_smallest_that_keeps_tiles_within_a_grey_level() -> None:
    import training.models  # noqa: F401

    model = keras.saving.load_model(ROOT / "models/fast" / card.KERAS_NAME)
    model_card = card.read_card(ROOT / "models/fast")
    images = halo.measure_images(count=1)
    found = halo.smallest_context(model, model_card, images)
    assert found["halo"] < model_card["receptive_field"]
    assert found["max_grey_diff"] <= halo.MAX_GREY_DIFF
    less = halo.tiled_difference(
        model,
        images,
        model_card["size_multiple"],
        model_card["receptive_field"],
        found["halo"] - model_card["size_multiple"],
    )
    assert less["max_grey_diff"] > halo.MAX_GREY_DIFF  # one step less would not do


def test_update_card_keeps_the_receptive_field_beside_the_halo(tmp_path: Path) -> None:
    model_dir = tmp_path / "fast"
    shutil.copytree(ROOT / "models/fast", model_dir)
    before = card.read_card(model_dir)
    card.write_card(model_dir, {**before, "halo": before["receptive_field"]})
    # One crop (the card's measurement used three): the card path, not the measure, is tested
    # here; the test above checks the measure on one crop too.
    assert halo.main([str(model_dir), "--update-card", "--crops", "1"]) == 0
    after = card.read_card(model_dir)
    assert after["receptive_field"] == before["receptive_field"]
    assert after["halo"] < after["receptive_field"]
    assert after["halo"] % after["size_multiple"] == 0
    assert after["halo_measurement"]["max_grey_diff"] <= halo.MAX_GREY_DIFF
    assert after["halo_measurement"]["images"].startswith("1 CBSD68 crops")


@pytest.mark.parametrize("crops", ["0", "two"])
def test_crops_must_be_a_whole_number_of_at_least_one(crops: str, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        halo.parse_args(["models/fast", "--crops", crops])
    assert f"must be a whole number of at least 1, not '{crops}'" in capsys.readouterr().err


def test_a_folder_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no model.keras"):
        halo.main([str(tmp_path)])
