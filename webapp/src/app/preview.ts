/**
 * The preview: one small region denoised at 100 % with enough of its true surroundings,
 * on the same pooling grid, that its pixels are the full run's there within a grey level,
 * in about a second on a CPU instead of minutes.
 */
import { contextPixels } from '../engine/tiling';

export const PREVIEW_SIDE = 160;

/**
 * The most context (px) a preview gets on each side; below it, the model's own halo.
 * The cards' halos are measured (training/halo.py: the context that keeps tiles within
 * one grey level of the whole image): 32-48 px for the shipped models, and the preview
 * then matches the full run within a grey level. Until 2026-11-29 (session 9) the cap was
 * 32 px, chosen when halos were the full receptive field (97-104 px); `photo`'s stage-6
 * weights (halo 48) then differed by up to 3 levels at strength 30. The cap keeps a card
 * that still carries its receptive field from making the preview 4x the work.
 */
export const PREVIEW_HALO = 64;

/** The context a preview denoises around its region: the model's halo, capped. */
export function previewContext(halo: number, multiple: number): number {
  return contextPixels(Math.min(halo, PREVIEW_HALO), multiple);
}

export interface Region {
  /** The region shown, in image pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The region with its context (what the engine denoises), aligned to the model's size multiple. */
  outer: { x: number; y: number; width: number; height: number };
}

const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v, low), high);

/**
 * The preview region centred on (cx, cy) as far as the image allows, with `context`
 * pixels around it on every side that the image has, its corner on the `multiple` grid.
 */
export function previewRegion(
  imageWidth: number,
  imageHeight: number,
  cx: number,
  cy: number,
  context: number,
  multiple: number,
  side = PREVIEW_SIDE,
): Region {
  const width = Math.min(side, imageWidth);
  const height = Math.min(side, imageHeight);
  const snap = (v: number) => Math.floor(v / multiple) * multiple;
  const x = clamp(snap(Math.round(cx - width / 2)), 0, imageWidth - width);
  const y = clamp(snap(Math.round(cy - height / 2)), 0, imageHeight - height);
  const ox = Math.max(0, snap(x - context));
  const oy = Math.max(0, snap(y - context));
  const ox2 = Math.min(imageWidth, x + width + context);
  const oy2 = Math.min(imageHeight, y + height + context);
  return { x, y, width, height, outer: { x: ox, y: oy, width: ox2 - ox, height: oy2 - oy } };
}

/** A copy of the rectangle (x, y, width, height) of `image`. */
export function crop(image: ImageData, x: number, y: number, width: number, height: number): ImageData {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * 4;
    out.set(image.data.subarray(from, from + width * 4), r * width * 4);
  }
  return new ImageData(out, width, height);
}

/** The shown region cut out of the denoised outer region. */
export function inner(denoisedOuter: ImageData, region: Region): ImageData {
  return crop(denoisedOuter, region.x - region.outer.x, region.y - region.outer.y, region.width, region.height);
}

/**
 * Where the preview starts: the centre of the block (of `side` px) where noise shows
 * most, that is, the most noise for the least structure. Noise: the median absolute
 * diagonal difference of the luma (texture hardly enters it); structure: the spread of
 * the block's 8x8 means. Blocks near black or white are skipped (clipping hides noise).
 * One pass over every other pixel: ~0.1 s on 24 MP.
 */
export function noisiestFlatCentre(image: ImageData, side = PREVIEW_SIDE): { x: number; y: number } {
  const { width, height, data } = image;
  const luma = (x: number, y: number) => {
    const p = (y * width + x) * 4;
    return 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  };
  let best = { score: -Infinity, x: width / 2, y: height / 2 };
  if (width < 2 * side || height < 2 * side) return { x: best.x, y: best.y };
  for (let by = 0; by + side <= height; by += side) {
    for (let bx = 0; bx + side <= width; bx += side) {
      const diffs: number[] = [];
      const means: number[] = [];
      for (let cy = by; cy + 8 <= by + side; cy += 8) {
        for (let cx = bx; cx + 8 <= bx + side; cx += 8) {
          let sum = 0;
          for (let y = cy; y < cy + 8; y += 2) {
            for (let x = cx; x < cx + 8; x += 2) {
              const a = luma(x, y);
              sum += a;
              diffs.push(Math.abs(a - luma(x + 1, y) - luma(x, y + 1) + luma(x + 1, y + 1)) / 2);
            }
          }
          means.push(sum / 16);
        }
      }
      const mean = means.reduce((a, b) => a + b, 0) / means.length;
      if (mean < 20 || mean > 235) continue;
      diffs.sort((a, b) => a - b);
      const noise = diffs[diffs.length >> 1] / 0.6745;
      const spread = Math.sqrt(means.reduce((a, m) => a + (m - mean) ** 2, 0) / means.length);
      const score = noise / (4 + spread);
      if (score > best.score) best = { score, x: bx + side / 2, y: by + side / 2 };
    }
  }
  return { x: best.x, y: best.y };
}
