/**
 * Passes: the network runs on flipped copies of each tile (none, left-right, up-down,
 * both), each result is flipped back, and the copies are averaged: a self-ensemble. Each
 * copy's noise looks new to the network while the scene is the same, so the average keeps
 * the scene and loses more noise (photo on the CC15 camera pairs: +0.08 dB at 2 passes,
 * +0.13 at 4). Passes 5-8 run the same four flips on the transposed tile (height and
 * width swapped: LiteRT.js pads a tile into its square file either way): in Keras 8
 * copies gave +0.04 dB over 4 on the real pairs and +0.16 on the saturated set at sigma 15
 * (runs/s33); Auto takes 8 where the budget allows since session 34 (through the page:
 * real pairs +0.04 dB, runs/s34). training/inference.py (run_passes, auto_passes,
 * PASS_COPIES) mirrors this module.
 * Written by hand: the flips run on the tile's Float32Array, whatever runtime runs the
 * tile, and no runtime here offers an ensemble.
 */
import type { ModelCard } from './protocol';

/** Runs the model on `[1, height, width, 4]` and resolves to `[1, height, width, 3]`. */
export type RunTile = (input: Float32Array, height: number, width: number) => Promise<Float32Array>;

export interface Flip {
  vertical: boolean;
  horizontal: boolean;
  /** Rows and columns swapped before the flips (and after, on the way back). */
  transpose: boolean;
}

const FOUR_FLIPS = [
  { vertical: false, horizontal: false },
  { vertical: false, horizontal: true },
  { vertical: true, horizontal: false },
  { vertical: true, horizontal: true },
];

/** The copy of each pass, in order (Python: PASS_COPIES): the four flips, then the four
 * flips of the transposed tile. */
export const FLIPS: readonly Flip[] = [false, true].flatMap((transpose) => FOUR_FLIPS.map((flip) => ({ ...flip, transpose })));
export const MAX_PASSES = FLIPS.length;

/** Multiply-adds the page spends on one photo when it picks the passes: 6 megapixels of a
 * 209 k MAC/px network (photo): 8 passes up to 0.75 MP, 4 up to 1.5 MP, 2 up to 3 MP, 1
 * above (default, 154 k since session 23: 8 up to 1.0 MP, 4 up to 2.0, 2 up to 4.1).
 * Measured (bench.passes, 2 cores): no photo then takes longer than a 12 MP one at one
 * pass (28.7 s); at 8 MP's worth a 2 MP photo took 30.4 s (small photos cost more per
 * pixel: tile context, and TF.js under 1 MP). With 8 (session 34, a machine 3.6x slower):
 * the slowest Auto photo 69 s against 12 MP's 110 s at one pass (docs/passes.md). */
export const AUTO_PASSES_BUDGET = 6e6 * 208_864;

/** The most passes (8, 4, 2 or 1) whose multiply-adds fit the budget; 1 for a card that does
 * not say its cost. Only the image and the model decide, never the device: the same photo
 * gives the same result on every backend. */
export function autoPasses(width: number, height: number, macsPerPixel: number | undefined): number {
  if (!macsPerPixel) return 1;
  for (const passes of [8, 4, 2]) if (passes * width * height * macsPerPixel <= AUTO_PASSES_BUDGET) return passes;
  return 1;
}

export type PassesSetting = number | 'auto';

/** The passes to run: `setting` checked, 'auto' resolved for this image and model. */
export function passesFor(setting: PassesSetting, width: number, height: number, card: Pick<ModelCard, 'macs_per_pixel'>): number {
  if (setting === 'auto') return autoPasses(width, height, card.macs_per_pixel);
  if (!Number.isInteger(setting) || setting < 1 || setting > MAX_PASSES) {
    throw new RangeError(`passes must be a whole number from 1 to ${MAX_PASSES} or 'auto', not ${String(setting)}`);
  }
  return setting;
}

/** A copy of `[height, width, channels]` values, flipped. */
export function flipped(values: Float32Array, height: number, width: number, channels: number, flip: Flip): Float32Array {
  const out = new Float32Array(values.length);
  const row = width * channels;
  for (let r = 0; r < height; r++) {
    const from = (flip.vertical ? height - 1 - r : r) * row;
    const to = r * row;
    if (!flip.horizontal) {
      out.set(values.subarray(from, from + row), to);
      continue;
    }
    for (let c = 0; c < width; c++) {
      const s = from + (width - 1 - c) * channels;
      for (let k = 0; k < channels; k++) out[to + c * channels + k] = values[s + k];
    }
  }
  return out;
}

/** `[height, width, channels]` values as `[width, height, channels]`: rows become columns. */
export function transposed(values: Float32Array, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const from = (r * width + c) * channels;
      const to = (c * height + r) * channels;
      for (let k = 0; k < channels; k++) out[to + k] = values[from + k];
    }
  }
  return out;
}

/** The tile's result averaged over `passes` copies (transposed, then flipped; each result
 * taken back the other way), summed in pass order in float32 as Python does. */
export async function runPasses(run: RunTile, input: Float32Array, height: number, width: number, passes: number): Promise<Float32Array> {
  if (passes === 1) return run(input, height, width);
  let total: Float32Array | null = null;
  for (const flip of FLIPS.slice(0, passes)) {
    const mirrors = flip.vertical || flip.horizontal;
    const [h, w] = flip.transpose ? [width, height] : [height, width];
    const turned = flip.transpose ? transposed(input, height, width, 4) : input;
    const copy = mirrors ? flipped(turned, h, w, 4, flip) : turned;
    const raw = await run(copy, h, w);
    const back = mirrors ? flipped(raw, h, w, 3, flip) : raw;
    // A copy either way: a runtime may hand back a view of its own memory.
    const out = flip.transpose ? transposed(back, h, w, 3) : mirrors ? back : Float32Array.from(raw);
    if (total === null) total = out;
    else for (let i = 0; i < total.length; i++) total[i] += out[i];
  }
  for (let i = 0; i < total!.length; i++) total![i] /= passes;
  return total!;
}
