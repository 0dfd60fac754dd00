import { describe, expect, it, vi } from 'vitest';
import {
  checked,
  cropTile,
  fitsLiteRt,
  liteRtFileFor,
  liteRtPlan,
  liteRtTileSize,
  MAX_PADDED_AREA,
  noteNativeLog,
  padTile,
  withoutWebGpuProbeWarning,
} from './litert';
import type { ModelCard } from './protocol';
import { mirror } from './tiling';

const card = (inputs: number[]): ModelCard => ({
  name: 'fast',
  size_multiple: 8,
  halo: 53,
  sigma_range: [0, 75],
  litert: { weights: 'dynamic-range int8', files: inputs.map((input) => ({ tile: input - 112, input, file: `litert/model-dr8-${input}.tflite` })) },
});

describe('liteRtFileFor', () => {
  it('is the file whose input is the planned tile plus the context each side', () => {
    expect(liteRtFileFor(card([176, 624]), 512, 56)?.input).toBe(624);
    expect(liteRtFileFor(card([176, 624]), 64, 56)?.input).toBe(176);
    expect(liteRtFileFor(card([176, 624]), 515, 56)?.input).toBe(624); // the tiler's grid: 512
  });

  it('is null for another tile size, another context (previews), or a card without files', () => {
    expect(liteRtFileFor(card([624]), 1024, 56)).toBeNull();
    expect(liteRtFileFor(card([624]), 512, 32)).toBeNull();
    expect(liteRtFileFor({ ...card([]), litert: undefined }, 512, 56)).toBeNull();
  });
});

describe('fitsLiteRt', () => {
  it('takes tiles up to the side while the padding at most doubles the area', () => {
    expect(fitsLiteRt(176, 176, 176)).toBe(true);
    expect(fitsLiteRt(176, 176, 120)).toBe(true); // an edge tile: 1.47x the area
    expect(fitsLiteRt(176, 120, 120)).toBe(false); // 2.15x: runs on TF.js
    expect(fitsLiteRt(176, 184, 176)).toBe(false); // does not fit
    expect(MAX_PADDED_AREA).toBe(2);
  });
});

describe('padTile and cropTile', () => {
  it('mirrors a tile out at the bottom and right, as the tiler reads past the image', () => {
    const h = 3;
    const w = 5;
    const input = Float32Array.from({ length: h * w * 4 }, (_, i) => i);
    const side = 8;
    const padded = padTile(input, h, w, side);
    expect(padded.length).toBe(side * side * 4);
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        for (let k = 0; k < 4; k++) {
          expect(padded[(r * side + c) * 4 + k]).toBe(input[(mirror(r, h) * w + mirror(c, w)) * 4 + k]);
        }
      }
    }
    const full = new Float32Array(side * side * 4);
    expect(padTile(full, side, side, side)).toBe(full); // a full tile is not copied
  });

  it('crops the top-left h x w of a side x side output; a full tile passes through', () => {
    const side = 6;
    const output = Float32Array.from({ length: side * side * 3 }, (_, i) => i);
    const cropped = cropTile(output, side, 2, 4);
    expect(Array.from(cropped)).toEqual([
      ...Array.from(output.subarray(0, 12)),
      ...Array.from(output.subarray(side * 3, side * 3 + 12)),
    ]);
    expect(cropTile(output, side, side, side)).toBe(output);
  });
});

describe('liteRtTileSize', () => {
  const files = card([624, 1136]); // 512- and 1024-px tiles with 56 px of context

  it('keeps the large tile for a large photo', () => {
    expect(liteRtTileSize(files, 1024, 56, 4000, 3000)).toBe(1024);
    expect(liteRtTileSize(files, 1024, 56, 1600, 1200)).toBe(1024);
  });

  it('takes the smaller file where the image would not fill the large one', () => {
    // 640 x 480 in one 1024 tile: a 752 x 592 input, too small for the 1136 file.
    expect(liteRtTileSize(files, 1024, 56, 640, 480)).toBe(512);
    expect(liteRtTileSize(files, 1024, 56, 512, 512)).toBe(512);
  });

  it('never goes above the tile asked for, and keeps it without files', () => {
    expect(liteRtTileSize(files, 512, 56, 4000, 3000)).toBe(512);
    expect(liteRtTileSize({ ...files, litert: undefined }, 1024, 56, 640, 480)).toBe(1024);
  });
});

describe('checked', () => {
  it('turns an ERROR that LiteRT.js only logged into a failure (its run gave zeros)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const step = async () => {
        noteNativeLog('INFO: Created TensorFlow Lite XNNPACK delegate for CPU.');
        noteNativeLog('ERROR: Node number 55 (TfLiteXNNPackDelegate) failed to prepare.');
        return new Float32Array(3);
      };
      await expect(checked('run model-dr8-720.tflite', step)).rejects.toThrow(
        /failed to run model-dr8-720.tflite: ERROR: Node number 55/,
      );
      expect(warn).toHaveBeenCalledTimes(1); // the INFO line is not shown
    } finally {
      warn.mockRestore();
    }
  });

  it('passes a step that logged no ERROR, and forgets errors from before it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      noteNativeLog('ERROR: from an earlier step');
      await expect(checked('run', async () => 7)).resolves.toBe(7);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('withoutWebGpuProbeWarning', () => {
  it("drops only the loader's WebGPU probe warning, and restores console.warn", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const value = await withoutWebGpuProbeWarning(async () => {
        console.warn('Failed to create default WebGPU device:', new Error('No GPU adapter found.'));
        console.warn('something else');
        return 5;
      });
      expect(value).toBe(5);
      expect(warn.mock.calls).toEqual([['something else']]);
      console.warn('Failed to create default WebGPU device: after loading');
      expect(warn).toHaveBeenCalledTimes(2); // shown again once the loader is done
    } finally {
      warn.mockRestore();
    }
  });

  it('restores console.warn when the loader fails', async () => {
    const before = console.warn;
    await expect(withoutWebGpuProbeWarning(() => Promise.reject(new Error('no wasm')))).rejects.toThrow('no wasm');
    expect(console.warn).toBe(before);
  });
});

describe('liteRtPlan', () => {
  const files = card([624, 1136]);

  it('keeps a photo under a megapixel on TF.js (full precision: parity with Keras)', () => {
    expect(liteRtPlan(files, 1024, 56, 640, 480, false)).toEqual({ tileSize: 1024, file: null });
    expect(liteRtPlan(files, 512, 56, 999, 1000, false).file).toBeNull();
  });

  it('takes LiteRT.js from a megapixel on, with the cheapest tile', () => {
    expect(liteRtPlan(files, 1024, 56, 4000, 3000, false)).toMatchObject({ tileSize: 1024, file: { input: 1136 } });
    expect(liteRtPlan(files, 512, 56, 1000, 1000, false)).toMatchObject({ tileSize: 512, file: { input: 624 } });
  });

  it('keeps a tile size that was asked for, and its file, whatever the image', () => {
    expect(liteRtPlan(files, 512, 56, 64, 48, true)).toMatchObject({ tileSize: 512, file: { input: 624 } });
    expect(liteRtPlan(files, 1024, 56, 640, 480, true)).toMatchObject({ tileSize: 1024, file: { input: 1136 } });
  });
});
