import { describe, expect, it } from 'vitest';
import { greyLevelsApart, probeInput } from './probe';

describe('probeInput', () => {
  it('is the same every time, in [0, 1], with the strength in channel 3', () => {
    const a = probeInput(16);
    expect(a).toEqual(probeInput(16));
    expect(a.length).toBe(16 * 16 * 4);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
    for (let i = 3; i < a.length; i += 4) expect(a[i]).toBeCloseTo(25 / 255, 6);
    const reds = Array.from({ length: 16 * 16 }, (_, p) => a[p * 4]);
    expect(new Set(reds).size).toBeGreaterThan(200); // noise, not a flat tile
  });
});

describe('greyLevelsApart', () => {
  it('is the largest difference on the 0-255 scale', () => {
    expect(greyLevelsApart(new Float32Array([0.5, 0.2]), new Float32Array([0.5, 0.2]))).toBe(0);
    expect(greyLevelsApart(new Float32Array([0.5, 0.2]), new Float32Array([0.5, 0.2 + 2 / 255]))).toBeCloseTo(2, 4);
  });

  it('calls NaN or a different size infinitely far (never trusted)', () => {
    expect(greyLevelsApart(new Float32Array([NaN]), new Float32Array([0]))).toBe(Infinity);
    expect(greyLevelsApart(new Float32Array(2), new Float32Array(3))).toBe(Infinity);
  });
});
