/**
 * The engine's public entry: a Denoiser talks to its worker and turns the message
 * protocol into promises, progress callbacks and AbortSignal cancellation.
 */
import type { BackendName, ModelCard, WorkerReply, WorkerRequest } from './protocol';
import { passesFor, type PassesSetting } from './passes';
import { autoStrength, estimateSigma, needsLevel } from './sigma';
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
  /**
   * Context (px) each tile gets, if less than the model's halo: an approximation for
   * previews, whose pixels then differ from the full run's by at most a grey level or so.
   */
  halo?: number;
  /** Flipped (past 4, transposed) copies of each tile averaged (passes.ts): 1 to 8, or 'auto' (default): as
   * many as the model's multiply-add budget allows for this image's size. */
  passes?: PassesSetting;
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
  signal?: AbortSignal;
  /**
   * With `signal`: an abort lets the job go at once but the worker stops it only before
   * its next network run (a pass or a tile), keeping the model loaded and warm, instead
   * of being replaced mid-kernel. For small jobs (the page's preview: one pass of a
   * 288-px region takes well under a second) that is sooner than a new worker is ready.
   */
  abortBetweenRuns?: boolean;
}

export interface DenoiseResult {
  image: ImageData;
  elapsedMs: number;
  numTensors: number;
  /** Peak TF.js tensor bytes during this image, if measureMemory (wasm/cpu only). */
  peakBytes: number | null;
  /** Tile side the engine used: the one asked for, or its default for this backend and device. */
  tileSize: number;
  /** Network runs (tiles x passes), and how many LiteRT.js ran: on 'litert-wasm' a photo
   * under a megapixel, or tiles no .tflite fits, run on TF.js WASM underneath. */
  tiles: number;
  liteRtTiles: number;
  /** Passes run (the one asked for, or the automatic count for this image). */
  passes: number;
}

export class CancelledError extends Error {
  constructor() {
    super('Denoising was cancelled');
    this.name = 'CancelledError';
  }
}

/** The denoiser was disposed (the page changed models) with the job pending: the job did
 * nothing wrong, and a caller may run it again on the next denoiser. */
export class ClosedError extends Error {
  constructor() {
    super('The denoiser was closed');
    this.name = 'ClosedError';
  }
}

type Pending = {
  /** Settles the job with its final reply (a result, or a level). */
  accept: (reply: WorkerReply) => void;
  reject: (e: Error) => void;
  onProgress?: DenoiseOptions['onProgress'];
  /** Posts the job to the current worker (again, after a restart). */
  send: () => void;
};

type Loaded = Extract<WorkerReply, { type: 'loaded' }>;

/** Load the model in `worker`; resolves once it is warm. */
function loadIn(worker: Worker, options: DenoiserOptions): Promise<Loaded> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'loaded') resolve(reply);
      else if (reply.type === 'error') {
        worker.terminate();
        reject(new Error(reply.message));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`The denoising worker failed to start: ${event.message}`));
    };
    const request: WorkerRequest = { type: 'load', ...options };
    worker.postMessage(request);
  });
}

/**
 * Cancel stops at once, mid-tile: the worker is terminated and a new one loads the model
 * again (from the browser's cache) while the page goes on. A tile can take tens of
 * seconds on a CPU, and TF.js cannot interrupt a running kernel, so waiting for the
 * tile to end was the only other way. A worker that dies (an uncaught error, a crash)
 * fails its jobs with a clear message and is replaced the same way.
 */
export class Denoiser {
  /** The backend in use; it changes if one fails mid-image and work moves on. */
  backend: BackendName;
  threads: number;
  /** Called when work moved to another backend, with the reason. */
  onBackendChange?: (backend: BackendName, reason: string) => void;
  readonly warmupMs: number;
  readonly card: ModelCard;
  /** Backends passed over at start-up, each with why (a GPU that failed its probe...). */
  readonly skipped: string[];
  /** Tensors alive in the worker once the model is loaded: the leak baseline. */
  readonly baselineTensors: number;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private worker!: Worker;
  /** A new worker is loading: jobs wait in `pending` and are sent once it is ready. */
  private restarting = false;
  /** Why the engine cannot run any more (a restart failed), or null. */
  private broken: string | null = null;
  private disposed = false;

  private constructor(worker: Worker, loaded: Loaded, private readonly options: DenoiserOptions) {
    this.backend = loaded.backend;
    this.threads = loaded.threads;
    this.warmupMs = loaded.warmupMs;
    this.skipped = loaded.skipped;
    this.card = loaded.card;
    this.baselineTensors = loaded.numTensors;
    this.attach(worker);
  }

  /** Start a worker, choose a backend, load and warm up the model. */
  static async create(options: DenoiserOptions, worker?: Worker): Promise<Denoiser> {
    const w = worker ?? startWorker();
    return new Denoiser(w, await loadIn(w, options), options);
  }

  denoise(image: ImageData, options: DenoiseOptions): Promise<DenoiseResult> {
    const { width, height } = image;
    let passes: number;
    try {
      passes = this.passesFor(image, options.passes);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.submit(
      image,
      (id, pixels) => ({ type: 'denoise', id, width, height, pixels, sigma: options.sigma, tileSize: options.tileSize, halo: options.halo, passes }),
      (reply) => {
        if (reply.type !== 'result') return undefined;
        const result = new ImageData(new Uint8ClampedArray(reply.pixels), reply.width, reply.height);
        return { image: result, elapsedMs: reply.elapsedMs, numTensors: reply.numTensors, peakBytes: reply.peakBytes, tileSize: reply.tileSize, tiles: reply.tiles, liteRtTiles: reply.liteRtTiles, passes: reply.passes };
      },
      options,
    );
  }

  /** The passes a denoise of this image runs at this setting (default 'auto'); throws a
   * RangeError naming the allowed values for a wrong one. */
  passesFor(image: { width: number; height: number }, setting: PassesSetting = 'auto'): number {
    return passesFor(setting, image.width, image.height, this.card);
  }

  /**
   * The learned noise level of an image (RMS on the 0-255 scale), which the card's
   * auto_strength.level turns into this model's strength; null when the model names no
   * level or it could not load. A fraction of a second: a grid of small crops.
   */
  level(image: ImageData): Promise<number | null> {
    if (!this.card.auto_strength?.level) return Promise.resolve(null);
    const { width, height } = image;
    return this.submit(
      image,
      (id, pixels) => ({ type: 'level', id, width, height, pixels }),
      (reply) => (reply.type === 'level' ? reply.level : undefined),
    );
  }

  /** This model's auto strength for an image, as the page starts at it: the noise
   * estimate, and the learned level where the card uses one (the hand-made fit if it
   * cannot be read). For callers that need no intermediate state (queue, widget); one that
   * already estimated the image's noise passes that estimate. */
  async autoStrength(image: ImageData, estimate = estimateSigma(image.data, image.width, image.height)): Promise<number> {
    const level = needsLevel(estimate, this.card) ? await this.level(image).catch(() => null) : null;
    return autoStrength({ ...estimate, level }, this.card);
  }

  dispose(): void {
    this.disposed = true;
    this.worker.terminate();
    this.failAll(new ClosedError());
  }

  /**
   * The one path for a job that carries an image: it gets an id, is posted now (or, while
   * a new worker loads, once it is ready, and again after a restart), reports progress,
   * can be cancelled, and settles with what `settle` makes of its final reply.
   */
  private submit<T>(
    image: ImageData,
    request: (id: number, pixels: Uint8ClampedArray) => WorkerRequest,
    settle: (reply: WorkerReply) => T | undefined,
    options: Pick<DenoiseOptions, 'onProgress' | 'signal' | 'abortBetweenRuns'> = {},
  ): Promise<T> {
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    if (this.broken) return Promise.reject(new Error(this.broken));
    if (this.disposed) return Promise.reject(new ClosedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const send = () => {
        const pixels = new Uint8ClampedArray(image.data); // a copy: the caller keeps its image
        this.worker.postMessage(request(id, pixels), [pixels.buffer]);
      };
      const accept = (reply: WorkerReply) => {
        const value = settle(reply);
        if (value === undefined) reject(new Error(`The worker answered a ${reply.type} message to this request`));
        else resolve(value);
      };
      this.pending.set(id, { accept, reject, onProgress: options.onProgress, send });
      const abort = options.abortBetweenRuns ? () => this.drop(id) : () => this.cancel(id);
      options.signal?.addEventListener('abort', abort, { once: true });
      if (!this.restarting) send();
    });
  }

  private attach(worker: Worker): void {
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      const why = event.message || 'the browser gave no reason; it may have run out of memory';
      this.failAll(new Error(`The denoising engine stopped unexpectedly (${why}). Try again, or a smaller image or the fast model.`));
      this.restart();
    };
  }

  private cancel(id: number): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    job.reject(new CancelledError());
    this.restart();
  }

  /** Let a job go without a new worker: the worker stops it before its next network run. */
  private drop(id: number): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    job.reject(new CancelledError());
    // While a new worker loads, the job was never sent to it (it left `pending`).
    if (!this.restarting) this.worker.postMessage({ type: 'drop', id } satisfies WorkerRequest);
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  /** Replace the worker now; jobs still pending (other callers') run again on the new one. */
  private restart(): void {
    this.worker.terminate();
    if (this.disposed) return;
    this.restarting = true;
    const worker = startWorker();
    // The backend the old worker ended on: no new search, no second failure. The crash
    // test hook fires in the first worker only.
    loadIn(worker, { ...this.options, backend: this.backend, threads: this.threads, crashAfterTiles: undefined })
      .then(() => {
        if (this.disposed) return worker.terminate();
        this.attach(worker);
        this.restarting = false;
        for (const job of this.pending.values()) job.send();
      })
      .catch((error: Error) => {
        this.broken = `The denoiser could not restart: ${error.message}`;
        this.restarting = false;
        this.failAll(new Error(this.broken));
      });
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
    if (reply.type === 'error') pending.reject(new Error(reply.message));
    else pending.accept(reply);
  }
}
