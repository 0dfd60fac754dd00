/**
 * The preview: one small region denoised at 100 % with its true surroundings, so that
 * its pixels are the full run's pixels there (the model sees the same receptive field,
 * on the same pooling grid), in about a second on a CPU instead of minutes.
 */
export const PREVIEW_SIDE = 160;

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
