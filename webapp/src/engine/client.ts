/**
 * The engine's public entry: a Denoiser talks to its worker and turns the message
 * protocol into promises, progress callbacks and AbortSignal cancellation.
 */
import type { BackendName, ModelCard, WorkerReply, WorkerRequest } from './protocol';
import workerUrl from './worker.ts?worker&url';

/**
 * The engine's worker. A page may only start a worker from its own origin, so when the
 * engine is embedded from another origin (the widget) a one-line same-origin blob
 * module imports the real worker script, which the server makes CORS-readable.
 */
export function startWorker(): Worker {
  const url = new URL(workerUrl, import.meta.url);
  if (url.origin === self.location.origin) return new Worker(url, { type: 'module' });
  const trampoline = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(trampoline), { type: 'module' });
}

/** What the worker's load request carries (see protocol.ts), from the caller's side. */
export type DenoiserOptions = Omit<Extract<WorkerRequest, { type: 'load' }>, 'type'>;

export interface DenoiseOptions {
  sigma: number;
  tileSize?: number;
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
  signal?: AbortSignal;
}

export interface DenoiseResult {
  image: ImageData;
  elapsedMs: number;
  numTensors: number;
  /** Peak TF.js tensor bytes during this image, if measureMemory (wasm/cpu only). */
  peakBytes: number | null;
  /** Tile side the engine used: the one asked for, or its default for this backend and device. */
  tileSize: number;
}

export class CancelledError extends Error {
  constructor() {
    super('Denoising was cancelled');
    this.name = 'CancelledError';
  }
}

type Pending = {
  resolve: (r: DenoiseResult) => void;
  reject: (e: Error) => void;
  onProgress?: DenoiseOptions['onProgress'];
};

export class Denoiser {
  /** The backend in use; it changes if one fails mid-image and work moves on. */
  backend: BackendName;
  threads: number;
  /** Called when work moved to another backend, with the reason. */
  onBackendChange?: (backend: BackendName, reason: string) => void;
  readonly warmupMs: number;
  readonly card: ModelCard;
  /** Tensors alive in the worker once the model is loaded: the leak baseline. */
  readonly baselineTensors: number;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly worker: Worker, loaded: Extract<WorkerReply, { type: 'loaded' }>) {
    this.backend = loaded.backend;
    this.threads = loaded.threads;
    this.warmupMs = loaded.warmupMs;
    this.card = loaded.card;
    this.baselineTensors = loaded.numTensors;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
  }

  /** Start a worker, choose a backend, load and warm up the model. */
  static create(options: DenoiserOptions, worker?: Worker): Promise<Denoiser> {
    const w = worker ?? startWorker();
    return new Promise((resolve, reject) => {
      w.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === 'loaded') resolve(new Denoiser(w, reply));
        else if (reply.type === 'error') {
          w.terminate();
          reject(new Error(reply.message));
        }
      };
      w.onerror = (event) => {
        w.terminate();
        reject(new Error(`The denoising worker failed to start: ${event.message}`));
      };
      const request: WorkerRequest = { type: 'load', ...options };
      w.postMessage(request);
    });
  }

  denoise(image: ImageData, options: DenoiseOptions): Promise<DenoiseResult> {
    const id = this.nextId++;
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress: options.onProgress });
      options.signal?.addEventListener('abort', () => this.post({ type: 'cancel', id }), { once: true });
      const pixels = new Uint8ClampedArray(image.data); // a copy: the caller keeps its image
      this.post(
        { type: 'denoise', id, width: image.width, height: image.height, pixels, sigma: options.sigma, tileSize: options.tileSize },
        [pixels.buffer],
      );
    });
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('The denoiser was closed'));
    this.pending.clear();
  }

  private post(request: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(request, transfer);
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === 'loaded') return;
    if (reply.type === 'backend') {
      this.backend = reply.backend;
      this.threads = reply.threads;
      this.onBackendChange?.(reply.backend, reply.reason);
      return;
    }
    const pending = reply.id === undefined ? undefined : this.pending.get(reply.id);
    if (!pending || reply.id === undefined) return;
    if (reply.type === 'progress') {
      pending.onProgress?.(reply.done, reply.total, reply.elapsedMs);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === 'result') {
      const image = new ImageData(new Uint8ClampedArray(reply.pixels), reply.width, reply.height);
      pending.resolve({ image, elapsedMs: reply.elapsedMs, numTensors: reply.numTensors, peakBytes: reply.peakBytes, tileSize: reply.tileSize });
    } else if (reply.type === 'cancelled') pending.reject(new CancelledError());
    else pending.reject(new Error(reply.message));
  }
}
