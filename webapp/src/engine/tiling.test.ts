import { describe, expect, it } from 'vitest';
import { contextPixels, defaultTileSize, isMobile, mirror, planTiles, textureTileLimit } from './tiling';

function coverage(width: number, height: number, tileSize: number) {
  const seen = new Uint8Array(width * height);
  const tiles = planTiles(width, height, tileSize, 97, 8);
  for (const t of tiles) {
    for (let y = t.y; y < t.y + t.height; y++)
      for (let x = t.x; x < t.x + t.width; x++) seen[y * width + x] += 1;
  }
  return { seen, tiles };
}

describe('planTiles', () => {
  it('covers every pixel exactly once, odd sizes included', () => {
    for (const [w, h, t] of [
      [1, 1, 128],
      [7, 300, 128],
      [513, 257, 256],
      [1000, 3, 64],
    ]) {
      const { seen } = coverage(w, h, t);
      expect(seen.every((v) => v === 1)).toBe(true);
    }
  });

  it('keeps input windows on the grid with at least halo of context', () => {
    const { tiles } = coverage(517, 333, 128);
    for (const t of tiles) {
      expect(Math.abs(t.inX % 8)).toBe(0);
      expect(Math.abs(t.inY % 8)).toBe(0);
      expect(t.inWidth % 8).toBe(0);
      expect(t.inHeight % 8).toBe(0);
      expect(t.x - t.inX).toBeGreaterThanOrEqual(97);
      expect(t.inX + t.inWidth - (t.x + t.width)).toBeGreaterThanOrEqual(97);
      expect(t.inY + t.inHeight - (t.y + t.height)).toBeGreaterThanOrEqual(97);
    }
  });

  it('uses one tile when the image is smaller than a tile', () => {
    const tiles = planTiles(100, 60, 256, 53, 8);
    expect(tiles).toHaveLength(1);
    expect(tiles[0]).toMatchObject({ x: 0, y: 0, width: 100, height: 60 });
    expect(tiles[0].inWidth).toBe(Math.ceil((100 + 2 * contextPixels(53, 8)) / 8) * 8);
  });

  it('rounds odd tile sizes down to the grid and refuses empty images', () => {
    expect(planTiles(300, 10, 100, 0, 8)[1].x).toBe(96);
    expect(() => planTiles(0, 10, 128, 8, 8)).toThrow(RangeError);
  });
});

describe('mirror', () => {
  it('reflects like numpy reflect padding', () => {
    // np.pad([0,1,2,3], 5, 'reflect') -> [1,2,3,2,1,0,1,2,3,2,1,0,1,2]
    const expected = [1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2];
    expect(expected.map((_, k) => mirror(k - 5, 4))).toEqual(expected);
    expect(mirror(-3, 1)).toBe(0);
  });
});

describe('textureTileLimit', () => {
  it('keeps the widest activation inside the GPU texture limit', () => {
    for (const max of [2048, 4096, 16384]) {
      const tile = textureTileLimit(max, 104, 8, 32);
      expect(tile % 8).toBe(0);
      expect(((tile + 208) ** 2 * 32) / 4).toBeLessThanOrEqual(max * max);
      expect((((tile + 8 + 208) ** 2) * 32) / 4).toBeGreaterThan(max * max * 0.97);
    }
    expect(textureTileLimit(256, 104, 8, 32)).toBe(8); // tiny GPUs still get a tile
  });
});

describe('defaultTileSize', () => {
  it('gives WASM big tiles only where the device says it has the memory', () => {
    expect(defaultTileSize('wasm', 8)).toBe(1024);
    expect(defaultTileSize('wasm', 4)).toBe(512);
    expect(defaultTileSize('wasm', 0.5)).toBe(512);
    expect(defaultTileSize('wasm', undefined)).toBe(512);
  });

  it('gives LiteRT.js the tiles TF.js WASM would take where the memory is known', () => {
    for (const memory of [4, 8]) expect(defaultTileSize('litert-wasm', memory)).toBe(defaultTileSize('wasm', memory));
  });

  it('gives LiteRT.js big tiles where the memory is unknown, unless on a phone', () => {
    expect(defaultTileSize('litert-wasm', undefined)).toBe(1024);
    expect(defaultTileSize('litert-wasm', undefined, true)).toBe(512);
    expect(defaultTileSize('wasm', undefined, false)).toBe(512); // TF.js holds ~3x more
  });

  it('tells phones by their user agent', () => {
    expect(isMobile('Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0')).toBe(true);
    expect(isMobile('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15')).toBe(true);
    expect(isMobile('Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0')).toBe(false);
  });

  it('keeps GPU tiles big and CPU tiles small whatever the memory', () => {
    for (const memory of [undefined, 2, 8]) {
      expect(defaultTileSize('webgpu', memory)).toBe(1024);
      expect(defaultTileSize('webgl', memory)).toBe(1024);
      expect(defaultTileSize('cpu', memory)).toBe(256);
    }
  });
});
