/**
 * Backend choice: WebGPU -> WebGL on a real GPU -> LiteRT.js WASM (int8, where the card
 * has .tflite files and the browser has relaxed SIMD and shared memory) -> TF.js WASM
 * (SIMD, threads when the page is cross-origin isolated) -> CPU. Software GPUs
 * (SwiftShader, llvmpipe) are skipped: on them WASM is an order of magnitude faster.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { liteRtBase, liteRtUnsupported, startLiteRt } from './litert';
import { onWasm, type BackendName } from './protocol';

export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'litert-wasm', 'wasm', 'cpu'];

/** The backends to try, in order: the forced one only, or those after `after`. */
export function backendOrder(forced?: BackendName, after?: BackendName): BackendName[] {
  if (forced) return [forced];
  return BACKEND_ORDER.slice(after ? BACKEND_ORDER.indexOf(after) + 1 : 0);
}

export interface LiteRtContext {
  isolated: boolean;
  sharedMemory: boolean;
  /** .tflite files the model card lists */
  files: number;
}

/** Why the LiteRT.js path is skipped, or null: `features` says what the browser lacks. */
export async function liteRtSkipReason(
  context: LiteRtContext,
  features: (c: LiteRtContext) => Promise<string | null> = liteRtUnsupported,
): Promise<string | null> {
  if (context.files === 0) return 'the model has no .tflite files';
  return features(context);
}
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL renderer string, or null where WebGL is unavailable. */
export function webglRenderer(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = info
      ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL)
      : gl.getParameter(gl.RENDERER);
    return String(renderer);
  } catch {
    return null;
  }
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

async function hasHardwareWebGPU(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    const adapter = (await gpu.requestAdapter()) as GpuAdapterLike | null;
    if (!adapter) return false;
    const info = adapter.info ?? {};
    const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`;
    return !(adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE_RENDERER.test(text));
  } catch {
    return false;
  }
}

/** Why a backend is skipped without trying it, or null if it is worth trying. */
async function skipReason(name: BackendName, liteRtFiles: number, allowSoftwareGpu = false): Promise<string | null> {
  if (name === 'litert-wasm') {
    return liteRtSkipReason({ isolated: self.crossOriginIsolated, sharedMemory: canShareMemory(), files: liteRtFiles });
  }
  if (name === 'webgpu') return (await hasHardwareWebGPU()) ? null : 'no hardware WebGPU adapter';
  if (name === 'webgl') {
    const renderer = webglRenderer();
    if (renderer === null) return 'no WebGL';
    if (SOFTWARE_RENDERER.test(renderer) && !allowSoftwareGpu) return `software renderer (${renderer})`;
  }
  return null;
}

/**
 * tfjs-backend-wasm sizes its XNNPACK thread pool as min(requested threads,
 * floor(navigator.hardwareConcurrency / 2)), taking half the logical cores to be
 * hyper-threads. On a 2-core machine that is one thread whatever setThreadsCount
 * asked (measured here: hardwareConcurrency 2 -> 1 thread, 3 -> 1, 4 -> 2). This
 * worker reports twice the wanted count to the WASM module while it starts; the pool
 * then gets exactly the threads asked for. The returned function puts the real value
 * back: LiteRT.js pre-spawns one pthread worker per reported core, so leaving it
 * doubled would start twice the workers it uses (32 on a 16-core laptop), and a later
 * fallback would read the doubled count as cores.
 */
export function allowWasmThreads(count: number): () => void {
  if (count <= Math.floor(navigator.hardwareConcurrency / 2)) return () => {};
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * count, configurable: true });
  return () => {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/**
 * Whether WASM threads can share memory here: a SharedArrayBuffer exists and can be
 * posted, the check tfjs-backend-wasm itself makes before it picks its threaded build.
 * Cross-origin isolation alone is not enough: WebKitGTK 2.50 reports
 * crossOriginIsolated but exposes no SharedArrayBuffer (its GLib ports never enable
 * it, https://bugs.webkit.org/show_bug.cgi?id=317847), so the backend runs its
 * single-threaded build whatever is asked.
 */
export function canShareMemory(): boolean {
  try {
    new MessageChannel().port1.postMessage(new SharedArrayBuffer(1));
    return true;
  } catch {
    return false;
  }
}

export interface ThreadContext {
  /** self.crossOriginIsolated */
  isolated: boolean;
  /** canShareMemory() */
  sharedMemory: boolean;
  /** navigator.hardwareConcurrency (WebKit rounds it up to 4 or 8 for privacy) */
  cores: number;
}

/**
 * The WASM thread count to ask for: the caller's, else one per reported core, where
 * threads can run at all (isolated and with shared memory); one thread otherwise, so
 * that nothing pretends to more cores for a pool that cannot start.
 */
export function wasmThreadsWanted(context: ThreadContext, requested?: number): number {
  if (!context.isolated || !context.sharedMemory) return 1;
  return Math.max(1, requested ?? context.cores);
}

/** Make `name` TF.js's backend (starting it the first time); false if it cannot run. */
export async function activate(name: BackendName, wasmBase: string, threads?: number): Promise<boolean> {
  if (name === 'litert-wasm') {
    // TF.js WASM underneath: tiles no .tflite fits, and the fallback.
    if (!(await activate('wasm', wasmBase, threads))) return false;
    try {
      await startLiteRt(liteRtBase(wasmBase));
      return true;
    } catch {
      return false;
    }
  }
  let restoreCores = (): void => {};
  if (name === 'wasm') {
    setWasmPaths(wasmBase);
    // The count must be set before the backend starts.
    const wanted = wasmThreadsWanted(
      { isolated: self.crossOriginIsolated, sharedMemory: canShareMemory(), cores: navigator.hardwareConcurrency },
      threads,
    );
    setThreadsCount(wanted);
    restoreCores = allowWasmThreads(wanted);
  }
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
  } catch {
    return false;
  } finally {
    restoreCores();
  }
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    // Float16-only GPUs (many phones, Safari) lose too much precision: move on.
    tf.removeBackend('webgl');
    return false;
  }
  return true;
}

export interface ChosenBackend {
  name: BackendName;
  threads: number;
  skipped: string[];
}

export interface BackendRequest {
  /** Use this backend only (tests, embedders): no detection, no fallback. */
  forced?: BackendName;
  /** WASM threads (default: one per core when cross-origin isolated). */
  threads?: number;
  /** Only consider backends after this one in BACKEND_ORDER (falling back). */
  after?: BackendName;
  /** .tflite files in the model card (none: LiteRT.js is skipped). */
  liteRtFiles?: number;
  /** Test hook: a software WebGL renderer counts as a GPU. */
  allowSoftwareGpu?: boolean;
}

/** Start the first usable backend of BACKEND_ORDER (or the forced one). */
export async function chooseBackend(wasmBase: string, request: BackendRequest = {}): Promise<ChosenBackend> {
  const skipped: string[] = [];
  const { forced, threads, after } = request;
  for (const name of backendOrder(forced, after)) {
    const reason = forced && name !== 'litert-wasm' ? null : await skipReason(name, request.liteRtFiles ?? 0, request.allowSoftwareGpu);
    if (reason) {
      skipped.push(`${name}: ${reason}`);
      continue;
    }
    if (await activate(name, wasmBase, threads)) {
      return { name, threads: onWasm(name) ? getThreadsCount() : 1, skipped };
    }
    skipped.push(`${name}: failed to start`);
  }
  throw new Error(`No backend could start (${skipped.join('; ')})`);
}

/** The WebGL context of the active backend, if it is WebGL. */
export function webglContext(): WebGLRenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const gpgpu = (tf.backend() as unknown as { gpgpu?: { gl: WebGLRenderingContext } }).gpgpu;
  return gpgpu?.gl ?? null;
}
