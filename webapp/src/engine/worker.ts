/**
 * The worker that owns TF.js: loads the model once, warms it up, and denoises images
 * tile by tile, reporting progress and honouring cancel between tiles.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { chooseBackend } from './backend';
import type { BackendName, ModelCard, WorkerReply, WorkerRequest } from './protocol';
import { denoiseTiled } from './tiled';
import { contextPixels, textureTileLimit } from './tiling';

const DEFAULT_TILE: Record<BackendName, number> = { webgpu: 1024, webgl: 1024, wasm: 512, cpu: 256 };

let model: GraphModel | null = null;
let card: ModelCard | null = null;
let backend: BackendName = 'cpu';
let tileLimit = Infinity;
/** Widest activation of our architectures (channels at full resolution x 1, deeper levels are smaller). */
const WIDEST_CHANNELS = 32;
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
  tileLimit =
    backend === 'webgl'
      ? textureTileLimit(
          tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE'),
          contextPixels(card.halo, card.size_multiple),
          card.size_multiple,
          WIDEST_CHANNELS,
        )
      : Infinity;
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

async function denoise(request: Extract<WorkerRequest, { type: 'denoise' }>): Promise<void> {
  if (!model || !card) throw new Error('no model loaded');
  const loaded = model;
  const { id, width, height, pixels, sigma } = request;
  const start = performance.now();
  const runTile = async (input: Float32Array, h: number, w: number): Promise<Float32Array> => {
    const output = tf.tidy(() => loaded.execute(tf.tensor4d(input, [1, h, w, 4])) as tf.Tensor);
    try {
      return (await output.data()) as Float32Array;
    } finally {
      output.dispose();
    }
  };
  const out = await denoiseTiled(pixels, width, height, card, runTile, {
    sigma,
    tileSize: Math.min(request.tileSize ?? DEFAULT_TILE[backend], tileLimit),
    onTile: async (done, total) => {
      post({ type: 'progress', id, done, total, elapsedMs: performance.now() - start });
      await new Promise((resolve) => setTimeout(resolve, 0)); // let a cancel message in
      return !cancelled.has(id);
    },
  });
  const cancelledLate = cancelled.delete(id);
  if (out === null || cancelledLate) {
    post({ type: 'cancelled', id, numTensors: tf.memory().numTensors });
    return;
  }
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
