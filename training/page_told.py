"""The page's auto strength as a training pair's strength map (`training.train --page-told`).

Why: a camera-noise model is trained to be told its noise's true RMS, but on a user's
photo it is told what the page reads (the hand-made estimate and the learned level,
mapped by the model's calibration: training/strength.py). On heavy phone noise that
reading scatters and runs low, so `photo` cleans 1.6 dB worse at the page's strength
than at the true RMS (docs/real-noise.md, session 21), and reading the noise right on
average bought only 0.2-0.4 dB of it. Under-telling by a random 0.6-1.0 (--under-tell)
took 2 dB; telling some pairs exactly what the page would read on them teaches the model
the estimate's own errors, content by content, so it leans on what it sees where the
estimate is wrong.

`PageStrength` is picklable (the trainer's worker processes each load the level once,
on first use) and reads a noisy patch as the page reads a photo of that size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from training import card
from training.strength import auto_strength


class PageStrength:
    """Callable: noisy float `[H, W, 3]` in [0, 1] -> the page's auto strength for it under
    the calibration of the model in `model_dir` (its card's `auto_strength`, with the
    learned level that calibration names)."""

    def __init__(self, model_dir: Path) -> None:
        model_card = card.read_card(model_dir)
        if not model_card.get("auto_strength"):
            raise ValueError(
                f"{model_dir}'s card has no auto_strength: the page would tell such a model "
                "its raw estimate, not a calibrated strength (fit one with python -m "
                "training.evaluate MODEL --real ... --calibrate)"
            )
        self.model_dir = Path(model_dir)
        self.card = model_card
        self._level: Any = None
        self._loaded = False

    def __getstate__(self) -> dict[str, Any]:
        # The Keras level stays behind: each process loads its own on first use.
        return {"model_dir": self.model_dir, "card": self.card, "_level": None, "_loaded": False}

    def level_model(self) -> Any:  # noqa: ANN401
        """The learned level the card's calibration names (None if it names none)."""
        if not self._loaded:
            from training.real_noise import load_level

            self._level = load_level(self.model_dir, self.card)
            self._loaded = True
        return self._level

    def __call__(self, noisy: np.ndarray) -> float:
        pixels = np.clip(np.round(noisy * 255.0), 0, 255).astype(np.uint8)
        return float(auto_strength(pixels, self.card, self.level_model()))
