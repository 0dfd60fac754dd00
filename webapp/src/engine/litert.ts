/**
 * LiteRT.js (XNNPack in WASM) running the converter's dynamic-range int8 .tflite files:
 * on the CPU about 2.7x TF.js WASM at the same tile (docs/runtimes.md). LiteRT.js wants
 * static shapes, so there is one file per tile side (the card's "litert" entry); an edge
 * tile is mirrored out to the file's side and the result cropped back. Only its
 * threaded build is used (it needs relaxed SIMD and shared memory); the caller keeps
 * TF.js WASM started underneath as the fallback.
 */
import { mirror, planTiles } from './tiling';
import type { LiteRtFile, ModelCard } from './protocol';

/** Where an edge tile pads out to the file's side, it runs on LiteRT.js only while the
 * padded area is at most this many times its own (LiteRT.js int8 ran 2.3-2.9x TF.js
 * WASM per pixel): smaller tiles go to TF.js. */
export const MAX_PADDED_AREA = 2;

/** The card's .tflite for tiles of `tileSize` with `context` px each side, or null. */
export function liteRtFileFor(card: ModelCard, tileSize: number, context: number): LiteRtFile | null {
  const multiple = card.size_multiple;
  const step = Math.max(multiple, Math.floor(tileSize / multiple) * multiple);
  return card.litert?.files.find((f) => f.input === step + 2 * context) ?? null;
}

/** LiteRT.js int8 ran 2.7-2.9x TF.js WASM per input pixel (docs/runtimes.md): the cost
 * ratio used to weigh a tile that runs on TF.js against one padded out for LiteRT.js. */
export const TFJS_COST_PER_PIXEL = 2.7;

/**
 * The tile size for a `width` x `height` image on LiteRT.js when none was asked for:
 * of `tileSize` and the smaller tiles the card has files for, the one whose plan costs
 * least, a tile that fits a file costing its padded area and one that does not its area
 * at TF.js's rate. Without it an image smaller than the default tile (a 640 x 480 photo
 * under Chromium's 1024-px default) would run whole on TF.js, 2.7x slower; large
 * images keep the large tile (less context computed twice).
 */
export function liteRtTileSize(card: ModelCard, tileSize: number, context: number, width: number, height: number): number {
  const candidates = [tileSize, ...(card.litert?.files ?? []).map((f) => f.input - 2 * context).filter((t) => t > 0 && t < tileSize)];
  let best = tileSize;
  let bestCost = Infinity;
  for (const tile of candidates) {
    const file = liteRtFileFor(card, tile, context);
    let cost = 0;
    for (const t of planTiles(width, height, tile, card.halo, card.size_multiple)) {
      cost += file && fitsLiteRt(file.input, t.inHeight, t.inWidth) ? file.input * file.input : TFJS_COST_PER_PIXEL * t.inHeight * t.inWidth;
    }
    if (cost < bestCost) [best, bestCost] = [tile, cost];
  }
  return best;
}

/** Below this many pixels an image runs on TF.js WASM (float32 activations) unless a
 * tile size was asked for: TF.js takes under ~10 s there on two cores, and keeps the
 * page within 0.004 dB of Keras on real camera crops, where LiteRT.js's int8 path lost
 * 0.03 (CC15) and 0.07 dB (Nam25) through the page. Large photos, where the time goes,
 * take LiteRT.js. */
export const LITERT_MIN_PIXELS = 1_000_000;

/** The tile size and .tflite for a width x height image on LiteRT.js (file null: every
 * tile on TF.js). `asked`: the caller's tile size, if any, which is kept as given. */
export function liteRtPlan(
  card: ModelCard,
  tileSize: number,
  context: number,
  width: number,
  height: number,
  asked: boolean,
): { tileSize: number; file: LiteRtFile | null } {
  if (asked) return { tileSize, file: liteRtFileFor(card, tileSize, context) };
  if (width * height < LITERT_MIN_PIXELS) return { tileSize, file: null };
  const chosen = liteRtTileSize(card, tileSize, context, width, height);
  return { tileSize: chosen, file: liteRtFileFor(card, chosen, context) };
}

/** Whether an h x w tile input runs on the side x side file (else on TF.js). */
export function fitsLiteRt(side: number, h: number, w: number): boolean {
  return h <= side && w <= side && side * side <= MAX_PADDED_AREA * h * w;
}

/** [h, w, 4] mirrored out to [side, side, 4] at the bottom and right. The model's
 * output at a pixel depends on at most `halo` px around it, and the tile's output
 * region sits at least that far from its bottom and right edges, so the padding
 * changes only context that is cropped away. */
export function padTile(input: Float32Array, h: number, w: number, side: number): Float32Array {
  if (h === side && w === side) return input;
  const out = new Float32Array(side * side * 4);
  for (let r = 0; r < side; r++) {
    const row = mirror(r, h) * w;
    for (let c = 0; c < side; c++) {
      const s = (row + mirror(c, w)) * 4;
      out.set(input.subarray(s, s + 4), (r * side + c) * 4);
    }
  }
  return out;
}

/** The top-left h x w of a [side, side, 3] output. */
export function cropTile(output: Float32Array, side: number, h: number, w: number): Float32Array {
  if (h === side && w === side) return output;
  const out = new Float32Array(h * w * 3);
  for (let r = 0; r < h; r++) out.set(output.subarray(r * side * 3, (r * side + w) * 3), r * w * 3);
  return out;
}

type Core = typeof import('@litertjs/core');
type Compiled = Awaited<ReturnType<Core['loadAndCompile']>>;

const THREADED_GLUE = 'litert_wasm_threaded_internal.js';

/** LiteRT.js's files: the litert/ folder beside TF.js's .wasm files. */
export const liteRtBase = (wasmBase: string): string => new URL('litert/', new URL(wasmBase, self.location.href)).href;
let core: Promise<Core> | null = null;
/**
 * ERROR lines of LiteRT.js's native log since the last check. A model whose tensors
 * could not be allocated still compiles and runs without throwing and gives zeros
 * (seen in Chromium: the 720-px file compiled after the 1232-px one, "XNNPack delegate
 * failed to reshape runtime"), so the log is the only sign: checked after each step.
 */
const nativeErrors: string[] = [];

/** LiteRT.js's native log (stderr): INFO/WARNING lines dropped (they would land in
 * console.error), the rest shown as warnings, ERROR lines kept for `checked`. */
export function noteNativeLog(text: string): void {
  if (/^(INFO|VERBOSE|WARNING)\b/.test(text)) return;
  console.warn(`LiteRT.js: ${text}`);
  if (/^ERROR\b/.test(text)) nativeErrors.push(text);
}

/** Run `step`, then throw what LiteRT.js logged as ERROR meanwhile, if anything. */
export async function checked<T>(what: string, step: () => Promise<T>): Promise<T> {
  nativeErrors.length = 0;
  const value = await step();
  if (nativeErrors.length > 0) throw new Error(`LiteRT.js failed to ${what}: ${nativeErrors.splice(0).join('; ')}`);
  return value;
}

/** The warning LiteRT.js's loader prints when it finds no WebGPU device. */
const WEBGPU_PROBE_WARNING = 'Failed to create default WebGPU device';

/**
 * Run `step` (LiteRT.js's loader) with its WebGPU probe's warning dropped. The loader
 * always asks for a WebGPU device for LiteRT.js's GPU path and warns when there is none,
 * which is every browser that reaches this CPU path (the GPU backends come first); the
 * engine never uses that device. Written by hand: loadLiteRt has no option to skip the
 * probe. Every other warning goes through, and console.warn is restored afterwards.
 */
export async function withoutWebGpuProbeWarning<T>(step: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith(WEBGPU_PROBE_WARNING)) return;
    warn(...args);
  };
  try {
    return await step();
  } finally {
    console.warn = warn;
  }
}

/** Why LiteRT.js's threaded build cannot run here, or null where it can. */
export async function liteRtUnsupported(context: { isolated: boolean; sharedMemory: boolean }): Promise<string | null> {
  if (!context.isolated || !context.sharedMemory) return 'no shared memory (not cross-origin isolated)';
  try {
    const { supportsFeature } = await import('@litertjs/core');
    if (!(await supportsFeature('relaxedSimd'))) return 'no WebAssembly relaxed SIMD';
    if (!(await supportsFeature('threads'))) return 'no WebAssembly threads';
  } catch (error) {
    return `LiteRT.js did not load (${error instanceof Error ? error.message : String(error)})`;
  }
  return null;
}

/**
 * Start LiteRT.js's threaded build from `base` (a folder with its .js and .wasm), once.
 * LiteRT.js loads its Emscripten glue with importScripts, which a module worker (this
 * one) does not have: the glue is imported here as a module instead and handed over
 * as the ModuleFactory it would have defined, and its pthread workers are pointed at
 * the glue file (else they would start this worker's own script).
 */
export function startLiteRt(base: string): Promise<Core> {
  core ??= (async () => {
    const lib = await import('@litertjs/core');
    const glue = new URL(THREADED_GLUE, base).href;
    const response = await fetch(glue);
    if (!response.ok) throw new Error(`LiteRT.js glue missing at ${glue}`);
    const text = `${await response.text()}\nexport default ModuleFactory;\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
    const scope = self as unknown as Record<string, unknown>;
    const hadImportScripts = Object.prototype.hasOwnProperty.call(scope, 'importScripts');
    const importScripts = scope.importScripts;
    try {
      scope.ModuleFactory = (await import(/* @vite-ignore */ url)).default;
      scope.Module = {
        mainScriptUrlOrBlob: glue,
        locateFile: (path: string) => new URL(path, base).href,
        // Its native log (INFO/WARNING lines on stderr) would land in console.error.
        print: () => {},
        printErr: noteNativeLog,
      };
      scope.importScripts = () => {}; // the factory is already set
      await withoutWebGpuProbeWarning(() => lib.loadLiteRt(base, { threads: true }));
    } finally {
      URL.revokeObjectURL(url);
      if (hadImportScripts) scope.importScripts = importScripts;
      else delete scope.importScripts;
      delete scope.Module;
    }
    return lib;
  })().catch((error) => {
    core = null;
    throw error;
  });
  return core;
}

/** One compiled .tflite per input side, run tile by tile; every tensor deleted. */
export class LiteRtTiles {
  private models = new Map<number, Promise<Compiled>>();

  constructor(
    private readonly lib: Core,
    private readonly modelBase: URL,
    readonly threads: number,
  ) {}

  /** The compiled `file`, one at a time: the 1232-px file's buffers and another's did
   * not both fit (see nativeErrors), so compiling one first frees the other. */
  private model(file: LiteRtFile): Promise<Compiled> {
    let model = this.models.get(file.input);
    if (!model) {
      this.dispose();
      const url = new URL(file.file, this.modelBase).href;
      model = checked(`compile ${file.file}`, () =>
        this.lib.loadAndCompile(url, { accelerator: 'wasm', cpuOptions: { numThreads: this.threads } }),
      );
      model.catch(() => this.models.delete(file.input));
      this.models.set(file.input, model);
    }
    return model;
  }

  /** Run `[1, h, w, 4]` (h, w <= file.input) and resolve to `[1, h, w, 3]`. */
  async run(file: LiteRtFile, input: Float32Array, h: number, w: number): Promise<Float32Array> {
    const side = file.input;
    const model = await this.model(file);
    const tensor = new this.lib.Tensor(padTile(input, h, w, side), [1, side, side, 4]);
    let outputs: { toTypedArray(): unknown; delete(): void }[] | undefined;
    try {
      outputs = (await checked(`run ${file.file}`, () => model.run([tensor]))) as typeof outputs;
      const values = outputs![0].toTypedArray() as Float32Array;
      if (values.length !== side * side * 3) throw new Error(`LiteRT.js returned ${values.length} values, not ${side * side * 3}`);
      return cropTile(values.slice(), side, h, w);
    } finally {
      tensor.delete();
      for (const output of outputs ?? []) output.delete();
    }
  }

  /** Fetch and compile `file` now, without running it. */
  async compile(file: LiteRtFile): Promise<void> {
    await this.model(file);
  }

  dispose(): void {
    for (const model of this.models.values()) model.then((m) => m.delete()).catch(() => {});
    this.models.clear();
  }
}
