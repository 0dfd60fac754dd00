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
 * Auto strength is the larger of the two. On real photos it reads correlated noise at
 * about its RMS and errs high on heavily textured images; users move the slider.
 */

export interface SigmaEstimate {
  /** Finest-scale estimate: right for white noise. */
  fine: number;
  /** Estimate on the 2x averaged image, in per-pixel white-noise terms. */
  coarse: number;
  /** Suggested model strength. */
  auto: number;
}

const MAX_SAMPLES = 1 << 21;
const BLOCK = 8;
const QUANTILE = 0.1;
/** RMS of 64 Gaussian samples at its 10th percentile, as a fraction of sigma. */
const QUANTILE_BIAS = 0.889;

/** Sigma from the quietest blocks of the diagonal Haar band of a w x h plane. */
function quietBlockSigma(plane: Float32Array, w: number, h: number): number {
  const bw = Math.floor(w / 2 / BLOCK);
  const bh = Math.floor(h / 2 / BLOCK);
  if (bw < 1 || bh < 1) return 0;
  const energies = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let sum = 0;
      for (let y = 0; y < BLOCK; y++) {
        for (let x = 0; x < BLOCK; x++) {
          const i = 2 * (by * BLOCK + y) * w + 2 * (bx * BLOCK + x);
          const d = (plane[i] - plane[i + 1] - plane[i + w] + plane[i + w + 1]) / 2;
          sum += d * d;
        }
      }
      energies[by * bw + bx] = sum / (BLOCK * BLOCK);
    }
  }
  const sorted = energies.sort();
  return Math.sqrt(sorted[Math.floor(QUANTILE * (sorted.length - 1))]) / QUANTILE_BIAS;
}

function halve(plane: Float32Array, w: number, h: number): [Float32Array, number, number] {
  const hw = w >> 1;
  const hh = h >> 1;
  const out = new Float32Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < hw; x++) {
      const i = 2 * y * w + 2 * x;
      out[y * hw + x] = (plane[i] + plane[i + 1] + plane[i + w] + plane[i + w + 1]) / 4;
    }
  }
  return [out, hw, hh];
}

/** Estimate the noise of RGBA pixels (luma of a centre crop of at most ~2 MP). */
export function estimateSigma(pixels: Uint8ClampedArray, width: number, height: number): SigmaEstimate {
  const scale = Math.min(1, Math.sqrt(MAX_SAMPLES / (width * height)));
  const cw = Math.max(1, Math.floor(width * scale));
  const ch = Math.max(1, Math.floor(height * scale));
  const x0 = (width - cw) >> 1;
  const y0 = (height - ch) >> 1;
  const plane = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const p = ((y0 + y) * width + x0 + x) * 4;
      plane[y * cw + x] = 0.299 * pixels[p] + 0.587 * pixels[p + 1] + 0.114 * pixels[p + 2];
    }
  }
  const fine = quietBlockSigma(plane, cw, ch);
  const [half, hw, hh] = halve(plane, cw, ch);
  const coarse = 2 * quietBlockSigma(half, hw, hh); // averaging 4 pixels halves white noise
  return { fine, coarse, auto: Math.min(75, Math.max(fine, coarse)) };
}
