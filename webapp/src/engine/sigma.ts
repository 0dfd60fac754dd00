/**
 * Noise level estimate for the strength control's starting point (0-255 scale).
 *
 * Two ideas, both because real photos are not white-noise test images:
 * - Flattest blocks: the diagonal Haar band is cut into 8x8 blocks and the estimate
 *   is read from the quietest tenth of them (corrected for that choice), so texture
 *   and edges, which also land in that band, do not pass for noise.
 * - Two scales: camera noise is spatially correlated after demosaicing and JPEG, and
 *   the finest band then sees only a fraction of it (a white-noise estimator reads
 *   sigma 0.3-1 on photos whose noise RMS is 2-6). The same estimate on a 2x averaged
 *   copy, rescaled to per-pixel white-noise terms, keeps most of correlated noise.
 * Each colour channel is measured on its own (the model's sigma is per channel; luma
 * would average independent channel noise down by a third) and the median taken.
 * Blocks with more than 5 % of their pixels at 0 or 255 are left out: clipping
 * flattens noise, and saturated sky or shadow would pass for the quietest area.
 * The estimate is the larger of the two. On real photos it reads correlated noise at
 * about its RMS and errs high on heavily textured images; users move the slider.
 *
 * What strength a model needs for that estimate depends on the model (a white-noise
 * model wants several times the RMS of camera noise): `autoStrength` applies the
 * calibration from the model's card. training/strength.py mirrors this file; a browser
 * test checks that both pick the same strength.
 */
import type { ModelCard } from './protocol';

export interface SigmaEstimate {
  /** Finest-scale estimate: right for white noise. */
  fine: number;
  /** Estimate on the 2x averaged image, in per-pixel white-noise terms. */
  coarse: number;
  /** Suggested model strength. */
  auto: number;
  /** The learned noise level (level.ts), once read; used where the card has its fit. */
  level?: number | null;
  /** Every block of the coarse scale clipped (in two channels or three): it read nothing. */
  coarseClipped?: boolean;
}

const MAX_SAMPLES = 1 << 20;
const MAX_CLIPPED_SHARE = 0.05;
const BLOCK = 8;
const QUANTILE = 0.1;
/** RMS of 64 Gaussian samples at its 10th percentile, as a fraction of sigma. */
const QUANTILE_BIAS = 0.889;

/**
 * Sigma from the quietest blocks of the diagonal Haar band of a w x h plane; pixels
 * flagged in `clipped` (same layout) keep their block out. Null when every block is
 * clipped (0 for a plane too small for one block).
 */
function quietBlockSigma(plane: Float32Array, clipped: Uint8Array, w: number, h: number): number | null {
  const bw = Math.floor(w / 2 / BLOCK);
  const bh = Math.floor(h / 2 / BLOCK);
  const energies: number[] = [];
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let sum = 0;
      let clippedCount = 0;
      for (let y = 0; y < BLOCK; y++) {
        for (let x = 0; x < BLOCK; x++) {
          const i = 2 * (by * BLOCK + y) * w + 2 * (bx * BLOCK + x);
          clippedCount += clipped[i] + clipped[i + 1] + clipped[i + w] + clipped[i + w + 1];
          const d = (plane[i] - plane[i + 1] - plane[i + w] + plane[i + w + 1]) / 2;
          sum += d * d;
        }
      }
      if (clippedCount <= MAX_CLIPPED_SHARE * 4 * BLOCK * BLOCK) energies.push(sum / (BLOCK * BLOCK));
    }
  }
  if (bw === 0 || bh === 0) return 0;
  if (energies.length === 0) return null;
  energies.sort((a, b) => a - b);
  return Math.sqrt(energies[Math.floor(QUANTILE * (energies.length - 1))]) / QUANTILE_BIAS;
}

function halve(plane: Float32Array, clipped: Uint8Array, w: number, h: number): [Float32Array, Uint8Array, number, number] {
  const hw = w >> 1;
  const hh = h >> 1;
  const out = new Float32Array(hw * hh);
  const outClipped = new Uint8Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < hw; x++) {
      const i = 2 * y * w + 2 * x;
      out[y * hw + x] = (plane[i] + plane[i + 1] + plane[i + w] + plane[i + w + 1]) / 4;
      outClipped[y * hw + x] = (clipped[i] + clipped[i + 1] + clipped[i + w] + clipped[i + w + 1]) >= 2 ? 1 : 0;
    }
  }
  return [out, outClipped, hw, hh];
}

const median3 = (a: number, b: number, c: number): number => Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));

/** Estimate the noise of RGBA pixels (each channel of a centre crop of at most ~1 MP). */
export function estimateSigma(pixels: Uint8ClampedArray, width: number, height: number): SigmaEstimate {
  const scale = Math.min(1, Math.sqrt(MAX_SAMPLES / (width * height)));
  const cw = Math.max(1, Math.floor(width * scale));
  const ch = Math.max(1, Math.floor(height * scale));
  const x0 = (width - cw) >> 1;
  const y0 = (height - ch) >> 1;
  const fine: number[] = [];
  const coarse: number[] = [];
  let unread = 0;
  for (let channel = 0; channel < 3; channel++) {
    const plane = new Float32Array(cw * ch);
    const clipped = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const v = pixels[((y0 + y) * width + x0 + x) * 4 + channel];
        plane[y * cw + x] = v;
        clipped[y * cw + x] = v === 0 || v === 255 ? 1 : 0;
      }
    }
    fine.push(quietBlockSigma(plane, clipped, cw, ch) ?? 0);
    const [half, halfClipped, hw, hh] = halve(plane, clipped, cw, ch);
    const halfSigma = quietBlockSigma(half, halfClipped, hw, hh);
    if (halfSigma === null) unread++;
    coarse.push(2 * (halfSigma ?? 0)); // averaging 4 pixels halves white noise
  }
  const f = median3(fine[0], fine[1], fine[2]);
  const c = median3(coarse[0], coarse[1], coarse[2]);
  return { fine: f, coarse: c, auto: Math.min(75, Math.max(f, c)), coarseClipped: unread >= 2 };
}

/** Camera-like noise reads well above its finest-scale estimate at the coarse scale (3-4x on
 * every real pair of CC15 and Nam25); white noise reads the same at both. A coarse scale whose
 * every block is clipped (heavy noise in dark phone shots) counts as camera noise too, so
 * that the calibration and the learned level decide (training/strength.py). */
export const CORRELATED_RATIO = 1.5;

/** How far below the learned level's fit the hand-made estimate's fit may pull the strength.
 * The hand-made estimate reads the quietest blocks at two fine scales; on dark phone shots,
 * whose noise the ISP correlates beyond 2 px, it reads about half the noise while the level
 * reads it right, and the smaller-of-two rule alone then leaves heavy grain (training/strength.py). */
export const LEVEL_MOST_BELOW = 4;

export const isCorrelated = (estimate: SigmaEstimate): boolean =>
  estimate.coarse > CORRELATED_RATIO * estimate.fine || Boolean(estimate.coarseClipped);

/** The finest estimate from which white noise sends the page to its white-noise model:
 * below it there is little to clean and the two scales read texture. Mirrors
 * training/strength.py. */
export const WHITE_MODEL_FROM = 5;

/** Coarse / fine at most this for the white-noise model: tighter than CORRELATED_RATIO,
 * because camera photos downscaled 2-4x read 1.1-1.5 and lose with the white-noise model.
 * Mirrors training/strength.py. */
export const WHITE_RATIO = 1.1;

/** White noise, as added noise is and no camera's is: both scales read it alike (camera
 * noise reads 2.6-4.5x on the real pairs), the coarse one read at all (a scale whose blocks
 * are all clipped reads 0, which says nothing), and at least WHITE_MODEL_FROM. Mirrors
 * training/strength.py `reads_white`; docs/real-noise.md has the numbers. */
export const readsWhite = (estimate: SigmaEstimate): boolean =>
  estimate.coarse > 0 && estimate.coarse <= WHITE_RATIO * estimate.fine && estimate.fine >= WHITE_MODEL_FROM;

/** Whether this model's auto strength for this image waits for the learned level. */
export const needsLevel = (estimate: SigmaEstimate, card: Pick<ModelCard, 'auto_strength'>): boolean =>
  Boolean(card.auto_strength?.level) && isCorrelated(estimate);

/** The strength the control starts at for this model: for camera-like noise,
 * round(gain * estimate + offset) within the model's range, the card's calibration
 * (fitted on real pairs), or, once the learned level is read, the smaller of that and the
 * level's own fit (both err high where they err, and too much strength smooths texture
 * away: see training/strength.py), but at most LEVEL_MOST_BELOW below the level's fit; for
 * white noise the estimate itself, which is the sigma every model was trained with.
 * Mirrors training/strength.py `calibrated`. */
export function autoStrength(estimate: SigmaEstimate, card: Pick<ModelCard, 'auto_strength' | 'sigma_range'>): number {
  const calibration = isCorrelated(estimate) ? card.auto_strength : undefined;
  const hand = (calibration?.gain ?? 1) * estimate.auto + (calibration?.offset ?? 0);
  let value = hand;
  const level = calibration?.level;
  if (level !== undefined && estimate.level !== undefined && estimate.level !== null) {
    const fromLevel = level.gain * estimate.level + level.offset;
    // A calibration holding only the level's fit uses that fit alone (as strength.py does).
    const below = calibration?.gain === undefined ? fromLevel : Math.min(hand, fromLevel);
    value = Math.max(below, fromLevel - LEVEL_MOST_BELOW);
  }
  return Math.round(withinRange(value, card));
}

/** The top of the strength control for this model: its card's range, the strengths it
 * was trained to be told (`photo`'s ends at 50: told more, a camera-noise model's result
 * stopped following the slider on nearly clean photos, docs/training.md "Stage 11,
 * shipped"); 75 for a card without one. Mirrors training/strength.py `strength_top`. */
export const strengthTop = (card?: Pick<ModelCard, 'sigma_range'> | null): number => card?.sigma_range?.[1] ?? 75;

/** A strength asked for (the slider, an embedder's number), within the model's range. */
export const withinRange = (sigma: number, card?: Pick<ModelCard, 'sigma_range'> | null): number =>
  Math.min(strengthTop(card), Math.max(0, sigma));
