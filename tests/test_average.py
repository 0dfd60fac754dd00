"""python -m training.average: the (weighted) average of models of one architecture."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

import training.models  # noqa: F401  (registers the custom layers)
from training import average, card

ROOT = Path(__file__).resolve().parents[1]


def test_the_average_is_the_mean_of_each_weight_and_the_card_says_so(tmp_path: Path) -> None:
    inputs = [ROOT / "models/fast", ROOT / "models/photo-fast"]  # one architecture
    assert average.main([str(tmp_path / "soup"), *map(str, inputs)]) == 0
    soup = keras.saving.load_model(tmp_path / "soup" / card.KERAS_NAME)
    a, b = (keras.saving.load_model(m / card.KERAS_NAME).get_weights() for m in inputs)
    got = soup.get_weights()
    assert len(got) == len(a)
    assert all(np.allclose(g, (x + y) / 2, atol=1e-6) for g, x, y in zip(got, a, b, strict=True))
    assert not np.allclose(got[0], a[0])  # the two inputs really differ
    saved = card.read_card(tmp_path / "soup")
    assert saved["training"]["averaged_from"] == list(map(str, inputs))
    assert saved["evaluation"] == {} and "evaluation_real" not in saved
    assert saved["contract"] == card.read_card(inputs[0])["contract"]


def test_models_of_other_architectures_are_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    fast, default = str(ROOT / "models/fast"), str(ROOT / "models/default")
    assert average.main([str(tmp_path / "soup"), fast, default]) == 2
    err = capsys.readouterr().err
    assert f"{default} does not have the weights of {fast}" in err
    assert not (tmp_path / "soup").exists()  # nothing half-written


def test_a_missing_model_or_a_single_one_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    fast = str(ROOT / "models/fast")
    assert average.main([str(tmp_path / "soup"), fast, str(tmp_path / "nowhere")]) == 2
    assert f"no model.keras in {tmp_path / 'nowhere'}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        average.main([str(tmp_path / "soup"), fast])
    assert "at least two model folders" in capsys.readouterr().err


def test_weights_make_a_weighted_mean_recorded_on_the_card(tmp_path: Path) -> None:
    inputs = [ROOT / "models/fast", ROOT / "models/photo-fast"]
    out = tmp_path / "soup"
    assert average.main([str(out), *map(str, inputs), "--weights", "2", "1"]) == 0
    a, b = (keras.saving.load_model(m / card.KERAS_NAME).get_weights() for m in inputs)
    got = keras.saving.load_model(out / card.KERAS_NAME).get_weights()
    assert all(
        np.allclose(g, (2 * x + y) / 3, atol=1e-6) for g, x, y in zip(got, a, b, strict=True)
    )
    assert card.read_card(out)["training"]["averaged_weights"] == [0.666667, 0.333333]
    # averaging that soup again, unweighted, does not inherit its weights on the card
    assert average.main([str(tmp_path / "again"), str(out), str(inputs[1])]) == 0
    assert "averaged_weights" not in card.read_card(tmp_path / "again")["training"]


@pytest.mark.parametrize(
    ("weights", "message"),
    [(["1"], "one weight per model: 2 models, 1 weights"), (["1", "-1"], "must be >= 0")],
)
def test_bad_weights_are_refused_before_anything_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture, weights: list[str], message: str
) -> None:
    fast, photo_fast = str(ROOT / "models/fast"), str(ROOT / "models/photo-fast")
    with pytest.raises(SystemExit):
        average.main([str(tmp_path / "soup"), fast, photo_fast, "--weights", *weights])
    assert message in capsys.readouterr().err
    assert not (tmp_path / "soup").exists()
