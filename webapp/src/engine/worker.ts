/**
 * The worker that owns TF.js: loads the model once, warms it up, and denoises images
 * tile by tile, reporting progress and honouring cancel between tiles.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { chooseBackend } from './backend';
import type { BackendName, ModelCard, WorkerReply, WorkerRequest } from './protocol';
import { contextPixels, mirror, planTiles, type Tile } from './tiling';

const DEFAULT_TILE: Record<BackendName, number> = { webgpu: 1024, webgl: 1024, wasm: 512, cpu: 256 };

let model: GraphModel | null = null;
let card: ModelCard | null = null;
let backend: BackendName = 'cpu';
const cancelled = new Set<number>();

const post = (reply: WorkerReply, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(reply, transfer);

async function load(request: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
  const { modelUrl, wasmBase } = request;
  const chosen = await chooseBackend(wasmBase, request.backend, request.threads);
  backend = chosen.name;
  const base = new URL(modelUrl, self.location.href);
  const cardResponse = await fetch(new URL('denoiser.json', base));
  if (!cardResponse.ok) throw new Error(`model card missing at ${cardResponse.url}`);
  card = (await cardResponse.json()) as ModelCard;
  model?.dispose();
  model = await loadGraphModel(new URL('model.json', base).href);
  const start = performance.now();
  const side = 2 * contextPixels(card.halo, card.size_multiple) + card.size_multiple;
  const warm = tf.tidy(() => model!.execute(tf.zeros([1, side, side, 4])) as tf.Tensor);
  await warm.data();
  warm.dispose();
  post({
    type: 'loaded',
    backend,
    threads: chosen.threads,
    warmupMs: performance.now() - start,
    card,
    numTensors: tf.memory().numTensors,
  });
}

function isGray(pixels: Uint8ClampedArray): boolean {
  for (let p = 0; p < pixels.length; p += 4) {
    if (pixels[p] !== pixels[p + 1] || pixels[p] !== pixels[p + 2]) return false;
  }
  return true;
}

function tileInput(pixels: Uint8ClampedArray, width: number, height: number, tile: Tile, sigma: number): Float32Array {
  const input = new Float32Array(tile.inWidth * tile.inHeight * 4);
  const level = sigma / 255;
  let k = 0;
  for (let r = 0; r < tile.inHeight; r++) {
    const row = mirror(tile.inY + r, height) * width;
    for (let c = 0; c < tile.inWidth; c++) {
      const p = (row + mirror(tile.inX + c, width)) * 4;
      input[k++] = pixels[p] / 255;
      input[k++] = pixels[p + 1] / 255;
      input[k++] = pixels[p + 2] / 255;
      input[k++] = level;
    }
  }
  return input;
}

function placeTile(out: Uint8ClampedArray, result: Float32Array, width: number, tile: Tile, pad: number, gray: boolean): void {
  for (let r = 0; r < tile.height; r++) {
    for (let c = 0; c < tile.width; c++) {
      const s = ((r + pad) * tile.inWidth + c + pad) * 3;
      const d = ((tile.y + r) * width + tile.x + c) * 4;
      if (gray) {
        const v = Math.round(((result[s] + result[s + 1] + result[s + 2]) / 3) * 255);
        out[d] = out[d + 1] = out[d + 2] = v; // Uint8ClampedArray clips
      } else {
        out[d] = Math.round(result[s] * 255);
        out[d + 1] = Math.round(result[s + 1] * 255);
        out[d + 2] = Math.round(result[s + 2] * 255);
      }
    }
  }
}

async function denoise(request: Extract<WorkerRequest, { type: 'denoise' }>): Promise<void> {
  if (!model || !card) throw new Error('no model loaded');
  const { id, width, height, pixels, sigma } = request;
  const tiles = planTiles(width, height, request.tileSize ?? DEFAULT_TILE[backend], card.halo, card.size_multiple);
  const pad = contextPixels(card.halo, card.size_multiple);
  const gray = isGray(pixels);
  const out = new Uint8ClampedArray(pixels); // alpha carried through untouched
  const start = performance.now();
  for (const [index, tile] of tiles.entries()) {
    if (cancelled.delete(id)) {
      post({ type: 'cancelled', id, numTensors: tf.memory().numTensors });
      return;
    }
    const input = tileInput(pixels, width, height, tile, sigma);
    const output = tf.tidy(
      () => model!.execute(tf.tensor4d(input, [1, tile.inHeight, tile.inWidth, 4])) as tf.Tensor,
    );
    try {
      placeTile(out, (await output.data()) as Float32Array, width, tile, pad, gray);
    } finally {
      output.dispose();
    }
    post({ type: 'progress', id, done: index + 1, total: tiles.length, elapsedMs: performance.now() - start });
    await new Promise((resolve) => setTimeout(resolve, 0)); // let a cancel message in
  }
  cancelled.delete(id);
  post(
    { type: 'result', id, pixels: out, width, height, elapsedMs: performance.now() - start, numTensors: tf.memory().numTensors },
    [out.buffer],
  );
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  try {
    if (request.type === 'load') await load(request);
    else if (request.type === 'denoise') await denoise(request);
    else if (request.type === 'cancel') cancelled.add(request.id);
  } catch (error) {
    const id = request.type === 'load' ? undefined : request.id;
    post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
};
