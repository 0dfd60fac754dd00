import { describe, expect, it } from 'vitest';
import { autoStrength, estimateSigma, isCorrelated, LEVEL_MOST_BELOW, needsLevel, strengthTop, withinRange } from './sigma';

/** Seeded normal noise (Box-Muller on a small LCG): repeatable test images. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => ((state = (1664525 * state + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A smooth gradient image plus the given noise field (gray, RGBA). */
function image(w: number, h: number, noise: Float32Array): Uint8ClampedArray {
  const px = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const base = 60 + (120 * (i % w)) / w + (40 * Math.floor(i / w)) / h;
    px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = base + noise[i];
    px[4 * i + 3] = 255;
  }
  return px;
}

function whiteNoise(w: number, h: number, sigma: number, seed = 7): Float32Array {
  const g = gaussian(seed);
  return Float32Array.from({ length: w * h }, () => sigma * g());
}

function blurred(noise: Float32Array, w: number, h: number): Float32Array {
  // 3x3 box blur: correlated noise, as after demosaicing.
  const out = new Float32Array(noise.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          sum += noise[yy * w + xx];
        }
      out[y * w + x] = sum / 9;
    }
  return out;
}

describe('estimateSigma', () => {
  it('reads white noise within 10 % for sigma >= 10', () => {
    for (const sigma of [10, 15, 25, 40]) {
      const est = estimateSigma(image(256, 256, whiteNoise(256, 256, sigma)), 256, 256);
      expect(Math.abs(est.fine - sigma) / sigma).toBeLessThan(0.1);
      expect(Math.abs(est.auto - sigma) / sigma).toBeLessThan(0.1);
    }
  });

  it('reads independent noise in each colour channel as that sigma', () => {
    const w = 256;
    const px = image(w, w, new Float32Array(w * w));
    const [r, g, b] = [whiteNoise(w, w, 20, 1), whiteNoise(w, w, 20, 2), whiteNoise(w, w, 20, 3)];
    for (let i = 0; i < w * w; i++) {
      px[4 * i] += r[i];
      px[4 * i + 1] += g[i];
      px[4 * i + 2] += b[i];
    }
    expect(Math.abs(estimateSigma(px, w, w).auto - 20) / 20).toBeLessThan(0.1);
  });

  it('does not collapse on correlated noise', () => {
    const w = 256;
    const noise = blurred(whiteNoise(w, w, 30, 3), w, w);
    const rms = Math.sqrt(noise.reduce((s, v) => s + v * v, 0) / noise.length);
    const est = estimateSigma(image(w, w, noise), w, w);
    expect(est.fine).toBeLessThan(0.6 * rms); // the white-noise estimator alone collapses
    expect(est.auto).toBeGreaterThan(0.9 * rms); // auto still reads it
  });

  it('is not fooled by texture next to flat areas', () => {
    const w = 256;
    const px = image(w, w, whiteNoise(w, w, 10, 5));
    for (let y = 0; y < w / 2; y++)
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4; // strong stripes in the top half
        px[i] = px[i + 1] = px[i + 2] = px[i] + (((x >> 1) & 1) ? 70 : -70);
      }
    const est = estimateSigma(px, w, w);
    expect(Math.abs(est.auto - 10) / 10).toBeLessThan(0.15);
  });

  it('is not fooled by clipped (saturated) areas', () => {
    const w = 256;
    const noise = whiteNoise(w, w, 25, 9);
    const px = image(w, w, noise);
    for (let i = 0; i < (w * w) / 2; i++) {
      const v = 245 + noise[i]; // a bright sky: its noise is clipped at 255
      px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = v;
    }
    const est = estimateSigma(px, w, w);
    expect(Math.abs(est.auto - 25) / 25).toBeLessThan(0.12);
  });

  it('says when every coarse block is clipped, and calls that camera noise, not white', () => {
    // A dark shot with heavy noise: black clips a third of the pixels, in every block.
    const w = 128;
    const noise = whiteNoise(w, w, 30, 5);
    const px = image(w, w, noise);
    for (let i = 0; i < w * w; i++) px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = 12 + noise[i];
    const est = estimateSigma(px, w, w);
    expect(est.coarseClipped).toBe(true);
    expect(isCorrelated(est)).toBe(true);
    const card = { sigma_range: [0, 50] as [number, number], auto_strength: { gain: 1, offset: 3, level: { model: '../noise-level', gain: 1, offset: 2 } } };
    expect(needsLevel(est, card)).toBe(true);
    // The level's fit (32), at most LEVEL_MOST_BELOW under it: the hand-made fit reads 0.
    expect(autoStrength({ ...est, level: 30 }, card)).toBe(32 - LEVEL_MOST_BELOW);
    const clean = estimateSigma(image(w, w, new Float32Array(w * w)), w, w);
    expect(clean.coarseClipped).toBe(false); // nothing clipped: read as before
  });

  it('reads a clean smooth image as nearly noiseless', () => {
    const est = estimateSigma(image(128, 128, new Float32Array(128 * 128)), 128, 128);
    expect(est.auto).toBeLessThan(2);
  });
});

describe('autoStrength', () => {
  const estimate = { fine: 1, coarse: 4, auto: 4 };
  it('applies the card calibration and rounds half up', () => {
    expect(autoStrength(estimate, { sigma_range: [0, 75], auto_strength: { gain: 2.5, offset: 0.5 } })).toBe(11);
    expect(autoStrength({ ...estimate, auto: 2.5 }, { sigma_range: [0, 75] })).toBe(3);
  });
  it('leaves white noise at its estimate (sigma), calibration or not', () => {
    const white = { fine: 25, coarse: 25.6, auto: 25.6 };
    expect(autoStrength(white, { sigma_range: [0, 75], auto_strength: { gain: 1.35, offset: 6 } })).toBe(26);
  });
  it('stays within the model range', () => {
    expect(autoStrength({ ...estimate, auto: 60 }, { sigma_range: [0, 75], auto_strength: { gain: 2, offset: 0 } })).toBe(75);
    expect(autoStrength(estimate, { sigma_range: [0, 75], auto_strength: { gain: 0.5, offset: -4 } })).toBe(0);
  });
});

describe('autoStrength from the learned level', () => {
  const camera = { fine: 1, coarse: 4, auto: 4 };
  const card = { sigma_range: [0, 75] as [number, number], auto_strength: { gain: 2, offset: 1, level: { model: '../noise-level', gain: 1.5, offset: -1 } } };
  it('takes the smaller of the level\'s fit and the hand-made fit once the level is read', () => {
    expect(autoStrength({ ...camera, level: 2 }, card)).toBe(2); // level fit 2 < hand-made 9
    expect(autoStrength({ ...camera, level: 8 }, card)).toBe(9); // hand-made 9 < level fit 11
  });
  it('lets the hand-made fit pull at most LEVEL_MOST_BELOW below the level\'s fit', () => {
    expect(LEVEL_MOST_BELOW).toBe(4);
    expect(autoStrength({ ...camera, level: 12 }, card)).toBe(13); // hand-made 9, level fit 17: 17 - 4
    expect(autoStrength({ ...camera, level: 60 }, card)).toBe(75); // level fit 89 - 4, clamped to the range
  });
  it('uses the level\'s fit alone on a card that has no hand-made fit (as strength.py)', () => {
    const levelOnly = { sigma_range: [0, 75] as [number, number], auto_strength: { level: card.auto_strength.level } };
    expect(autoStrength({ ...camera, level: 8 }, levelOnly)).toBe(11);
    expect(autoStrength({ ...camera, level: null }, levelOnly)).toBe(4); // level unknown: the estimate itself
  });
  it('falls back to the hand-made fit while the level is unknown or could not load', () => {
    expect(autoStrength(camera, card)).toBe(9);
    expect(autoStrength({ ...camera, level: null }, card)).toBe(9);
  });
  it('waits for the level only for camera noise on a model that has one', () => {
    expect(needsLevel(camera, card)).toBe(true);
    expect(needsLevel({ fine: 25, coarse: 25.6, auto: 25.6 }, card)).toBe(false);
    expect(needsLevel(camera, { auto_strength: { gain: 2, offset: 1 } })).toBe(false);
    expect(autoStrength({ fine: 25, coarse: 25.6, auto: 25.6, level: 3 }, card)).toBe(26);
  });
});

describe('the strength range', () => {
  it("ends at the card's top, 75 without one", () => {
    expect(strengthTop({ sigma_range: [0, 50] })).toBe(50);
    expect(strengthTop({ sigma_range: [0, 75] })).toBe(75);
    expect(strengthTop(null)).toBe(75);
  });

  it('keeps a strength asked for within the model, and the auto strength too', () => {
    const photo = { sigma_range: [0, 50] as [number, number] };
    expect(withinRange(70, photo)).toBe(50); // chosen on a white-noise model, then photo picked
    expect(withinRange(-3, photo)).toBe(0);
    expect(withinRange(20, photo)).toBe(20);
    const heavy = { fine: 20, coarse: 60, auto: 60 };
    expect(autoStrength(heavy, { ...photo, auto_strength: { gain: 1, offset: 3 } })).toBe(50);
  });
});
