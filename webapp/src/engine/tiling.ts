/**
 * Tile geometry. Every tile's input window starts on the model's downsampling grid
 * (a multiple of size_multiple) and reaches at least `halo` pixels past its output
 * region, so tiled inference equals whole-image inference: no seams. Pixels outside
 * the image are read mirrored (reflect padding, as the contract asks).
 */

import { onWasm, type BackendName } from './protocol';

export interface Tile {
  /** Output region, image coordinates. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Input window, image coordinates; may reach outside the image (mirrored). */
  inX: number;
  inY: number;
  inWidth: number;
  inHeight: number;
}

const roundUp = (value: number, multiple: number): number =>
  Math.ceil(value / multiple) * multiple;

/** Context kept on each side of a tile: the halo, rounded up to the grid. */
export function contextPixels(halo: number, multiple: number): number {
  return roundUp(Math.max(0, halo), multiple);
}

export function planTiles(
  width: number,
  height: number,
  tileSize: number,
  halo: number,
  multiple: number,
): Tile[] {
  if (width < 1 || height < 1) throw new RangeError('image has no pixels');
  if (multiple < 1) throw new RangeError('size multiple must be positive');
  const pad = contextPixels(halo, multiple);
  const step = Math.max(multiple, Math.floor(tileSize / multiple) * multiple);
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const w = Math.min(step, width - x);
      const h = Math.min(step, height - y);
      tiles.push({
        x,
        y,
        width: w,
        height: h,
        inX: x - pad,
        inY: y - pad,
        inWidth: roundUp(w + 2 * pad, multiple),
        inHeight: roundUp(h + 2 * pad, multiple),
      });
    }
  }
  return tiles;
}

/** Index `i` reflected into [0, n) without repeating the edge (numpy's 'reflect'). */
export function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = ((i % period) + period) % period;
  return k < n ? k : period - k;
}

/**
 * The largest output tile whose biggest activation still fits one WebGL texture.
 * TF.js packs 4 values per texel and squarifies a tensor's texture, so a tile of side
 * s (input side s + 2 * context) with `channels` features needs about
 * (s + 2c)^2 * channels / 4 texels, which must stay under maxTextureSize^2.
 */
export function textureTileLimit(maxTextureSize: number, context: number, multiple: number, channels: number): number {
  const side = Math.floor(maxTextureSize * Math.sqrt(4 / channels)) - 2 * context;
  return Math.max(multiple, Math.floor(side / multiple) * multiple);
}

/** Device memory (GB, as `navigator.deviceMemory` reports it) from which WASM takes big tiles. */
export const BIG_TILE_MEMORY_GB = 8;

/**
 * The tile side used when the caller names none. GPUs take 1024 px (fewer dispatches;
 * the texture limit still caps it). On WASM, 1024-px tiles ran 38 % (`default`) and 31 %
 * (`fast`) faster than 512 at 12 MP (docs/benchmarks.md), since less of each tile is
 * context overlap, but held about 3x the tensor memory (632 instead of 221 MB for
 * `default`): they are taken only where `navigator.deviceMemory` reports at least 8 GB
 * (a coarse, rounded value); phones, and browsers that do not say, keep 512. LiteRT.js
 * holds far less (its int8 1024-px tiles grew the tab by under 0.5 GB at 12 MP, TF.js's
 * by ~1.3 GB), so where the browser does not say (Firefox) it takes 1024 px unless the
 * browser is a phone's (`mobile`, from the user agent: the only hint left there).
 * The pure-JS CPU backend is the last resort and slow: small tiles keep progress and
 * cancel lively.
 */
export function defaultTileSize(backend: BackendName, deviceMemoryGb: number | undefined, mobile = false): number {
  if (backend === 'webgpu' || backend === 'webgl') return 1024;
  if (backend === 'litert-wasm' && deviceMemoryGb === undefined) return mobile ? 512 : 1024;
  if (onWasm(backend)) return (deviceMemoryGb ?? 0) >= BIG_TILE_MEMORY_GB ? 1024 : 512;
  return 256;
}

/** A phone's or tablet's browser, by its user agent (Firefox reports no deviceMemory). */
export const isMobile = (userAgent: string): boolean => /Android|Mobi|iPhone|iPad/.test(userAgent);
