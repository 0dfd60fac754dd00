/** Messages between the page (or widget) and the worker that owns TF.js. */

/** 'litert-wasm': LiteRT.js's threaded WASM build on the card's int8 .tflite files, with
 * TF.js WASM started underneath (tiles without a fitting file, and the fallback). */
export type BackendName = 'webgpu' | 'webgl' | 'litert-wasm' | 'wasm' | 'cpu';

/** The backends that run on WASM threads (their thread count means something). */
export const onWasm = (name: BackendName): boolean => name === 'wasm' || name === 'litert-wasm';

/** "litert-wasm (2 threads)", "webgl": what the page and the widget show. */
export function backendLabel(name: BackendName, threads: number): string {
  return onWasm(name) ? `${name} (${threads} thread${threads > 1 ? 's' : ''})` : name;
}

/** One .tflite of the card's "litert" entry (converter --litert-tiles). */
export interface LiteRtFile {
  /** Output tile side it is for (px). */
  tile: number;
  /** Its static input side: tile + 2 x context. */
  input: number;
  /** Path relative to the model folder. */
  file: string;
  bytes?: number;
}

/** The parts of denoiser.json (the model card) the engine relies on. */
export interface ModelCard {
  name: string;
  size_multiple: number;
  halo: number;
  sigma_range: [number, number];
  /** The network's cost; the engine's automatic passes (passes.ts) budget by it. */
  macs_per_pixel?: number;
  /** Maps the noise estimate to this model's strength: round(gain * estimate + offset),
   * fitted on real noisy/clean pairs (training/real_noise.py). Absent: gain 1, offset 0.
   * `level`: the same from the learned noise level (level.ts), whose folder `model` is
   * relative to this model's; used for camera noise once the level is read. */
  auto_strength?: { gain?: number; offset?: number; level?: { model: string; gain: number; offset: number } };
  quantization?: string;
  bytes?: number;
  litert?: { weights: string; files: LiteRtFile[] };
}

export type WorkerRequest =
  | {
      type: 'load';
      /** URL of the web model folder (holds model.json and denoiser.json). */
      modelUrl: string;
      /** URL of the folder with TF.js's .wasm files. */
      wasmBase: string;
      /** Force a backend instead of choosing one. */
      backend?: BackendName;
      /** WASM threads (default: all cores when cross-origin isolated, else 1). */
      threads?: number;
      /** Test hook: lose the WebGL context after this many tiles. */
      loseContextAfterTiles?: number;
      /** Test hook: the worker dies (an uncaught error, then silence) after this many tiles. */
      crashAfterTiles?: number;
      /** Test hook: LiteRT.js throws on tiles after this many. */
      failLiteRtAfterTiles?: number;
      /** Test hook: a software WebGL/WebGPU (SwiftShader) counts as a GPU, so the GPU
       * path and its parity probe run without one. */
      allowSoftwareGpu?: boolean;
      /** Test hook: grey levels added to the GPU's probe output (a GPU that is wrong). */
      gpuProbeOffset?: number;
      /** Report each image's peak tensor memory (benchmarks; costs little on wasm/cpu). */
      measureMemory?: boolean;
    }
  | {
      type: 'denoise';
      id: number;
      width: number;
      height: number;
      pixels: Uint8ClampedArray; // RGBA, transferred
      sigma: number; // 0-255 scale
      tileSize?: number;
      /** Flipped (past 4, transposed) copies of each tile averaged, 1 to 8 (passes.ts; the client resolves 'auto'). */
      passes: number;
      /** Less context than the model's halo (previews; see DenoiseOptions.halo). */
      halo?: number;
    }
  | {
      /** Stop denoise job `id` before its next network run (pass or tile), or before it
       * starts if it is still queued; the model stays loaded. Handled as it arrives, not
       * queued behind the job (see worker.ts). No reply: the client has let the job go. */
      type: 'drop';
      id: number;
    }
  | {
      /** Read the learned noise level of an image (the card's auto_strength.level). */
      type: 'level';
      id: number;
      width: number;
      height: number;
      pixels: Uint8ClampedArray; // RGBA, transferred
    };

export type WorkerReply =
  | {
      type: 'loaded';
      backend: BackendName;
      threads: number;
      warmupMs: number;
      card: ModelCard;
      numTensors: number;
      /** Backends passed over before this one, each with why. */
      skipped: string[];
    }
  | { type: 'progress'; id: number; done: number; total: number; elapsedMs: number }
  /** The backend failed mid-image (context lost, out of memory): work moved on. */
  | { type: 'backend'; id: number; backend: BackendName; threads: number; reason: string }
  | {
      type: 'result';
      id: number;
      pixels: Uint8ClampedArray;
      width: number;
      height: number;
      elapsedMs: number;
      numTensors: number;
      /** Peak bytes held by TF.js tensors during the image (weights included), when
       * measureMemory was asked for on a wasm or cpu backend; otherwise null. */
      peakBytes: number | null;
      /** Tile side used (the request's, or the backend's default for this device). */
      tileSize: number;
      /** Network runs (tiles x passes), and how many of them LiteRT.js ran (the others: TF.js). */
      tiles: number;
      liteRtTiles: number;
      passes: number;
    }
  /** null: the model names no learned level, or it could not load (see `skipped`). */
  | { type: 'level'; id: number; level: number | null }
  | { type: 'error'; id?: number; message: string };
