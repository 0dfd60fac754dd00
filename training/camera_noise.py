"""Realistic camera noise: a clean sRGB photo is run back to the sensor, noised there, and
developed again, so the noise looks like a real camera's or phone's.

Why: the white-Gaussian models never saw the noise users bring. Real noise is made on the
Bayer mosaic in linear light (Poisson shot noise that grows with brightness, Gaussian read
noise), then demosaicing correlates neighbours, white balance and the colour matrix mix
and scale the channels, the tone curve stretches it in the shadows, and JPEG smears it
into 8x8 blocks and halves the chroma; in between, the camera's own noise reduction
smooths it, chroma most. Running that chain on clean photos gives training
pairs with that structure. The steps follow Brooks et al. 2019 ("Unprocessing images
for learned raw denoising": inverse smoothstep tone curve, inverse gamma, inverse colour
matrix, inverse gains, read noise tied to shot noise by a log-linear fit of camera
calibrations) and the degradation shuffles of CBDNet and BSRGAN/SCUNet; written here
because none of them ships as a numpy library.

A share of simpler degradations keeps the model general: white Gaussian (so a σ map on
synthetic noise keeps its meaning), Gaussian correlated across channels, spatially
correlated noise and low-frequency chroma blotches.

Every sample returns the noisy photo (uint8 values, as a file has), the clean target (the
same round trip without noise: the pipeline is invertible, so this is the input up to
darkening; the noise alone is demosaiced and smoothed, as `developed_noise` says why) and
the noise strength the model is told: the RMS of noisy - target on the
0-255 scale, which is σ itself for white Gaussian noise.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image
from scipy import ndimage

from training.data import LUMA
from training.metrics import to_uint8

MODES = ("camera", "gaussian", "channel_correlated", "spatially_correlated", "blotches")
DEFAULT_MIX = {
    "camera": 0.6,
    "gaussian": 0.1,
    "channel_correlated": 0.1,
    "spatially_correlated": 0.1,
    "blotches": 0.1,
}
SIGMA_MAX = 50.0  # white-noise share, 0-255 scale
SHOT_RANGE = (1e-5, 2e-2)  # linear-light shot noise: base ISO on a DSLR to a phone at ISO 12800
# A phone at its highest gain in the dark, beyond SHOT_RANGE and the usual exposures: issue
# 12's hardest crops (per-channel noise std 25-42, the mean lifted 6-9 levels by clipping
# at black). bench.strength_check's `heavy` set; the models never train on it.
HEAVY_SHOT = (1e-2, 6e-2)
HEAVY_EXPOSURE = (0.05, 0.6)
# Under-telling (training.train --under-tell): above UNDER_TELL_FROM, a pair's strength is
# sometimes told as a fraction in UNDER_TELL_RANGE of the truth. The page's estimate
# under-reads heavy noise (the learned level reads bench.strength_check's heavy crops well
# below their RMS), so a model that only ever heard the truth cleans too little there;
# one that sometimes heard less learns to lean on what it sees (docs/training.md,
# "Under-told at heavy noise"). Below UNDER_TELL_FROM the map keeps its exact meaning.
UNDER_TELL_FROM = 15.0
UNDER_TELL_RANGE = (0.6, 1.0)
# Share of clean patches softened first, and the Gaussian sigma (px) they get: photos at a
# camera's full resolution are soft at the pixel scale (lens, anti-aliasing filter,
# demosaicing), while the training photos were downscaled and are sharp there. Measured
# as the ratio of pixel-scale to 2x-scale gradient energy (median): 0.32 / 0.31 on the
# CC15 / Nam25 references, 0.67-0.99 on the training sets; a Gaussian of 0.9-1.2 px brings
# training photos to 0.36-0.31.
SOFT_SHARE = 0.5
SOFT_SIGMA = (0.4, 1.2)


@dataclass(frozen=True)
class Camera:
    """One random camera and exposure: how its pipeline develops the raw image."""

    rgb2cam: np.ndarray  # 3x3, rows sum to 1, positive: desaturates (cam stays in [0, 1])
    gains: np.ndarray  # white-balance gains (R, G, B) x overall digital gain, all >= 1
    gamma: float
    smoothstep: bool  # the filmic S tone curve on top of gamma
    exposure: float  # < 1 darkens the scene (low light); the target is darkened too
    shot: float  # shot-noise variance per unit of linear signal
    read: float  # read-noise variance
    sharpen: float  # unsharp-mask amount after demosaicing (phones sharpen), 0: none
    luma_blur: float  # Gaussian sigma (px) of the ISP's noise smoothing, luma
    chroma_blur: float  # and chroma (ISPs smooth colour noise much more than luma)
    jpeg_quality: int | None  # None: saved losslessly
    chroma_420: bool


def log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    """A draw spread evenly in log between `bounds`: noise levels span decades."""
    return float(np.exp(rng.uniform(*np.log(bounds))))


def read_noise(shot: float, scatter: float = 0.0) -> float:
    """Read-noise variance tied to shot noise: Brooks et al.'s log-linear fit of camera
    calibrations, `scatter` (log units) the spread of real cameras around it."""
    return float(np.exp(2.18 * np.log(shot) + 1.2 + scatter))


def sample_camera(rng: np.random.Generator) -> Camera:
    """A random camera: colour matrix, white balance, tone, noise level, JPEG."""
    desaturate = rng.uniform(0.1, 0.5)
    mix = (1 - desaturate) * np.eye(3) + desaturate * rng.dirichlet(np.ones(3) * 4, size=3)
    rgb2cam = mix / mix.sum(axis=1, keepdims=True)
    digital = 1.0 / np.clip(rng.normal(0.8, 0.1), 0.5, 1.0)
    gains = np.array([rng.uniform(1.9, 2.4), 1.0, rng.uniform(1.5, 1.9)]) * digital
    shot = log_uniform(rng, SHOT_RANGE)
    read = read_noise(shot, rng.normal(0.0, 0.26))
    sharpen = float(rng.uniform(0.3, 1.2)) if rng.random() < 0.3 else 0.0
    smooths = rng.random() < 0.8
    return Camera(
        rgb2cam=rgb2cam.astype(np.float32),
        gains=gains.astype(np.float32),
        gamma=float(rng.uniform(2.0, 2.5)),
        smoothstep=bool(rng.random() < 0.5),
        exposure=float(rng.uniform(0.15, 0.6)) if rng.random() < 0.25 else 1.0,
        shot=shot,
        read=read,
        sharpen=sharpen,
        luma_blur=float(rng.uniform(0.6, 1.5)) if smooths else 0.0,
        chroma_blur=float(rng.uniform(0.5, 2.5)) if smooths else 0.0,
        jpeg_quality=int(rng.integers(60, 99)) if rng.random() < 0.7 else None,
        chroma_420=bool(rng.random() < 0.5),
    )


def sample_heavy_camera(rng: np.random.Generator) -> Camera:
    """A random camera (sample_camera) at HEAVY_SHOT noise and HEAVY_EXPOSURE light."""
    shot = log_uniform(rng, HEAVY_SHOT)
    return replace(
        sample_camera(rng),
        shot=shot,
        read=read_noise(shot, rng.normal(0.0, 0.26)),
        exposure=float(rng.uniform(*HEAVY_EXPOSURE)),
    )


# The tone curve and its inverse (Brooks et al.: smoothstep over a power-law gamma).
def _smoothstep(x: np.ndarray) -> np.ndarray:
    return 3 * x**2 - 2 * x**3


def _inverse_smoothstep(y: np.ndarray) -> np.ndarray:
    y = np.clip(y, 0.0, 1.0)
    return 0.5 - np.sin(np.arcsin(1.0 - 2.0 * y) / 3.0)


def unprocess(srgb: np.ndarray, camera: Camera) -> np.ndarray:
    """sRGB `[H, W, 3]` in [0, 1] -> linear camera RGB before white balance, in [0, 1]."""
    x = _inverse_smoothstep(srgb) if camera.smoothstep else np.clip(srgb, 0.0, 1.0)
    linear = x**camera.gamma * camera.exposure
    return (linear @ camera.rgb2cam.T) / camera.gains


def linear_rgb(cam: np.ndarray, camera: Camera) -> np.ndarray:
    """Linear camera RGB -> linear sRGB (white balance gains, colour matrix), unclipped."""
    return (cam * camera.gains) @ np.linalg.inv(camera.rgb2cam).T


def tone(linear: np.ndarray, camera: Camera) -> np.ndarray:
    """Linear sRGB -> sRGB in [0, 1]: clip, gamma, tone curve."""
    x = np.clip(linear, 0.0, 1.0) ** (1.0 / camera.gamma)
    return _smoothstep(x) if camera.smoothstep else x


def process(cam: np.ndarray, camera: Camera) -> np.ndarray:
    """Linear camera RGB -> sRGB in [0, 1]: gains, colour matrix, gamma, tone curve."""
    return tone(linear_rgb(cam, camera), camera)


def mosaic(cam: np.ndarray) -> np.ndarray:
    """RGGB Bayer mosaic `[H, W]` of camera RGB (H and W even)."""
    bayer = cam[..., 1].copy()
    bayer[0::2, 0::2] = cam[0::2, 0::2, 0]
    bayer[1::2, 1::2] = cam[1::2, 1::2, 2]
    return bayer


_BILINEAR_G = np.array([[0, 1, 0], [1, 4, 1], [0, 1, 0]], np.float32) / 4
_BILINEAR_RB = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 4


def demosaic_bilinear(bayer: np.ndarray) -> np.ndarray:
    """RGGB mosaic -> `[H, W, 3]` by bilinear interpolation (each missing value is the
    mean of its nearest same-colour neighbours), which correlates neighbouring pixels
    as every demosaicing does."""
    height, width = bayer.shape
    masks = np.zeros((3, height, width), np.float32)
    masks[0, 0::2, 0::2] = 1
    masks[1, 0::2, 1::2] = masks[1, 1::2, 0::2] = 1
    masks[2, 1::2, 1::2] = 1
    planes = [
        ndimage.convolve(bayer * masks[c], _BILINEAR_G if c == 1 else _BILINEAR_RB, mode="mirror")
        for c in range(3)
    ]
    return np.stack(planes, axis=-1)


def sensor_noise(bayer: np.ndarray, camera: Camera, rng: np.random.Generator) -> np.ndarray:
    """Poisson shot noise (photon counts at `shot` per unit) plus Gaussian read noise,
    clipped to the sensor's range: at black the clipped mean is biased upwards, as in
    real dark photos."""
    photons = rng.poisson(np.maximum(bayer, 0.0) / camera.shot) * camera.shot
    noisy = photons + rng.normal(0.0, np.sqrt(camera.read), bayer.shape)
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)


def jpeg_round_trip(rgb_u8: np.ndarray, quality: int, chroma_420: bool) -> np.ndarray:
    """Encode and decode as JPEG (Pillow/libjpeg); 4:2:0 halves chroma resolution."""
    buffer = io.BytesIO()
    Image.fromarray(rgb_u8).save(
        buffer, "JPEG", quality=quality, subsampling=2 if chroma_420 else 0
    )
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.asarray(decoded.convert("RGB"))


def _unsharp(rgb: np.ndarray, amount: float) -> np.ndarray:
    blurred = ndimage.gaussian_filter(rgb, sigma=(1.0, 1.0, 0.0), mode="mirror")
    return rgb + amount * (rgb - blurred)


def isp_smoothing(noise: np.ndarray, camera: Camera) -> np.ndarray:
    """The ISP's noise reduction, as it shapes the noise: luma smoothed a little, chroma
    a lot. Real camera noise is strongly correlated with its neighbours (about 0.6 at one
    pixel on CC15 and Nam25, against 0.26 after bilinear demosaicing alone) and across
    channels (0.3-0.45 against 0.1). Applied to the noise only, so that the target keeps
    every detail: the model must learn to remove noise, not to blur like an ISP."""
    if not (camera.luma_blur or camera.chroma_blur):
        return noise
    luma = noise @ LUMA
    chroma = noise - luma[..., None]
    if camera.luma_blur:
        luma = ndimage.gaussian_filter(luma, camera.luma_blur, mode="mirror")
    if camera.chroma_blur:
        chroma = ndimage.gaussian_filter(chroma, (camera.chroma_blur,) * 2 + (0,), mode="mirror")
    return luma[..., None] + chroma


def developed_noise(bayer: np.ndarray, raw: np.ndarray, camera: Camera) -> np.ndarray:
    """The sensor noise as the developed photo shows it: the noise alone is demosaiced,
    white-balanced and colour-corrected, smoothed and sharpened as the ISP would in
    linear light, and then goes through the tone curve on top of the noise-free image.

    Why the noise alone: a real pair's reference (the mean of many shots) went through
    the camera's own demosaicing and sharpening, so only the noise separates it from the
    noisy shot. Developing the whole noisy mosaic instead (as this module did until
    2026-11-29) also left bilinear demosaicing's zippers and colour fringes, and the
    sharpening, in the input but not in the target: with no noise at all the input was
    30 dB from its target on CBSD68 crops (38 dB after the ISP smoothing), so the model
    learnt to re-sharpen edges that real photos do not need sharpened.

    Why smoothed before the tone curve: the curve is concave, so noise through it comes
    out darker on average by about half its variance times the curve's bend. Smoothed
    after the curve (as until 2026-11-29, second fix), the unsmoothed noise set that bias,
    up to a level in mid-tones where the visible noise's RMS was 3-5: the model learnt to
    brighten by as much, and on the real pairs, whose references are means of shots (no
    such bias), restoring the noisy photo's local mean gained 0.4 dB on CC15. Cameras
    reduce noise mostly in raw or linear light, where the curve has not yet bent it.
    The sensor's clipping at black (`sensor_noise`) is kept: that bias is real."""
    clean = linear_rgb(demosaic_bilinear(bayer), camera)
    noise = linear_rgb(demosaic_bilinear(raw - bayer), camera)
    noise = isp_smoothing(noise, camera)
    if camera.sharpen:
        noise = _unsharp(noise, camera.sharpen)
    return tone(clean + noise, camera) - tone(clean, camera)


def to_u8_float(rgb: np.ndarray) -> np.ndarray:
    """Clip and round to 8 bits, back in [0, 1] floats: what a saved file holds."""
    return to_uint8(rgb).astype(np.float32) / np.float32(255)


def camera_noise(
    clean: np.ndarray, rng: np.random.Generator, camera: Camera | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(noisy, target) float `[H, W, 3]` for a clean sRGB patch in [0, 1] (H, W even)."""
    camera = camera or sample_camera(rng)
    cam = unprocess(clean.astype(np.float32), camera)
    target = process(cam, camera)
    bayer = mosaic(cam)
    noise = developed_noise(bayer, sensor_noise(bayer, camera, rng), camera)
    noisy = to_uint8(target + noise)
    if camera.jpeg_quality is not None:
        noisy = jpeg_round_trip(noisy, camera.jpeg_quality, camera.chroma_420)
    return noisy.astype(np.float32) / np.float32(255), target.astype(np.float32)


def _unit_noise_like(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


def _normalise(noise: np.ndarray) -> np.ndarray:
    return noise / max(float(noise.std()), 1e-6)


def _upsampled_noise(
    shape: tuple[int, int, int], factor: float, order: int, rng: np.random.Generator
) -> np.ndarray:
    """Unit white noise drawn `factor` times coarser and resized up (spline `order`):
    noise correlated over about `factor` pixels, normalised to unit deviation."""
    height, width, channels = shape
    small = (max(2, int(height / factor)), max(2, int(width / factor)), channels)
    zoom = (height / small[0], width / small[1], 1)
    return _normalise(
        ndimage.zoom(_unit_noise_like(small, rng), zoom, order=order)[:height, :width]
    )


def simple_noise(clean: np.ndarray, mode: str, rng: np.random.Generator) -> np.ndarray:
    """Noisy float image for the simpler degradations, strength uniform in [0, SIGMA_MAX]."""
    sigma = rng.uniform(0.0, SIGMA_MAX) / 255.0
    height, width, _ = clean.shape
    if mode == "gaussian":
        noise = _unit_noise_like(clean.shape, rng)
    elif mode == "channel_correlated":
        # Random covariance with strong positive correlation between channels.
        rho = rng.uniform(0.3, 0.95)
        cov = (1 - rho) * np.eye(3) + rho * np.ones((3, 3))
        scale = np.diag(rng.uniform(0.6, 1.4, 3))
        chol = np.linalg.cholesky(scale @ cov @ scale)
        noise = _unit_noise_like(clean.shape, rng) @ chol.T.astype(np.float32)
    elif mode == "spatially_correlated":
        noise = _upsampled_noise((height, width, 3), rng.uniform(1.5, 3.0), 1, rng)
    elif mode == "blotches":
        # Low-frequency chroma blotches (opposite in red/blue and green) over fine luma noise.
        chroma = _upsampled_noise((height, width, 2), rng.uniform(8.0, 16.0), 3, rng)
        blotch = np.stack(
            [chroma[..., 0], -0.5 * (chroma[..., 0] + chroma[..., 1]), chroma[..., 1]], -1
        )
        fine = np.repeat(_unit_noise_like((height, width, 1), rng), 3, axis=-1)
        noise = _normalise(blotch * rng.uniform(0.5, 1.5) + fine)
    else:
        raise ValueError(f"unknown noise mode {mode!r}; choose from {', '.join(MODES)}")
    return to_u8_float(clean + sigma * noise)


def strength(noisy: np.ndarray, target: np.ndarray) -> float:
    """The strength the model is told: RMS of the noise on the 0-255 scale."""
    return float(np.sqrt(np.mean((noisy.astype(np.float64) - target) ** 2)) * 255.0)


def soften(clean: np.ndarray, sigma: float) -> np.ndarray:
    """The patch as a camera at full resolution would render it: a Gaussian of `sigma`
    px (mirror edges, so tiles of a patch stay consistent with the patch)."""
    return ndimage.gaussian_filter(clean, sigma=(sigma, sigma, 0.0), mode="mirror")


def realistic_pair(
    clean: np.ndarray,
    rng: np.random.Generator,
    gray: bool = False,
    mix: dict[str, float] | None = None,
    soft_share: float = SOFT_SHARE,
    heavy_share: float = 0.0,
    under_tell: float = 0.0,
    page_told: float = 0.0,
    page_strength: Callable[[np.ndarray], float] | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """(noisy, target, strength) for one clean sRGB patch in [0, 1], mode drawn from `mix`.

    `gray`: the pair is turned gray after the noise (a gray photo was a colour one),
    both sides replicated to three channels as the model's contract wants.
    `soft_share`: the chance that the clean patch is first softened (SOFT_SIGMA), both
    sides then built from it: the model sees pixel-soft content as well as sharp.
    `heavy_share`: the chance that the pair comes from a heavy camera
    (sample_heavy_camera) instead of `mix`. `under_tell`: the chance that a camera pair
    (heavy or the mix's camera mode) whose strength is above UNDER_TELL_FROM is told
    UNDER_TELL_RANGE times its strength; the simpler degradations are always told the
    truth (the page tells white noise its own estimate, so there the map must keep its
    meaning: under-told white noise cost CBSD68 sigma 25 0.35 dB, docs/training.md).
    `page_told`: the chance that such a pair, when not under-told, is told
    `page_strength(noisy)` instead, what the page's auto strength reads on it
    (training/page_told.py); the two shares together are at most 1.
    All 0 (the default) draw nothing extra: the pairs are those of before they existed."""
    if page_told > 0 and page_strength is None:
        raise ValueError("page_told needs page_strength, the reader of the page's strength")
    if under_tell + page_told > 1.0:
        raise ValueError(
            f"under_tell + page_told is a share of pairs: {under_tell + page_told:g} > 1"
        )
    heavy = heavy_share > 0 and rng.random() < heavy_share
    if rng.random() < soft_share:
        clean = soften(clean, float(rng.uniform(*SOFT_SIGMA))).astype(np.float32)
    if heavy:
        mode = "camera"
    else:
        mix = mix or DEFAULT_MIX
        mode = rng.choice(list(mix), p=np.array(list(mix.values())) / sum(mix.values()))
    if mode == "camera":
        noisy, target = camera_noise(clean, rng, sample_heavy_camera(rng) if heavy else None)
    else:
        noisy, target = simple_noise(clean, str(mode), rng), clean.astype(np.float32)
    if gray:
        noisy = np.repeat(to_u8_float(noisy @ LUMA)[..., None], 3, axis=-1)
        target = np.repeat((target @ LUMA)[..., None], 3, axis=-1)
    told = strength(noisy, target)
    if (under_tell > 0 or page_told > 0) and mode == "camera" and told > UNDER_TELL_FROM:
        draw = rng.random()
        if draw < under_tell:
            told *= float(rng.uniform(*UNDER_TELL_RANGE))
        elif draw < under_tell + page_told and page_strength is not None:
            told = page_strength(noisy)
    return noisy, target, told
