import { describe, expect, it } from 'vitest';
import { cropBatch, cropCorners, cropStarts, levelOf } from './level';

const card = { crop: 96, grid: 5 };

describe('crop grid (mirrors training/noise_level.py; tests/test_noise_level.py checks the same numbers)', () => {
  it('spreads at most grid crops from edge to edge', () => {
    expect(cropStarts(512, 96, 5)).toEqual([0, 104, 208, 312, 416]);
    expect(cropStarts(4000, 96, 5)).toEqual([0, 976, 1952, 2928, 3904]);
    expect(cropStarts(300, 96, 5)).toEqual([0, 102, 204]);
  });
  it('takes one centred crop when only one fits, and the whole side when it is short', () => {
    expect(cropStarts(150, 96, 5)).toEqual([27]);
    expect(cropStarts(96, 96, 5)).toEqual([0]);
    expect(cropStarts(40, 96, 5)).toEqual([0]);
  });
  it('lists the crops row by row', () => {
    expect(cropCorners(200, 300, card)).toEqual([
      [0, 0], [0, 102], [0, 204],
      [104, 0], [104, 102], [104, 204],
    ]);
  });
});

describe('cropBatch', () => {
  it('cuts RGB in [0, 1] out of RGBA, smaller than a crop for a small image', () => {
    const w = 3, h = 2;
    const px = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : i));
    const { data, shape } = cropBatch(px, w, h, card);
    expect(shape).toEqual([1, 2, 3, 3]);
    expect(data[0]).toBe(0);
    expect(data[3]).toBeCloseTo(4 / 255); // the second pixel's red: RGBA index 4
    expect(data.length).toBe(18);
  });
});

describe('levelOf', () => {
  it('is the RMS of the crop RMS values (each answer is log(1 + RMS))', () => {
    expect(levelOf([Math.log1p(3), Math.log1p(4)])).toBeCloseTo(Math.sqrt(12.5));
    expect(levelOf([-0.5])).toBe(0); // a negative answer reads as no noise
  });
});
