"""What a model must satisfy before it is converted: the contract and locality.

Each failure is a ConversionError with a one-line message for the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras

from training import card

# Layers whose output at a pixel depends on the whole image: tiles would disagree.
GLOBAL_LAYERS = (
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "GlobalAveragePooling1D",
    "GlobalMaxPooling1D",
    "LayerNormalization",
    "GroupNormalization",
    "UnitNormalization",
    "Flatten",
    "Reshape",
    "Attention",
    "MultiHeadAttention",
)


class ConversionError(Exception):
    """A model that cannot or must not be converted; the message is for the user."""


def load_model_dir(model_dir: Path) -> tuple[keras.Model, dict[str, Any]]:
    """The Keras model and its card, or a ConversionError saying what is wrong."""
    import training.models  # noqa: F401  (registers the custom layers)

    model_dir = Path(model_dir)
    if not model_dir.exists():
        raise ConversionError(f"{model_dir}: no such folder")
    keras_file = model_dir / card.KERAS_NAME
    if not keras_file.is_file():
        raise ConversionError(f"{model_dir}: no {card.KERAS_NAME} in it")
    card_file = model_dir / card.CARD_NAME
    if not card_file.is_file():
        raise ConversionError(f"{model_dir}: no {card.CARD_NAME} beside the model")
    try:
        model = keras.saving.load_model(keras_file)
    except Exception as error:  # Keras raises many types for a bad file
        raise ConversionError(f"{keras_file}: not a loadable Keras model ({error})") from None
    try:
        model_card = card.read_card(model_dir)
    except ValueError as error:
        raise ConversionError(f"{card_file}: not valid JSON ({error})") from None
    return model, model_card


def check_contract(model: keras.Model, model_card: dict[str, Any]) -> None:
    """Input [N,H,W,4], output [N,H,W,3], no global layer, card agrees with the model."""
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ConversionError("the model must have exactly one input and one output")
    in_shape, out_shape = tuple(model.inputs[0].shape), tuple(model.outputs[0].shape)
    if len(in_shape) != 4 or in_shape[-1] != 4:
        raise ConversionError(f"model input is {in_shape}, the contract wants [N,H,W,4]")
    if len(out_shape) != 4 or out_shape[-1] != 3:
        raise ConversionError(f"model output is {out_shape}, the contract wants [N,H,W,3]")
    for layer in model._flatten_layers(include_self=False):
        if type(layer).__name__ in GLOBAL_LAYERS:
            raise ConversionError(
                f"layer {layer.name!r} ({type(layer).__name__}) depends on the whole image; "
                "tiled inference would differ, so this model is refused"
            )
    for key in ("size_multiple", "halo", "parameters", "architecture"):
        if key not in model_card:
            raise ConversionError(f"card.json lacks {key!r}")
    if model_card["parameters"] != model.count_params():
        raise ConversionError(
            f"card.json says {model_card['parameters']} parameters, the model has "
            f"{model.count_params()}: the card belongs to another model"
        )
