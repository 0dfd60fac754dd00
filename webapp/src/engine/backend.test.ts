import { describe, expect, it } from 'vitest';
import { canShareMemory, wasmThreadsWanted } from './backend';

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
