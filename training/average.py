"""Average the weights of models of one architecture (checkpoints of one training, or
runs fine-tuned from the same weights) into one model.

    python -m training.average OUT MODEL_DIR MODEL_DIR [...] [--weights W W ...]

Why: late checkpoints of one run, and runs fine-tuned from the same starting weights,
sit in one basin of the loss; their uniform weight average ("stochastic weight
averaging", Izmailov et al. 2018; "model soups", Wortsman et al. 2022) is often better
than each, at no cost in speed or size: it is one network of the same shape (the mean
of `photo`'s stage-7 weights and a mid-run checkpoint of that run scored the real pairs
above both; docs/training.md). Keras has no averaging tool for saved models (its
optimizers' EMA averages within one run), hence this.

`--weights` makes it a weighted mean (one weight per model, normalised to sum 1): a
fine-tune that gains where its starting model is weak but bends something else can be
mixed in at a share smaller than half (docs/real-noise.md, sessions 24-25).

OUT gets the average as model.keras and the first model's card, with
`training.averaged_from` naming the inputs; its evaluation is cleared (run
`python -m training.evaluate` and `python -m training.halo` on it).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

from training import card

log = logging.getLogger("training.average")


class MismatchError(ValueError):
    """The models do not have the same weights' shapes (not one architecture)."""


def average_weights(
    weight_lists: list[list[np.ndarray]], names: list[str], shares: list[float] | None = None
) -> list[np.ndarray]:
    """Element-wise mean of each weight across the models (weighted by `shares`, which
    need not sum to 1); names say which model differs."""
    first = [w.shape for w in weight_lists[0]]
    for name, weights in zip(names[1:], weight_lists[1:], strict=True):
        shapes = [w.shape for w in weights]
        if shapes != first:
            raise MismatchError(
                f"{name} does not have the weights of {names[0]} "
                f"({len(shapes)} arrays against {len(first)}, or other shapes): "
                "only models of one architecture can be averaged"
            )
    return [
        np.average(np.stack(ws), axis=0, weights=shares).astype(ws[0].dtype)
        for ws in zip(*weight_lists, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.average", description=__doc__)
    p.add_argument("out", type=Path, help="folder for the averaged model.keras and card.json")
    p.add_argument("models", type=Path, nargs="+", help="model folders (model.keras + card.json)")
    p.add_argument(
        "--weights",
        type=float,
        nargs="+",
        metavar="W",
        help="one weight per model, in their order (default: equal); normalised to sum 1",
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if len(args.models) < 2:
        p.error("give at least two model folders to average")
    if args.weights is not None:
        if len(args.weights) != len(args.models):
            p.error(
                f"give one weight per model: {len(args.models)} models, {len(args.weights)} weights"
            )
        if min(args.weights) < 0 or sum(args.weights) <= 0:
            p.error("weights must be >= 0 and not all 0")
    missing = [str(m) for m in args.models if not (m / card.KERAS_NAME).is_file()]
    if missing:
        print(f"error: no {card.KERAS_NAME} in {', '.join(missing)}", file=sys.stderr)
        return 2

    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    loaded = [keras.saving.load_model(m / card.KERAS_NAME) for m in args.models]
    try:
        weights = average_weights(
            [m.get_weights() for m in loaded], list(map(str, args.models)), args.weights
        )
    except MismatchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model = loaded[0]
    model.set_weights(weights)
    model_card = card.read_card(args.models[0])
    model_card["training"] = {
        **model_card.get("training", {}),
        "averaged_from": [str(m) for m in args.models],
    }
    model_card["training"].pop("averaged_weights", None)  # the first model's own, if any
    if args.weights is not None:
        total = sum(args.weights)
        model_card["training"]["averaged_weights"] = [round(w / total, 6) for w in args.weights]
    model_card["evaluation"] = {}
    model_card.pop("evaluation_real", None)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / card.KERAS_NAME)
    card.write_card(args.out, model_card)
    log.info("averaged %d models into %s", len(loaded), args.out / card.KERAS_NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
