import { describe, expect, it } from 'vitest';
import { crop, inner, noisiestFlatCentre, PREVIEW_HALO, previewContext, previewRegion } from './preview';

class FakeImageData {
  constructor(
    public data: Uint8ClampedArray,
    public width: number,
    public height: number,
  ) {}
}
(globalThis as unknown as { ImageData: unknown }).ImageData ??= FakeImageData;

describe('the preview region', () => {
  it('is centred where asked, with context on every side, on the size-multiple grid', () => {
    const r = previewRegion(2000, 1500, 1000, 700, 104, 8);
    expect(r).toMatchObject({ x: 920, y: 616, width: 160, height: 160 });
    expect(r.outer).toEqual({ x: 816, y: 512, width: 160 + 208, height: 160 + 208 });
    expect(r.x % 8).toBe(0);
    expect(r.outer.x % 8).toBe(0);
  });

  it('stays inside the image and keeps only the context the image has', () => {
    const r = previewRegion(300, 200, 5, 199, 104, 8);
    expect(r).toMatchObject({ x: 0, y: 40, width: 160, height: 160 });
    expect(r.outer).toEqual({ x: 0, y: 0, width: 264, height: 200 });
  });

  it('shrinks to a small image', () => {
    const r = previewRegion(100, 60, 50, 30, 104, 8);
    expect(r).toMatchObject({ x: 0, y: 0, width: 100, height: 60, outer: { x: 0, y: 0, width: 100, height: 60 } });
  });

  it('crops the pixels of the region back out of the denoised outer part', () => {
    const w = 6;
    const data = new Uint8ClampedArray(w * 5 * 4).map((_, i) => i % 251);
    const image = new ImageData(data, w, 5);
    const region = { x: 2, y: 1, width: 3, height: 2, outer: { x: 1, y: 0, width: 5, height: 5 } };
    const outer = crop(image, 1, 0, 5, 5);
    expect(Array.from(inner(outer, region).data)).toEqual(Array.from(crop(image, 2, 1, 3, 2).data));
  });
});

describe('the preview context', () => {
  it('is the model halo on the grid, capped at PREVIEW_HALO', () => {
    expect(previewContext(97, 8)).toBe(PREVIEW_HALO);
    expect(previewContext(20, 8)).toBe(24);
    expect(previewContext(0, 8)).toBe(0);
  });
});

describe('where the preview starts', () => {
  it('picks the noisy flat block, not the textured one nor the clean one', () => {
    const w = 480;
    const h = 320;
    const data = new Uint8ClampedArray(w * h * 4);
    let seed = 7;
    const noise = () => ((seed = (1103515245 * seed + 12345) >>> 0) / 2 ** 32 - 0.5) * 40;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = 128;
        if (x < 160) v = 128 + 90 * Math.sin(x / 3) * Math.cos(y / 4) + noise(); // texture + noise
        else if (x >= 320 && y >= 160) v = 128 + noise(); // flat and noisy
        const p = (y * w + x) * 4;
        data[p] = data[p + 1] = data[p + 2] = v;
        data[p + 3] = 255;
      }
    }
    expect(noisiestFlatCentre(new ImageData(data, w, h))).toEqual({ x: 400, y: 240 });
  });

  it('uses the centre of a small image', () => {
    expect(noisiestFlatCentre(new ImageData(new Uint8ClampedArray(100 * 80 * 4), 100, 80))).toEqual({ x: 50, y: 40 });
  });
});
