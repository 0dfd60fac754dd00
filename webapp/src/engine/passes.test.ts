import { describe, expect, it } from 'vitest';
import { AUTO_PASSES_BUDGET, autoPasses, flipped, FLIPS, MAX_PASSES, passesFor, runPasses, transposed, type RunTile } from './passes';

const PHOTO_MACS = 208_864;

/** [height, width, channels] values numbered 0, 1, 2... */
const numbered = (h: number, w: number, c: number) => Float32Array.from({ length: h * w * c }, (_, i) => i);

describe('flipped', () => {
  it('mirrors rows, columns or both, keeping each pixel\'s channels together', () => {
    // 2 x 3 pixels, 2 channels: pixel (r, c) holds [2(3r + c), 2(3r + c) + 1].
    const v = numbered(2, 3, 2);
    expect(Array.from(flipped(v, 2, 3, 2, FLIPS[1]))).toEqual([4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7]);
    expect(Array.from(flipped(v, 2, 3, 2, FLIPS[2]))).toEqual([6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]);
    expect(Array.from(flipped(v, 2, 3, 2, FLIPS[3]))).toEqual([10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1]);
  });

  it('transposes: pixel (r, c) moves to (c, r) with its channels', () => {
    const v = numbered(2, 3, 2);
    expect(Array.from(transposed(v, 2, 3, 2))).toEqual([0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
    expect(transposed(transposed(v, 2, 3, 2), 3, 2, 2)).toEqual(v);
    expect(MAX_PASSES).toBe(8);
    expect(FLIPS.filter((f) => f.transpose).length).toBe(4);
  });

  it('undoes itself and leaves its input alone', () => {
    const v = numbered(5, 7, 4);
    for (const flip of FLIPS) {
      expect(flipped(flipped(v, 5, 7, 4, flip), 5, 7, 4, flip)).toEqual(v);
    }
    expect(v).toEqual(numbered(5, 7, 4));
  });
});

describe('runPasses', () => {
  const [h, w] = [4, 6];
  const input = numbered(h, w, 4);

  it('flips each result back: a network that sees each pixel alone gives the same at any count', async () => {
    const perPixel: RunTile = async (x, rows, cols) => {
      const out = new Float32Array(rows * cols * 3);
      for (let p = 0; p < rows * cols; p++) for (let k = 0; k < 3; k++) out[p * 3 + k] = x[p * 4 + k] * 0.5 + x[p * 4 + 3];
      return out;
    };
    const one = await runPasses(perPixel, input, h, w, 1);
    for (let passes = 2; passes <= MAX_PASSES; passes++) expect(await runPasses(perPixel, input, h, w, passes)).toEqual(one);
  });

  it('averages what each copy saw: a network that answers its column gives the mirrored mean', async () => {
    const column: RunTile = async (_x, rows, cols) => Float32Array.from({ length: rows * cols * 3 }, (_, i) => Math.floor(i / 3) % cols);
    const two = await runPasses(column, input, h, w, 2);
    expect(new Set(two)).toEqual(new Set([(w - 1) / 2]));
    const calls: Float32Array[] = [];
    const record: RunTile = async (x, rows, cols) => {
      calls.push(x);
      return new Float32Array(rows * cols * 3);
    };
    await runPasses(record, input, h, w, 4);
    expect(calls.map((x) => x[0])).toEqual([0, input[(w - 1) * 4], input[(h - 1) * w * 4], input[(h * w - 1) * 4]]);
  });

  it('runs passes 5-8 on the transposed tile, its result put back in place', async () => {
    const shapes: string[] = [];
    const column: RunTile = async (_x, rows, cols) => {
      shapes.push(`${rows}x${cols}`);
      return Float32Array.from({ length: rows * cols * 3 }, (_, i) => Math.floor(i / 3) % cols);
    };
    const eight = await runPasses(column, input, h, w, 8);
    expect(shapes).toEqual([...Array(4).fill(`${h}x${w}`), ...Array(4).fill(`${w}x${h}`)]);
    // Columns mirrored average (w - 1) / 2; on the transposed tile a column is a row: (h - 1) / 2.
    expect(new Set(eight)).toEqual(new Set([((w - 1) / 2 + (h - 1) / 2) / 2]));
    const calls: Float32Array[] = [];
    const record: RunTile = async (x, rows, cols) => {
      calls.push(x);
      return new Float32Array(rows * cols * 3);
    };
    await runPasses(record, input, h, w, 5);
    // The fifth copy is the transposed tile: its second pixel is the input's second row's first.
    expect([calls[4][0], calls[4][4]]).toEqual([input[0], input[w * 4]]);
  });
});

describe('autoPasses', () => {
  it('fits eight passes to a crop, four to 1.5 MP, two to a 3 MP photo, one above', () => {
    expect(autoPasses(512, 512, PHOTO_MACS)).toBe(8);
    expect(autoPasses(866, 866, PHOTO_MACS)).toBe(8); // 0.750 MP
    expect(autoPasses(867, 867, PHOTO_MACS)).toBe(4); // 0.752 MP
    expect(autoPasses(1414, 1060, PHOTO_MACS)).toBe(4); // 1.50 MP
    expect(autoPasses(1600, 1200, PHOTO_MACS)).toBe(2); // 1.92 MP
    expect(autoPasses(1996, 1500, PHOTO_MACS)).toBe(2); // 2.99 MP
    expect(autoPasses(2304, 1728, PHOTO_MACS)).toBe(1); // 3.98 MP
    expect(autoPasses(4000, 3000, PHOTO_MACS)).toBe(1);
  });

  it('spends the budget and no more, and a cheaper network gets more passes', () => {
    const pixels = AUTO_PASSES_BUDGET / (4 * PHOTO_MACS);
    expect(autoPasses(pixels / 2, 1, PHOTO_MACS)).toBe(8);
    expect(autoPasses(pixels / 2 + 1, 1, PHOTO_MACS)).toBe(4);
    expect(autoPasses(pixels, 1, PHOTO_MACS)).toBe(4);
    expect(autoPasses(pixels + 1, 1, PHOTO_MACS)).toBe(2);
    expect(autoPasses(2304, 1728, 74_472)).toBe(4);
    expect(autoPasses(1600, 1200, 74_472)).toBe(8);
  });

  it('runs one pass for a card that does not say its cost', () => {
    expect(autoPasses(64, 64, undefined)).toBe(1);
  });
});

describe('passesFor', () => {
  it('resolves auto and keeps a count', () => {
    expect(passesFor('auto', 512, 512, { macs_per_pixel: PHOTO_MACS })).toBe(8);
    expect(passesFor(2, 4000, 3000, { macs_per_pixel: PHOTO_MACS })).toBe(2);
  });

  it.each([0, 9, 1.5, Number.NaN])('refuses %s, naming what it takes', (bad) => {
    expect(() => passesFor(bad, 8, 8, {})).toThrow(/passes must be a whole number from 1 to 8 or 'auto'/);
  });
});
