/**
 * The embeddable denoiser: one ES module that other sites load with a script tag.
 * It finds the worker, the wasm files and the models relative to its own URL, so it
 * works from any origin or path, and it runs the same engine as the page.
 *
 *   <script type="module" src="https://APP/widget/denoise-widget.js"></script>
 *   <denoise-image strength="auto" src="photo.jpg"></denoise-image>
 *
 *   import { createDenoiser } from 'https://APP/widget/denoise-widget.js';
 *   const blob = await (await createDenoiser()).denoise(file, { strength: 20 });
 */
import { Denoiser } from '../engine/client';
import { MAX_PASSES, type PassesSetting } from '../engine/passes';
import { decodeImage, encodePng } from '../engine/image';
import { backendLabel, type BackendName } from '../engine/protocol';
import { estimateSigma, withinRange, type SigmaEstimate } from '../engine/sigma';
import { modelForImage, type IndexChoice } from '../engine/choice';

const APP_ROOT = new URL('../', import.meta.url);

export interface CreateOptions {
  /** A model name under the app's models/ or the URL of a web model folder. */
  model?: string;
  backend?: BackendName;
  /** WASM threads (default: all cores on a cross-origin isolated page, else 1). */
  threads?: number;
}

export interface EngineOptions extends CreateOptions {
  /** Report each image's peak tensor memory in DenoiseResult.peakBytes. */
  measureMemory?: boolean;
}

export interface WidgetDenoiseOptions {
  /** 'auto' (estimate from the image) or sigma on the 0-255 scale. */
  strength?: number | 'auto';
  /** Flipped (past 4, transposed) copies averaged, 1 to 8, or 'auto' (default): as many as keep a large
   * photo's time unchanged (see the engine's passes.ts). */
  passes?: PassesSetting;
  tileSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface WidgetDenoiser {
  readonly backend: BackendName;
  readonly threads: number;
  /** Denoise an image (Blob/File or ImageBitmap) and get the PNG. */
  denoise(image: Blob | ImageBitmap, options?: WidgetDenoiseOptions): Promise<Blob>;
}

export function modelUrl(model: string): string {
  const isUrl = model.includes('/') || model.includes(':');
  const url = isUrl ? new URL(model.endsWith('/') ? model : `${model}/`, document.baseURI) : new URL(`models/${model}/`, APP_ROOT);
  return url.href;
}

let index: Promise<IndexChoice> | null = null;

/** What the app's models/index.json names: its default model (the page starts with the
 * same one) and the one for white noise; fetched once. */
function indexChoice(): Promise<IndexChoice> {
  index ??= fetch(new URL('models/index.json', APP_ROOT))
    .then((r) => (r.ok ? r.json() : {}))
    .then((listed: Partial<IndexChoice>) => ({ default: listed.default ?? 'default', white_noise: listed.white_noise }))
    .catch(() => ({ default: 'default' }));
  return index;
}

/** The model the app's models/index.json names as its default. */
export async function defaultModel(): Promise<string> {
  return (await indexChoice()).default;
}

/** One engine per model and backend, shared by every widget on the page. */
const engines = new Map<string, Promise<Denoiser>>();

async function engineFor(options: CreateOptions): Promise<Denoiser> {
  const url = modelUrl(options.model ?? (await defaultModel()));
  const key = `${url}|${options.backend ?? ''}|${options.threads ?? ''}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine(options);
    engine.catch(() => engines.delete(key));
    engines.set(key, engine);
  }
  return engine;
}

/**
 * The engine itself, for callers that hold raw pixels and want timings (benchmarks,
 * batch tools): `denoise(imageData, { sigma })` resolves to the denoised ImageData with
 * its elapsed time. Each call starts its own worker; `dispose()` ends it.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Denoiser> {
  return Denoiser.create({
    modelUrl: modelUrl(options.model ?? (await defaultModel())),
    wasmBase: new URL('wasm/', APP_ROOT).href,
    backend: options.backend,
    threads: options.threads,
    measureMemory: options.measureMemory,
  });
}

async function pixelsOf(image: Blob | ImageBitmap): Promise<ImageData> {
  if (image instanceof Blob) return decodeImage(image);
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height);
}

export async function createDenoiser(options: CreateOptions = {}): Promise<WidgetDenoiser> {
  const engine = await engineFor(options);
  /** No model named: each image runs the model the page would choose for it (white noise
   * gets the index's white-noise model; engine/choice.ts), that model's engine shared. */
  const engineOf = async (estimate: SigmaEstimate): Promise<Denoiser> => {
    if (options.model !== undefined) return engine;
    const choice = await indexChoice();
    const model = modelForImage(estimate, choice);
    return model === choice.default ? engine : engineFor({ ...options, model });
  };
  return {
    get backend() {
      return engine.backend;
    },
    get threads() {
      return engine.threads;
    },
    async denoise(image, opts = {}) {
      const pixels = await pixelsOf(image);
      const estimate = estimateSigma(pixels.data, pixels.width, pixels.height); // read once: model and strength
      const chosen = await engineOf(estimate);
      const strength = opts.strength ?? 'auto';
      const sigma = strength === 'auto' ? await chosen.autoStrength(pixels, estimate) : withinRange(strength, chosen.card);
      const result = await chosen.denoise(pixels, {
        sigma,
        passes: opts.passes,
        tileSize: opts.tileSize,
        signal: opts.signal,
        onProgress: opts.onProgress,
      });
      return encodePng(result.image);
    },
  };
}

const STYLE = `
:host { display: inline-block; font: inherit; color: var(--denoise-color, inherit); }
.drop { border: 2px dashed var(--denoise-accent, #1a5fd0); border-radius: var(--denoise-radius, 8px); padding: 1rem; display: grid; gap: .5rem; }
img { max-width: 100%; display: block; }
.error { color: var(--denoise-error-color, #a00); }
`;

/** `<denoise-image model strength passes src tile-size backend>`: see docs/embedding.md. */
export class DenoiseImageElement extends HTMLElement {
  static observedAttributes = ['src'];
  private readonly root: ShadowRoot;
  private controller: AbortController | null = null;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${STYLE}</style>
      <label class="drop" part="drop">Choose or drop an image to denoise
        <input type="file" accept="image/*" part="input"></label>
      <progress part="progress" max="1" value="0"></progress>
      <span part="backend" class="backend"></span>
      <img part="result" alt="Denoised image" hidden>
      <div part="error" class="error" role="alert"></div>`;
    const input = this.root.querySelector('input')!;
    input.addEventListener('change', () => input.files?.[0] && void this.denoise(input.files[0]).catch(() => {}));
    const drop = this.root.querySelector('.drop')!;
    drop.addEventListener('dragover', (e) => e.preventDefault());
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      const file = (e as DragEvent).dataTransfer?.files[0];
      if (file) void this.denoise(file).catch(() => {});
    });
  }

  /** The model attribute; absent: the app's default model (see defaultModel). */
  get model(): string | undefined {
    return this.getAttribute('model') ?? undefined;
  }
  set model(value: string) {
    this.setAttribute('model', value);
  }
  get strength(): number | 'auto' {
    const value = this.getAttribute('strength') ?? 'auto';
    return value === 'auto' ? 'auto' : Number(value);
  }
  set strength(value: number | 'auto') {
    this.setAttribute('strength', String(value));
  }
  /** 'auto' (absent) or a count; the engine refuses a bad one with a message. */
  get passes(): PassesSetting {
    const value = this.getAttribute('passes') ?? 'auto';
    return value === 'auto' ? 'auto' : Number(value);
  }
  set passes(value: PassesSetting) {
    this.setAttribute('passes', String(value));
  }
  get src(): string {
    return this.getAttribute('src') ?? '';
  }
  set src(value: string) {
    this.setAttribute('src', value);
  }
  get tileSize(): number | undefined {
    return this.hasAttribute('tile-size') ? Number(this.getAttribute('tile-size')) : undefined;
  }
  set tileSize(value: number | undefined) {
    if (value === undefined) this.removeAttribute('tile-size');
    else this.setAttribute('tile-size', String(value));
  }
  get backend(): BackendName | undefined {
    return (this.getAttribute('backend') as BackendName | null) ?? undefined;
  }
  set backend(value: BackendName | undefined) {
    if (value === undefined) this.removeAttribute('backend');
    else this.setAttribute('backend', value);
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === 'src' && value) void this.denoiseUrl(value);
  }

  /** Stop the image in progress. */
  cancel(): void {
    this.controller?.abort();
  }

  /** Denoise a file or blob; resolves to the PNG and fires the element's events. */
  async denoise(image: Blob): Promise<Blob> {
    const error = this.root.querySelector('.error')!;
    const progress = this.root.querySelector('progress')!;
    error.textContent = '';
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    const start = performance.now();
    try {
      const passes = this.passes;
      if (passes !== 'auto' && !Number.isInteger(passes)) {
        throw new RangeError(`passes="${this.getAttribute('passes')}": use auto or a whole number from 1 to ${MAX_PASSES}`);
      }
      const denoiser = await createDenoiser({ model: this.model, backend: this.backend });
      this.root.querySelector('.backend')!.textContent = `on ${backendLabel(denoiser.backend, denoiser.threads)}`;
      this.dataset.backend = denoiser.backend;
      const blob = await denoiser.denoise(image, {
        strength: this.strength,
        passes,
        tileSize: this.tileSize,
        signal: controller.signal,
        onProgress: (done, total) => {
          progress.max = total;
          progress.value = done;
          this.dispatchEvent(new CustomEvent('denoise-progress', { detail: { done, total } }));
        },
      });
      const img = this.root.querySelector('img')!;
      if (img.src) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(blob);
      img.hidden = false;
      this.dispatchEvent(new CustomEvent('denoise-done', { detail: { blob, elapsedMs: performance.now() - start } }));
      return blob;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      error.textContent = message;
      this.dispatchEvent(new CustomEvent('denoise-error', { detail: { message } }));
      throw e;
    }
  }

  private async denoiseUrl(src: string): Promise<void> {
    let blob: Blob;
    try {
      const response = await fetch(new URL(src, document.baseURI));
      if (!response.ok) throw new Error(`Could not load ${src}: HTTP ${response.status}`);
      blob = await response.blob();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.root.querySelector('.error')!.textContent = message;
      this.dispatchEvent(new CustomEvent('denoise-error', { detail: { message } }));
      return;
    }
    await this.denoise(blob).catch(() => {});
  }
}

if (!customElements.get('denoise-image')) customElements.define('denoise-image', DenoiseImageElement);
