/**
 * Noise level estimate for the strength control's starting point (0-255 scale).
 *
 * The finest-scale wavelet MAD (Donoho) reads white noise well but sees almost
 * nothing of real camera noise, which demosaicing and JPEG make spatially correlated.
 * So the same robust estimate is also taken on 2x and 4x averaged copies of the
 * image, each rescaled to per-pixel white-noise terms; correlated noise survives
 * averaging better than white noise does and lifts the coarse estimates. Auto
 * strength is the largest of the three (the strength that cleans best on real
 * photos is several times their noise RMS, so erring high is the right side).
 */

export interface SigmaEstimate {
  /** Finest-scale estimate: right for white noise. */
  fine: number;
  /** Estimates on 2x and 4x averaged images, in per-pixel white-noise terms. */
  coarse: number[];
  /** Suggested model strength. */
  auto: number;
}

const MAD_TO_SIGMA = 1 / 0.6745;
const MAX_SAMPLES = 1 << 20;

function median(values: Float32Array): number {
  const sorted = values.slice().sort();
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}

/** Robust sigma of the diagonal Haar detail band of a w x h plane. */
function diagonalMad(plane: Float32Array, w: number, h: number): number {
  const bw = w >> 1;
  const bh = h >> 1;
  const details = new Float32Array(bw * bh);
  let k = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = 2 * y * w + 2 * x;
      details[k++] = Math.abs(plane[i] - plane[i + 1] - plane[i + w] + plane[i + w + 1]) / 2;
    }
  }
  return median(details) * MAD_TO_SIGMA;
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

/** Estimate the noise of RGBA pixels (luma, a centre crop of at most ~1 MP). */
export function estimateSigma(pixels: Uint8ClampedArray, width: number, height: number): SigmaEstimate {
  const scale = Math.min(1, Math.sqrt(MAX_SAMPLES / (width * height)));
  const w = Math.max(2, Math.floor(width * scale)) & ~1;
  const h = Math.max(2, Math.floor(height * scale)) & ~1;
  const x0 = (width - Math.min(w, width)) >> 1;
  const y0 = (height - Math.min(h, height)) >> 1;
  const cw = Math.min(w, width);
  const ch = Math.min(h, height);
  let plane: Float32Array = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const p = ((y0 + y) * width + x0 + x) * 4;
      plane[y * cw + x] = 0.299 * pixels[p] + 0.587 * pixels[p + 1] + 0.114 * pixels[p + 2];
    }
  }
  const fine = diagonalMad(plane, cw, ch);
  const coarse: number[] = [];
  let [pw, ph] = [cw, ch];
  for (let level = 1; level <= 2 && pw >= 16 && ph >= 16; level++) {
    [plane, pw, ph] = halve(plane, pw, ph);
    coarse.push(diagonalMad(plane, pw, ph) * 2 ** level); // averaging 4 halves white noise
  }
  const auto = Math.min(75, Math.max(fine, ...coarse));
  return { fine, coarse, auto };
}
