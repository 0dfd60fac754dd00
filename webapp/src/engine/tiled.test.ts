/**
 * Tiled inference equals whole-image inference, with the real shipped `fast` web model
 * in real TF.js (the WASM backend, in Node).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import { denoiseTiled, type RunTile } from './tiled';

const MODEL_DIR = fileURLToPath(new URL('../../static/models/fast', import.meta.url));
let model: GraphModel;
let card: { halo: number; size_multiple: number };

async function loadFromDisk(dir: string): Promise<GraphModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) for (const p of group.paths) shards.push(await readFile(join(dir, p)));
  const weights = Buffer.concat(shards);
  return loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      format: json.format,
      signature: json.signature,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

const run: RunTile = async (input, h, w) => {
  const out = tf.tidy(() => model.execute(tf.tensor4d(input, [1, h, w, 4])) as tf.Tensor);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
};

/** A noisy test picture (gradients, a bright block, seeded noise), RGBA. */
function picture(width: number, height: number, gray = false): Uint8ClampedArray {
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 60;
  const px = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const block = x > width / 3 && x < width / 2 && y > height / 4 ? 80 : 0;
      const r = 40 + (150 * x) / width + block + noise();
      px[i] = r;
      px[i + 1] = gray ? px[i] : 90 + (100 * y) / height + noise();
      px[i + 2] = gray ? px[i] : 160 - block + noise();
      px[i + 3] = (x * 7 + y) % 256; // alpha must come back untouched
    }
  return px;
}

describe('tiled inference', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    model = await loadFromDisk(MODEL_DIR);
    card = JSON.parse(await readFile(join(MODEL_DIR, 'denoiser.json'), 'utf8'));
  }, 60_000);

  it('equals whole-image inference: no seams', async () => {
    const [w, h] = [83, 70];
    const pixels = picture(w, h);
    const whole = await denoiseTiled(pixels, w, h, card, run, { sigma: 25, tileSize: 1024 });
    let tilesSeen = 0;
    const tiled = await denoiseTiled(pixels, w, h, card, run, {
      sigma: 25,
      tileSize: 40,
      onTile: (_done, total) => ((tilesSeen = total), true),
    });
    expect(tilesSeen).toBe(6); // 3 x 2 tiles of 40 (rounded to the grid)
    let maxDiff = 0;
    let changed = 0;
    for (let i = 0; i < pixels.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(whole![i] - tiled![i]));
      if (i % 4 !== 3 && whole![i] !== pixels[i]) changed++;
    }
    expect(maxDiff).toBeLessThanOrEqual(1); // float rounding only
    expect(changed).toBeGreaterThan(pixels.length / 2); // it did denoise
    for (let i = 3; i < pixels.length; i += 4) expect(tiled![i]).toBe(pixels[i]);
  }, 120_000);

  it('runs passes per tile: tiled still equals whole, and the average differs from one pass', async () => {
    const [w, h] = [83, 70];
    const pixels = picture(w, h);
    const one = await denoiseTiled(pixels, w, h, card, run, { sigma: 25, tileSize: 1024 });
    const whole = await denoiseTiled(pixels, w, h, card, run, { sigma: 25, tileSize: 1024, passes: 4 });
    const tiled = await denoiseTiled(pixels, w, h, card, run, { sigma: 25, tileSize: 40, passes: 4 });
    let maxDiff = 0;
    let differs = 0;
    for (let i = 0; i < pixels.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(whole![i] - tiled![i]));
      if (whole![i] !== one![i]) differs++;
      if (i % 4 !== 3) expect(Math.abs(whole![i] - one![i])).toBeLessThan(16); // the same picture
    }
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(differs).toBeGreaterThan(pixels.length / 10);
  }, 120_000);

  it('keeps gray images gray and leaks no tensors; stops when asked', async () => {
    const before = tf.memory().numTensors;
    const pixels = picture(40, 24, true);
    const out = await denoiseTiled(pixels, 40, 24, card, run, { sigma: 15, tileSize: 512 });
    for (let i = 0; i < out!.length; i += 4) {
      expect(out![i]).toBe(out![i + 1]);
      expect(out![i]).toBe(out![i + 2]);
    }
    const stopped = await denoiseTiled(pixels, 40, 24, card, run, { sigma: 15, tileSize: 8, onTile: () => false });
    expect(stopped).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
