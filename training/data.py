"""Image folders -> clean training patches.

Images are decoded once with Pillow (any backend, no TensorFlow needed) and kept as
uint8 arrays. Two samplers deliver the same random patches with flips and 90-degree
rotations: a tf.data pipeline for the TensorFlow backend, and a Keras PyDataset for
the other Keras backends (JAX on a GPU machine without TensorFlow). White noise is
added later, inside the training graph (see noise.py); camera noise, which needs numpy
and JPEG, is made here per patch (NoisyPairSequence, camera_noise.py).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import keras
import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
SHARED_TRAIN = Path(__file__).resolve().parents[2] / "shared/data/train"
# Every colour photo set ../shared/data/README.md lists for training: BSDS alone lacks
# saturated colours, smooth gradients, buildings and everyday scenes.
DEFAULT_TRAIN_DIRS = tuple(
    SHARED_TRAIN / name for name in ("CBSD432", "DreamBooth", "Urban100", "ImageNetSample")
)
DEFAULT_VAL_DIR = Path(__file__).resolve().parents[2] / "shared/data/val/CBSD68"

log = logging.getLogger(__name__)


class NoImagesError(ValueError):
    """A folder list held no usable image."""


def image_files(folder: Path) -> list[Path]:
    """Image files directly in `folder`, sorted by name so runs are repeatable."""
    if not folder.is_dir():
        raise NoImagesError(f"{folder}: not a folder")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def read_rgb(path: Path) -> np.ndarray:
    """Decode one image to uint8 `[H, W, 3]`; gray is replicated to 3 channels.

    16-bit images are scaled to 8 bits; alpha is dropped (training uses colour only).
    """
    with Image.open(path) as image:
        image.load()
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            array = np.asarray(image, dtype=np.float64)
            array = np.round(array / max(array.max(), 1.0) * 255.0).astype(np.uint8)
            return np.repeat(array[..., None], 3, axis=-1)
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def read_rgb_or_skip(path: Path) -> np.ndarray | None:
    """read_rgb, or None with a warning naming the file if it cannot be decoded."""
    try:
        return read_rgb(path)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        log.warning("skipping %s: not a readable image (%s)", path, error)
        return None


def load_images(folders: Iterable[Path], min_size: int = 1) -> list[np.ndarray]:
    """All readable images of the folders; unreadable or too small ones are skipped
    with a warning naming them. Raises NoImagesError if none is left."""
    images: list[np.ndarray] = []
    folders = list(folders)
    for folder in folders:
        for path in image_files(Path(folder)):
            image = read_rgb_or_skip(path)
            if image is None:
                continue
            if min(image.shape[:2]) < min_size:
                log.warning("skipping %s: smaller than %d px", path, min_size)
                continue
            images.append(image)
    if not images:
        names = ", ".join(str(f) for f in folders)
        raise NoImagesError(f"no usable image in {names}")
    return images


LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _augment_numpy(patch: np.ndarray, rng: np.random.Generator, gray_fraction: float) -> np.ndarray:
    if rng.random() < 0.5:
        patch = patch[:, ::-1]
    patch = np.rot90(patch, k=int(rng.integers(4))).astype(np.float32)
    if rng.random() < gray_fraction:
        patch = np.repeat(patch @ LUMA[:, None], 3, axis=-1)
    return patch


class PatchSequence(keras.utils.PyDataset):
    """Random augmented clean patches for backends without tf.data.

    Yields `(clean, clean)` float32 batches in [0, 1]; the noise layer in front of the
    network turns the first into the noisy input.
    """

    def __init__(
        self,
        images: list[np.ndarray],
        patch_size: int,
        batch_size: int,
        steps: int,
        seed: int,
        gray_fraction: float = 0.0,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.gray_fraction = gray_fraction
        self.images = [im for im in images if min(im.shape[:2]) >= patch_size]
        if not self.images:
            raise NoImagesError(f"no image is at least {patch_size} px on each side")
        self.patch_size = patch_size
        self.batch_size = batch_size
        self.steps = steps
        self.seed = seed

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, index, np.random.randint(2**31)])
        size = self.patch_size
        batch = np.empty((self.batch_size, size, size, 3), np.float32)
        for i in range(self.batch_size):
            image = self.images[int(rng.integers(len(self.images)))]
            top = int(rng.integers(image.shape[0] - size + 1))
            left = int(rng.integers(image.shape[1] - size + 1))
            patch = image[top : top + size, left : left + size]
            batch[i] = _augment_numpy(patch, rng, self.gray_fraction)
        batch *= np.float32(1.0 / 255.0)
        return batch, batch


class NoisyPairSequence(keras.utils.PyDataset):
    """Random augmented patches with noise made in numpy: `(noisy + strength map, target)`.

    For noise that a Keras layer cannot make in the graph (camera pipelines with Poisson
    noise, demosaicing and JPEG: see camera_noise.py). `make_pair(clean, rng, gray)`
    returns (noisy, target, strength on the 0-255 scale) for one float patch in [0, 1].
    Works on every Keras backend; threads run the numpy work beside the training step.

    Much of that numpy work holds Python's GIL, so threads alone stall at ~300 patches/s
    (seen on a 16-core GPU machine). With `processes` > 0 each batch is made in a pool of
    spawned processes (not forked: forking a running JAX can deadlock; the children
    are kept off the accelerator) and comes back as float16 to halve the copying.
    """

    def __init__(
        self,
        images: list[np.ndarray],
        patch_size: int,
        batch_size: int,
        steps: int,
        seed: int,
        make_pair: Callable[
            [np.ndarray, np.random.Generator, bool], tuple[np.ndarray, np.ndarray, float]
        ],
        gray_fraction: float = 0.0,
        processes: int = 0,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.clean = PatchSequence(images, patch_size, batch_size, steps, seed)
        self.make_pair = make_pair
        self.gray_fraction = gray_fraction
        self.seed = seed
        self.processes = processes
        self._pool: multiprocessing.pool.Pool | None = None

    def __len__(self) -> int:
        return len(self.clean)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        salt = np.random.randint(2**31)
        if not self.processes:
            return self.noisy_batch(index, salt)
        inputs, targets = self.pool().apply(_noisy_batch_in_worker, (index, salt))
        return inputs.astype(np.float32), targets.astype(np.float32)

    def noisy_batch(self, index: int, salt: int) -> tuple[np.ndarray, np.ndarray]:
        clean, _ = self.clean[index]
        rng = np.random.default_rng([self.seed + 1, index, salt])
        inputs = np.empty(clean.shape[:-1] + (4,), np.float32)
        targets = np.empty_like(clean)
        for i, patch in enumerate(clean):
            noisy, target, strength = self.make_pair(patch, rng, rng.random() < self.gray_fraction)
            inputs[i, ..., :3] = noisy
            inputs[i, ..., 3] = strength / 255.0
            targets[i] = target
        return inputs, targets

    def pool(self) -> multiprocessing.pool.Pool:
        """The worker processes, started on first use (each holds the photos)."""
        if self._pool is None:
            state = {
                "images": self.clean.images,
                "patch_size": self.clean.patch_size,
                "batch_size": self.clean.batch_size,
                "steps": self.clean.steps,
                "seed": self.seed,
                "make_pair": self.make_pair,
                "gray_fraction": self.gray_fraction,
            }
            saved = os.environ.get("JAX_PLATFORMS")
            os.environ["JAX_PLATFORMS"] = "cpu"  # read by the children as they start
            try:
                context = multiprocessing.get_context("spawn")
                self._pool = context.Pool(self.processes, _start_worker, (state,))
            finally:
                if saved is None:
                    del os.environ["JAX_PLATFORMS"]
                else:
                    os.environ["JAX_PLATFORMS"] = saved
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


_WORKER_SEQUENCE: NoisyPairSequence | None = None


def _start_worker(state: dict) -> None:
    global _WORKER_SEQUENCE
    _WORKER_SEQUENCE = NoisyPairSequence(**state)


def _noisy_batch_in_worker(index: int, salt: int) -> tuple[np.ndarray, np.ndarray]:
    assert _WORKER_SEQUENCE is not None
    inputs, targets = _WORKER_SEQUENCE.noisy_batch(index, salt)
    return inputs.astype(np.float16), targets.astype(np.float16)


def patch_dataset(
    images: list[np.ndarray],
    patch_size: int,
    batch_size: int,
    seed: int,
    gray_fraction: float = 0.0,
):  # -> tf.data.Dataset (TensorFlow imported lazily: other backends lack it)
    """Endless tf.data pipeline of `(clean, clean)` float32 batches in [0, 1].

    All images sit in one flat uint8 tensor with offsets, so a patch is a slice and a
    crop done in the graph, without Python in the loop.
    """
    import tensorflow as tf

    usable = [im for im in images if min(im.shape[:2]) >= patch_size]
    if not usable:
        raise NoImagesError(f"no image is at least {patch_size} px on each side")
    flat = tf.constant(np.concatenate([im.reshape(-1) for im in usable]))
    sizes = [im.size for im in usable]
    offsets = tf.constant(np.cumsum([0, *sizes[:-1]]), tf.int64)
    shapes = tf.constant([im.shape for im in usable], tf.int64)

    def sample(index: tf.Tensor, seed_pair: tf.Tensor) -> tf.Tensor:
        shape = shapes[index]
        image = tf.reshape(flat[offsets[index] : offsets[index] + tf.reduce_prod(shape)], shape)
        seeds = tf.random.experimental.stateless_split(seed_pair, 4)
        patch = tf.image.stateless_random_crop(image, [patch_size, patch_size, 3], seed=seeds[0])
        patch = tf.image.stateless_random_flip_left_right(patch, seed=seeds[1])
        turns = tf.random.stateless_uniform([], seeds[2], 0, 4, tf.int32)
        patch = tf.cast(tf.image.rot90(patch, k=turns), tf.float32)
        luma = tf.reduce_sum(patch * LUMA, axis=-1, keepdims=True)
        to_gray = tf.random.stateless_uniform([], seeds[3]) < gray_fraction
        patch = tf.where(to_gray, tf.repeat(luma, 3, axis=-1), patch)
        return patch / 255.0

    indices = tf.data.Dataset.random(seed=seed).map(lambda r: tf.cast(r % len(usable), tf.int32))
    seed_pairs = tf.data.Dataset.random(seed=seed + 1).batch(2)
    return (
        tf.data.Dataset.zip(indices, seed_pairs)
        .map(sample, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .batch(batch_size, drop_remainder=True)
        .map(lambda clean: (clean, clean))
        .prefetch(tf.data.AUTOTUNE)
    )


def validation_crops(
    folder: Path, count: int, size: int, multiple: int
) -> list[tuple[str, np.ndarray]]:
    """Centre crops of the first `count` images, as (name, uint8 HxWx3) pairs."""
    size = size // multiple * multiple
    crops = []
    for path in image_files(folder):
        if len(crops) == count:
            break
        image = read_rgb_or_skip(path)
        if image is None:
            continue
        height, width = image.shape[:2]
        side = min(size, height // multiple * multiple, width // multiple * multiple)
        top, left = (height - side) // 2, (width - side) // 2
        crops.append((path.name, image[top : top + side, left : left + side]))
    if not crops:
        raise NoImagesError(f"no usable image in {folder}")
    return crops


def batches_needed(total: int, batch_size: int) -> int:
    return math.ceil(total / batch_size)
