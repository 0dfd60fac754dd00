/**
 * The worker that owns TF.js: loads the model once, warms it up, and denoises images
 * tile by tile, reporting progress. If the backend
 * fails mid-image (a lost WebGL context, running out of memory), the model moves to
 * the next backend and the image finishes there. Cancel terminates the worker (see
 * client.ts): nothing here waits for it. A 'drop' (previews) stops a job between two
 * network runs instead, keeping the model warm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { chooseBackend, webglContext } from './backend';
import { runGraph } from './graph';
import { gpuDisagreement } from './probe';
import { NoiseLevel } from './level';
import { fitsLiteRt, liteRtBase, liteRtFileFor, liteRtPlan, LiteRtTiles, startLiteRt } from './litert';
import type { BackendName, LiteRtFile, ModelCard, WorkerReply, WorkerRequest } from './protocol';
import { passesFor } from './passes';
import { denoiseTiled } from './tiled';
import { contextPixels, defaultTileSize, isMobile, textureTileLimit } from './tiling';

let model: GraphModel | null = null;
let card: ModelCard | null = null;
let backend: BackendName = 'cpu';
let threads = 1;
let tileLimit = Infinity;
let loadRequest: Extract<WorkerRequest, { type: 'load' }> | null = null;
/** Backends passed over at start-up, each with why (reported with 'loaded'). */
let skipped: string[] = [];
/** Widest activation of our architectures (channels at full resolution x 1, deeper levels are smaller). */
const WIDEST_CHANNELS = 32;
let peakBytes: number | null = null;
/** LiteRT.js's compiled .tflite files, while the backend is 'litert-wasm'. */
let liteRt: LiteRtTiles | null = null;
/** The .tflite for the image being denoised (its tile size), or null. */
let imageFile: LiteRtFile | null = null;
/** Tiles of the current image that LiteRT.js ran (the rest ran on TF.js). */
let liteRtTilesRun = 0;
/** Jobs the client let go ('drop'): each stops before its next network run. */
const dropped = new Set<number>();

class DroppedError extends Error {}

/**
 * A macrotask boundary: TF.js's WASM and CPU backends resolve their reads as microtasks,
 * so without it a 'drop' posted during a job would only be read after the job ends.
 */
const readMessages = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
/** The learned noise level the card names, loaded with the model (so that its tensors
 * are part of the baseline the leak checks compare against). */
let noiseLevel: NoiseLevel | null = null;
const deviceMemory = (): number | undefined => (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
/** The tile side when the caller names none, for this backend and device. */
const defaultTile = (): number => defaultTileSize(backend, deviceMemory(), isMobile(navigator.userAgent));

const post = (reply: WorkerReply, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(reply, transfer);

/** Start a backend, load the card and model on it and warm it up; returns warm-up ms. */
async function startOn(request: Extract<WorkerRequest, { type: 'load' }>, after?: BackendName): Promise<number> {
  liteRt?.dispose();
  liteRt = null;
  const base = new URL(request.modelUrl, self.location.href);
  const cardResponse = await fetch(new URL('denoiser.json', base));
  if (!cardResponse.ok) throw new Error(`model card missing at ${cardResponse.url}`);
  card = (await cardResponse.json()) as ModelCard;
  const chosen = await chooseBackend(request.wasmBase, {
    forced: after ? undefined : request.backend,
    threads: request.threads,
    after,
    liteRtFiles: card.litert?.files.length ?? 0,
    allowSoftwareGpu: request.allowSoftwareGpu,
  });
  skipped.push(...chosen.skipped);
  backend = chosen.name;
  threads = chosen.threads;
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
  noiseLevel?.dispose();
  noiseLevel = null;
  const level = card.auto_strength?.level;
  if (level) {
    // Without it the page still works, on the hand-made estimate's calibration.
    try {
      noiseLevel = await NoiseLevel.load(new URL(level.model.endsWith('/') ? level.model : `${level.model}/`, base));
    } catch (error) {
      skipped.push(`learned noise level: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const start = performance.now();
  const side = 2 * contextPixels(card.halo, card.size_multiple) + card.size_multiple;
  const warm = tf.tidy(() => model!.execute(tf.zeros([1, side, side, 4])) as tf.Tensor);
  await warm.data();
  warm.dispose();
  if (backend === 'webgpu' || backend === 'webgl') {
    const distrust = await gpuDisagreement(model, card.size_multiple, request.wasmBase, request.threads, request.gpuProbeOffset);
    if (distrust) {
      skipped.push(`${backend}: ${distrust}`);
      return startOn(request, backend);
    }
  }
  if (backend === 'litert-wasm') {
    // Compile the .tflite for the default tile now: a LiteRT.js that cannot start leaves
    // for TF.js WASM before the first image. It is not run here: running it took 9-14 s of
    // `photo`'s start-up here (the 1104-px file, taken where the device reports 8 GB or
    // more; 592 px below: docs/runtimes.md), and photos under a megapixel never use it; a
    // LiteRT.js that fails on a tile still finishes on TF.js (runTileWithFallback).
    try {
      liteRt = new LiteRtTiles(await startLiteRt(liteRtBase(request.wasmBase)), base, threads);
      const file = liteRtFileFor(card, defaultTile(), contextPixels(card.halo, card.size_multiple));
      if (file) await liteRt.compile(file);
    } catch {
      return startOn(request, backend);
    }
  }
  return performance.now() - start;
}

async function load(request: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
  loadRequest = request;
  skipped = [];
  const warmupMs = await startOn(request);
  post({ type: 'loaded', backend, threads, warmupMs, card: card!, numTensors: tf.memory().numTensors, skipped });
}

/** Run one tile; on a backend failure move to the next backend and run it there. */
async function runTileWithFallback(id: number, input: Float32Array, h: number, w: number, tilesDone: number): Promise<Float32Array> {
  for (;;) {
    try {
      const loaded = model!;
      const file = backend === 'litert-wasm' && liteRt ? imageFile : null;
      if (file && fitsLiteRt(file.input, h, w)) {
        const failAfter = loadRequest?.failLiteRtAfterTiles;
        if (failAfter !== undefined && tilesDone >= failAfter) throw new Error('test hook: LiteRT.js failed');
        const out = await liteRt!.run(file, input, h, w);
        liteRtTilesRun++;
        return out;
      }
      const run = (): Promise<Float32Array> => runGraph(loaded, input, h, w);
      let values: Float32Array;
      if (profiling()) {
        // tf.profile records the engine's byte count after every kernel; on wasm and
        // cpu its per-kernel timer is two clock reads, so the timing stays honest.
        const profile = await tf.profile(run);
        values = profile.result as Float32Array;
        peakBytes = Math.max(peakBytes ?? 0, profile.peakBytes);
      } else values = await run();
      const gl = webglContext();
      if (gl && loadRequest?.loseContextAfterTiles === tilesDone + 1) {
        gl.getExtension('WEBGL_lose_context')?.loseContext();
      }
      if (gl?.isContextLost()) throw new Error('the WebGL context was lost');
      return values;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!loadRequest || backend === 'cpu') throw error;
      const failed = backend;
      await startOn(loadRequest, failed);
      post({ type: 'backend', id, backend, threads, reason: `${failed} failed (${message}); continued on ${backend}` });
    }
  }
}

/** Peak memory is measured only where the profiler's timer is cheap (not on GPUs). */
const profiling = (): boolean => Boolean(loadRequest?.measureMemory) && (backend === 'wasm' || backend === 'cpu');

async function denoise(request: Extract<WorkerRequest, { type: 'denoise' }>): Promise<void> {
  if (!model || !card) throw new Error('no model loaded');
  const { id, width, height, pixels, sigma } = request;
  const start = performance.now();
  peakBytes = null;
  let tilesDone = 0;
  liteRtTilesRun = 0;
  const runTile = async (input: Float32Array, h: number, w: number) => {
    await readMessages();
    if (dropped.has(id)) throw new DroppedError(`job ${id} was dropped`);
    return runTileWithFallback(id, input, h, w, tilesDone++);
  };
  let tileSize = Math.min(request.tileSize ?? defaultTile(), tileLimit);
  const geometry = request.halo === undefined ? card : { ...card, halo: Math.min(card.halo, Math.max(0, request.halo)) };
  const context = contextPixels(geometry.halo, geometry.size_multiple);
  imageFile = null;
  if (backend === 'litert-wasm') {
    ({ tileSize, file: imageFile } = liteRtPlan(geometry, tileSize, context, width, height, request.tileSize !== undefined));
  }
  const passes = passesFor(request.passes, width, height, card); // checked here too: the client is not the only sender
  const out = await denoiseTiled(pixels, width, height, geometry, runTile, {
    sigma,
    tileSize,
    passes,
    onTile: async (done, total) => {
      post({ type: 'progress', id, done, total, elapsedMs: performance.now() - start });
      if (loadRequest?.crashAfterTiles === done) await crash();
      return true;
    },
  });
  if (out === null) throw new Error('the tiled run stopped');
  post(
    { type: 'result', id, pixels: out, width, height, elapsedMs: performance.now() - start, numTensors: tf.memory().numTensors, peakBytes, tileSize, tiles: tilesDone, liteRtTiles: liteRtTilesRun, passes },
    [out.buffer],
  );
}

/** Test hook: die as a crashed worker does, an uncaught error and then nothing more. */
async function crash(): Promise<never> {
  setTimeout(() => {
    throw new Error('test hook: the worker crashed');
  });
  return new Promise<never>(() => {});
}

/** One job at a time, in order: a preview asked for during a run waits for it, and each
 * result's tensor count is measured with no other job's tensors alive. */
let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'drop') dropped.add(request.id);
  else queue = queue.then(() => handle(request)).finally(() => 'id' in request && dropped.delete(request.id));
};

async function readLevel(request: Extract<WorkerRequest, { type: 'level' }>): Promise<void> {
  const level = noiseLevel ? await noiseLevel.read(request.pixels, request.width, request.height) : null;
  post({ type: 'level', id: request.id, level });
}

async function handle(request: Exclude<WorkerRequest, { type: 'drop' }>): Promise<void> {
  try {
    if (request.type === 'load') await load(request);
    else if (request.type === 'level') await readLevel(request);
    else await denoise(request);
  } catch (error) {
    const id = request.type === 'load' ? undefined : request.id;
    post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
}
