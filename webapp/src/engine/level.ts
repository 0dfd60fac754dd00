/**
 * The learned noise level (training/noise_level.py), in the worker: a small network reads
 * crops spread over the photo and answers how strong its noise is (RMS, 0-255 scale).
 * Camera noise smoothed by the ISP and JPEG fools the hand-made estimate of sigma.ts
 * by a factor of two either way; the network learnt the difference from the photo
 * model's own training pairs. Crop size and grid come from the estimator's card; the
 * crop positions and the way answers combine mirror training/noise_level.py exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';

/** The parts of estimator.json the engine uses. */
export interface LevelCard {
  crop: number;
  grid: number;
}

/** Evenly spread crop starts along one side (noise_level.py `_starts`). */
export function cropStarts(length: number, crop: number, grid: number): number[] {
  if (length <= crop) return [0];
  const count = Math.min(grid, Math.floor(length / crop));
  if (count === 1) return [Math.floor((length - crop) / 2)];
  return Array.from({ length: count }, (_, i) => Math.floor((i * (length - crop)) / (count - 1)));
}

/** (top, left) of each crop, row by row (noise_level.py `crop_corners`). */
export function cropCorners(height: number, width: number, card: LevelCard): [number, number][] {
  const tops = cropStarts(height, card.crop, card.grid);
  const lefts = cropStarts(width, card.crop, card.grid);
  return tops.flatMap((top) => lefts.map((left): [number, number] => [top, left]));
}

/** The crops of RGBA pixels as float `[N, h, w, 3]` in [0, 1]. */
export function cropBatch(pixels: Uint8ClampedArray, width: number, height: number, card: LevelCard): { data: Float32Array; shape: [number, number, number, number] } {
  const corners = cropCorners(height, width, card);
  const h = Math.min(card.crop, height);
  const w = Math.min(card.crop, width);
  const data = new Float32Array(corners.length * h * w * 3);
  let o = 0;
  for (const [top, left] of corners) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = ((top + y) * width + left + x) * 4;
        data[o++] = pixels[i] / 255;
        data[o++] = pixels[i + 1] / 255;
        data[o++] = pixels[i + 2] / 255;
      }
    }
  }
  return { data, shape: [corners.length, h, w, 3] };
}

/** The photo's level from the crops' answers, log(1 + RMS) each: the RMS of their RMS. */
export function levelOf(answers: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < answers.length; i++) sum += Math.max(0, Math.expm1(answers[i])) ** 2;
  return Math.sqrt(sum / answers.length);
}

/** The estimator at a folder URL, loaded once per worker. */
export class NoiseLevel {
  private constructor(
    private readonly model: GraphModel,
    private readonly card: LevelCard,
  ) {}

  static async load(folder: URL): Promise<NoiseLevel> {
    const response = await fetch(new URL('estimator.json', folder));
    if (!response.ok) throw new Error(`noise level card missing at ${response.url}`);
    const card = (await response.json()) as LevelCard;
    return new NoiseLevel(await loadGraphModel(new URL('model.json', folder).href), card);
  }

  /** Noise RMS (0-255) of RGBA pixels, on the active TF.js backend; every tensor disposed. */
  async read(pixels: Uint8ClampedArray, width: number, height: number): Promise<number> {
    const { data, shape } = cropBatch(pixels, width, height, this.card);
    const output = tf.tidy(() => this.model.execute(tf.tensor4d(data, shape)) as tf.Tensor);
    try {
      return levelOf(await output.data());
    } finally {
      output.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
