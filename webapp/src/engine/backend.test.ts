import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { allowWasmThreads, BACKEND_ORDER, backendOrder, canShareMemory, liteRtSkipReason, wasmThreadsWanted } from './backend';
import { backendLabel } from './protocol';

describe('backendOrder', () => {
  it('tries LiteRT.js after the GPUs and before TF.js WASM', () => {
    expect(BACKEND_ORDER).toEqual(['webgpu', 'webgl', 'litert-wasm', 'wasm', 'cpu']);
    expect(backendOrder()).toEqual(BACKEND_ORDER);
  });

  it('falls back from LiteRT.js to TF.js WASM, then the CPU', () => {
    expect(backendOrder(undefined, 'webgl')).toEqual(['litert-wasm', 'wasm', 'cpu']);
    expect(backendOrder(undefined, 'litert-wasm')).toEqual(['wasm', 'cpu']);
    expect(backendOrder(undefined, 'wasm')).toEqual(['cpu']);
  });

  it('tries only the forced backend (?backend=wasm never starts LiteRT.js)', () => {
    expect(backendOrder('wasm')).toEqual(['wasm']);
    expect(backendOrder('litert-wasm')).toEqual(['litert-wasm']);
  });
});

describe('liteRtSkipReason', () => {
  const everything = { isolated: true, sharedMemory: true, files: 2 };
  const supported = async () => null;

  it('is null where the card has .tflite files and the browser has what the threaded build needs', async () => {
    expect(await liteRtSkipReason(everything, supported)).toBeNull();
  });

  it('skips a model without .tflite files before asking the browser', async () => {
    let asked = false;
    const features = async () => {
      asked = true;
      return null;
    };
    expect(await liteRtSkipReason({ ...everything, files: 0 }, features)).toMatch(/no .tflite/);
    expect(asked).toBe(false);
  });

  it('passes on what the feature checks say is missing', async () => {
    const noRelaxedSimd = async () => 'no WebAssembly relaxed SIMD';
    expect(await liteRtSkipReason(everything, noRelaxedSimd)).toBe('no WebAssembly relaxed SIMD');
  });

  it('by default, skips a page that cannot share memory without loading LiteRT.js', async () => {
    expect(await liteRtSkipReason({ ...everything, isolated: false })).toMatch(/shared memory/);
    expect(await liteRtSkipReason({ ...everything, sharedMemory: false })).toMatch(/shared memory/);
  });
});

describe('wasmThreadsWanted', () => {
  it('asks for one thread per reported core, or the caller\'s count, where memory can be shared', () => {
    const chromium = { isolated: true, sharedMemory: true, cores: 2 };
    expect(wasmThreadsWanted(chromium)).toBe(2);
    expect(wasmThreadsWanted(chromium, 1)).toBe(1);
    expect(wasmThreadsWanted(chromium, 6)).toBe(6);
    expect(wasmThreadsWanted({ ...chromium, cores: 0 })).toBe(1);
  });

  it('asks for one thread on a page that is not cross-origin isolated', () => {
    expect(wasmThreadsWanted({ isolated: false, sharedMemory: true, cores: 8 })).toBe(1);
    expect(wasmThreadsWanted({ isolated: false, sharedMemory: false, cores: 8 }, 4)).toBe(1);
  });

  it('asks for one thread where isolation comes without shared memory (WebKitGTK 2.50)', () => {
    // Measured there: crossOriginIsolated true, typeof SharedArrayBuffer 'undefined',
    // hardwareConcurrency 4 on a 2-core machine.
    expect(wasmThreadsWanted({ isolated: true, sharedMemory: false, cores: 4 })).toBe(1);
    expect(wasmThreadsWanted({ isolated: true, sharedMemory: false, cores: 4 }, 4)).toBe(1);
  });
});

describe('canShareMemory', () => {
  it('is what posting a SharedArrayBuffer says', () => {
    // Node has SharedArrayBuffer and MessageChannel: the threaded path's check passes.
    expect(canShareMemory()).toBe(true);
    const saved = globalThis.SharedArrayBuffer;
    try {
      // @ts-expect-error: removed as WebKitGTK leaves it out
      delete globalThis.SharedArrayBuffer;
      expect(canShareMemory()).toBe(false);
    } finally {
      globalThis.SharedArrayBuffer = saved;
    }
  });
});

describe('allowWasmThreads', () => {
  /** A navigator whose core count is a getter on its prototype, as in browsers. */
  class TwoCoreNavigator {
    get hardwareConcurrency(): number {
      return 2;
    }
  }
  beforeEach(() => vi.stubGlobal('navigator', new TwoCoreNavigator()));
  afterEach(() => vi.unstubAllGlobals());

  it('doubles the reported cores only while TF.js starts, then gives the real count back', () => {
    const restore = allowWasmThreads(2);
    expect(navigator.hardwareConcurrency).toBe(4);
    restore();
    expect(navigator.hardwareConcurrency).toBe(2);
    expect(Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency')).toBeUndefined();
  });

  it('leaves the count alone when half of it already covers the threads asked for', () => {
    const restore = allowWasmThreads(1);
    expect(navigator.hardwareConcurrency).toBe(2);
    restore();
    expect(navigator.hardwareConcurrency).toBe(2);
  });
});

describe('backendLabel', () => {
  it('counts threads for the WASM backends only', () => {
    expect(backendLabel('litert-wasm', 2)).toBe('litert-wasm (2 threads)');
    expect(backendLabel('wasm', 1)).toBe('wasm (1 thread)');
    expect(backendLabel('webgl', 1)).toBe('webgl');
  });
});
