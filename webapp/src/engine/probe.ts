/**
 * The GPU parity probe: before the engine trusts WebGPU or WebGL, the model runs on a
 * small test tile there and on TF.js WASM, and the two must agree within a grey level.
 * A GPU that computes wrongly (drivers, half-float paths, a reported Firefox WebGPU bug
 * that gave wrong results) is passed over for the next backend instead of handing the
 * user a damaged photo. SwiftShader's float32 WebGL passes it here
 * (tests/test_gpu_probe.py); the probe costs one 64 x 64 tile on each backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { activate } from './backend';
import { runGraph } from './graph';

/** Side of the test tile (px): enough for every layer to see mirrored context, small
 * enough to cost a fraction of a second on WASM. */
export const PROBE_SIDE = 64;
/** The most the GPU may differ from WASM anywhere on the tile, in 0-255 grey levels. */
export const PROBE_TOLERANCE = 1;
/** The strength the probe runs at (0-255 scale). */
const PROBE_SIGMA = 25;

/** A fixed noisy-looking test tile, [side, side, 4]: pixels from a seeded LCG, then the
 * strength map; the same every time so that GPU and WASM see identical input. */
export function probeInput(side: number): Float32Array {
  const input = new Float32Array(side * side * 4);
  let seed = 12345;
  for (let i = 0; i < input.length; i++) {
    if (i % 4 === 3) {
      input[i] = PROBE_SIGMA / 255;
      continue;
    }
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const smooth = ((i >> 2) % side) / side; // a gradient under the noise
    input[i] = Math.min(1, Math.max(0, 0.25 + 0.5 * smooth + ((seed >>> 8) / 2 ** 24 - 0.5) * 0.3));
  }
  return input;
}

/** The largest difference between two outputs in [0, 1], in grey levels. */
export function greyLevelsApart(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return Number.isNaN(worst) ? Infinity : worst * 255;
}

/**
 * Run the probe with the GPU backend active; returns why the GPU is not trusted, or
 * null. TF.js WASM is started for the reference (it is the fallback anyway) and the GPU
 * backend is made active again before returning; the weights move between backends as
 * TF.js needs them. `offset` is a test hook (grey levels added to the GPU's output).
 */
export async function gpuDisagreement(model: GraphModel, multiple: number, wasmBase: string, threads?: number, offset = 0): Promise<string | null> {
  const gpu = tf.getBackend();
  const side = Math.ceil(PROBE_SIDE / multiple) * multiple;
  const input = probeInput(side);
  const onGpu = (await runGraph(model, input, side, side)).map((v) => v + offset / 255);
  if (!(await activate('wasm', wasmBase, threads))) return null; // nothing to compare with, nothing better to fall to
  let reference: Float32Array;
  try {
    reference = await runGraph(model, input, side, side);
  } finally {
    await tf.setBackend(gpu);
  }
  const apart = greyLevelsApart(onGpu, reference);
  return apart > PROBE_TOLERANCE ? `its results were ${apart.toFixed(1)} grey levels from TF.js WASM's on a test tile` : null;
}
