/**
 * The page's address options (?model, ?backend, ?threads, ?tile), checked. A wrong value
 * is named in a message and ignored, so the page never passes it on to TF.js (where
 * `?tile=abc` surfaced as a shape error) and the menus always show what is in use.
 */
import type { BackendName } from '../engine/protocol';

const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'litert-wasm', 'wasm', 'cpu'];
export const TILE_RANGE = [8, 4096] as const;
export const THREAD_RANGE = [1, 64] as const;

export interface PageOptions {
  backend?: BackendName;
  threads?: number;
  tile?: number;
  model?: string;
  /** Test hooks, not for users: no message when absent. */
  loseContextAfterTiles?: number;
  crashAfterTiles?: number;
  failLiteRtAfterTiles?: number;
  allowSoftwareGpu?: boolean;
  gpuProbeOffset?: number;
  /** One sentence per option that was wrong and is ignored. */
  problems: string[];
}

function integerIn(value: string, [low, high]: readonly [number, number]): number | null {
  if (!/^\d+$/.test(value.trim())) return null;
  const n = Number(value);
  return n >= low && n <= high ? n : null;
}

export function parseOptions(search: string): PageOptions {
  const query = new URLSearchParams(search);
  const options: PageOptions = { problems: [] };
  const backend = query.get('backend');
  if (backend !== null) {
    if ((BACKENDS as readonly string[]).includes(backend)) options.backend = backend as BackendName;
    else options.problems.push(`Unknown backend “${backend}” in the address: use ${BACKENDS.join(', ')}. Choosing one automatically.`);
  }
  const threads = query.get('threads');
  if (threads !== null) {
    const n = integerIn(threads, THREAD_RANGE);
    if (n !== null) options.threads = n;
    else options.problems.push(`“threads=${threads}” in the address is not a whole number from ${THREAD_RANGE[0]} to ${THREAD_RANGE[1]}; using one thread per core.`);
  }
  const tile = query.get('tile');
  if (tile !== null) {
    const n = integerIn(tile, TILE_RANGE);
    if (n !== null) options.tile = n;
    else options.problems.push(`“tile=${tile}” in the address is not a whole number of pixels from ${TILE_RANGE[0]} to ${TILE_RANGE[1]}; using the automatic tile size.`);
  }
  const model = query.get('model');
  if (model !== null) options.model = model;
  for (const [key, name] of [
    ['lose-context-after', 'loseContextAfterTiles'],
    ['crash-after', 'crashAfterTiles'],
    ['litert-fail-after', 'failLiteRtAfterTiles'],
  ] as const) {
    const n = query.has(key) ? integerIn(query.get(key)!, [0, 1e6]) : null;
    if (n !== null) options[name] = n;
  }
  if (query.has('software-gpu')) options.allowSoftwareGpu = true;
  const offset = query.has('gpu-probe-offset') ? integerIn(query.get('gpu-probe-offset')!, [0, 255]) : null;
  if (offset !== null) options.gpuProbeOffset = offset;
  return options;
}

/** The model to start with: the asked one if the index lists it, else the default, with
 * a message naming the models there are. */
export function startingModel(asked: string | undefined, listed: string[], fallback: string): { model: string; problem?: string } {
  if (asked === undefined || listed.includes(asked)) return { model: asked ?? fallback };
  return { model: fallback, problem: `There is no model “${asked}” (there are: ${listed.join(', ')}); using ${fallback}.` };
}
