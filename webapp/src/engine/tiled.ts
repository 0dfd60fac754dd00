/**
 * Tiled inference over RGBA pixels, independent of where the model runs: the worker
 * passes a function that runs the model on one tile. Memory is bounded by the tile,
 * not the image: each tile's input is read straight from the pixels (mirrored at the
 * borders), and only its centre is written back.
 */
import { runPasses, type RunTile } from './passes';
import { contextPixels, mirror, planTiles, type Tile } from './tiling';

export type { RunTile };

export interface TileGeometry {
  halo: number;
  size_multiple: number;
}

export interface TiledOptions {
  sigma: number;
  tileSize: number;
  /** Flipped copies of each tile averaged (passes.ts); default 1. */
  passes?: number;
  /** Called after each tile; return false to stop (cancel). */
  onTile?: (done: number, total: number) => Promise<boolean> | boolean;
}

/** True when every pixel has R = G = B: processed as gray (channels averaged out). */
export function isGray(pixels: Uint8ClampedArray): boolean {
  for (let p = 0; p < pixels.length; p += 4) {
    if (pixels[p] !== pixels[p + 1] || pixels[p] !== pixels[p + 2]) return false;
  }
  return true;
}

export function tileInput(pixels: Uint8ClampedArray, width: number, height: number, tile: Tile, sigma: number): Float32Array {
  const input = new Float32Array(tile.inWidth * tile.inHeight * 4);
  const level = sigma / 255;
  let k = 0;
  for (let r = 0; r < tile.inHeight; r++) {
    const row = mirror(tile.inY + r, height) * width;
    for (let c = 0; c < tile.inWidth; c++) {
      const p = (row + mirror(tile.inX + c, width)) * 4;
      input[k++] = pixels[p] / 255;
      input[k++] = pixels[p + 1] / 255;
      input[k++] = pixels[p + 2] / 255;
      input[k++] = level;
    }
  }
  return input;
}

export function placeTile(out: Uint8ClampedArray, result: Float32Array, width: number, tile: Tile, pad: number, gray: boolean): void {
  for (let r = 0; r < tile.height; r++) {
    for (let c = 0; c < tile.width; c++) {
      const s = ((r + pad) * tile.inWidth + c + pad) * 3;
      const d = ((tile.y + r) * width + tile.x + c) * 4;
      if (gray) {
        const v = Math.round(((result[s] + result[s + 1] + result[s + 2]) / 3) * 255);
        out[d] = out[d + 1] = out[d + 2] = v; // Uint8ClampedArray clips
      } else {
        out[d] = Math.round(result[s] * 255);
        out[d + 1] = Math.round(result[s + 1] * 255);
        out[d + 2] = Math.round(result[s + 2] * 255);
      }
    }
  }
}

/** Denoise RGBA pixels tile by tile; alpha is copied through. Null if cancelled. */
export async function denoiseTiled(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  geometry: TileGeometry,
  run: RunTile,
  options: TiledOptions,
): Promise<Uint8ClampedArray | null> {
  const tiles = planTiles(width, height, options.tileSize, geometry.halo, geometry.size_multiple);
  const pad = contextPixels(geometry.halo, geometry.size_multiple);
  const gray = isGray(pixels);
  const out = new Uint8ClampedArray(pixels);
  for (const [index, tile] of tiles.entries()) {
    const input = tileInput(pixels, width, height, tile, options.sigma);
    const result = await runPasses(run, input, tile.inHeight, tile.inWidth, options.passes ?? 1);
    placeTile(out, result, width, tile, pad, gray);
    if (options.onTile && !(await options.onTile(index + 1, tiles.length))) return null;
  }
  return out;
}
