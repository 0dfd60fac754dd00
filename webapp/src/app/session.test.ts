import { describe, expect, it } from 'vitest';
import { canStart, initialState, reducer, type Action, type PageState, type Picture, type Result } from './session';

const picture = (name: string): Picture => ({
  name,
  type: 'image/png',
  image: { width: 2, height: 2, data: new Uint8ClampedArray(16), colorSpace: 'srgb' } as ImageData,
  url: `blob:${name}`,
  estimate: { fine: 3, coarse: 9, auto: 3 },
  previewCentre: { x: 1, y: 1 },
  file: new Blob(),
});
const result = (name: string): Result => ({ url: `blob:out-${name}`, name, ms: 1, tensors: 0, bytes: 1, sigma: 10, tile: 512, passes: 1, ranOn: '' });
const play = (...actions: Action[]): PageState => actions.reduce(reducer, initialState);

describe('the page state machine', () => {
  it('goes file -> ready -> running -> done', () => {
    const state = play(
      { type: 'pick', pick: 1 },
      { type: 'decoded', pick: 1, picture: picture('a') },
      { type: 'start', run: 1 },
      { type: 'progress', run: 1, progress: { done: 1, total: 2, etaMs: 5 } },
      { type: 'finished', run: 1, result: result('a') },
    );
    expect(state.phase).toBe('done');
    expect(state.result?.name).toBe('a');
    expect(state.progress.total).toBe(0);
  });

  it('lets the latest pick win when decodes finish out of order', () => {
    const state = play(
      { type: 'pick', pick: 1 },
      { type: 'pick', pick: 2 },
      { type: 'decoded', pick: 2, picture: picture('second') },
      { type: 'decoded', pick: 1, picture: picture('first') },
      { type: 'decode-failed', pick: 1, message: 'late failure of the first' },
    );
    expect(state.picture?.name).toBe('second');
    expect(state.phase).toBe('ready');
    expect(state.error).toBe('');
  });

  it('cannot start while a file decodes, so the previous image is never denoised', () => {
    const decoding = play({ type: 'pick', pick: 1 }, { type: 'decoded', pick: 1, picture: picture('a') }, { type: 'pick', pick: 2 });
    expect(canStart(decoding)).toBe(false);
    expect(reducer(decoding, { type: 'start', run: 1 }).phase).toBe('decoding');
    expect(decoding.picture).toBeNull();
  });

  it('drops the result of a run that a new pick replaced', () => {
    const state = play(
      { type: 'pick', pick: 1 },
      { type: 'decoded', pick: 1, picture: picture('old') },
      { type: 'start', run: 1 },
      { type: 'pick', pick: 2 },
      { type: 'decoded', pick: 2, picture: picture('new') },
      { type: 'finished', run: 1, result: result('old') },
      { type: 'progress', run: 1, progress: { done: 3, total: 4, etaMs: 1 } },
    );
    expect(state.picture?.name).toBe('new');
    expect(state.result).toBeNull();
    expect(state.phase).toBe('ready');
    expect(state.progress.done).toBe(0);
  });

  it('keeps the strength the user chose while the file decoded; a new pick resets it', () => {
    let state = play({ type: 'pick', pick: 1 }, { type: 'strength', sigma: 22 }, { type: 'decoded', pick: 1, picture: picture('a') });
    expect(state.chosenSigma).toBe(22);
    state = reducer(state, { type: 'pick', pick: 2 });
    expect(state.chosenSigma).toBeNull();
  });

  it('cancels through cancelling, resets progress, and may run again', () => {
    let state = play(
      { type: 'pick', pick: 1 },
      { type: 'decoded', pick: 1, picture: picture('a') },
      { type: 'start', run: 1 },
      { type: 'progress', run: 1, progress: { done: 1, total: 9, etaMs: 5 } },
      { type: 'cancel', run: 1 },
    );
    expect(state.phase).toBe('cancelling');
    state = reducer(state, { type: 'cancelled', run: 1 });
    expect(state.phase).toBe('cancelled');
    expect(state.progress).toEqual({ done: 0, total: 0, etaMs: 0 });
    expect(canStart(state)).toBe(true);
    expect(reducer(state, { type: 'start', run: 2 }).phase).toBe('running');
  });

  it('reports a failure of the current run only, and the page stays usable', () => {
    const running = play({ type: 'pick', pick: 1 }, { type: 'decoded', pick: 1, picture: picture('a') }, { type: 'start', run: 1 });
    expect(reducer(running, { type: 'failed', run: 0, message: 'stale' }).error).toBe('');
    const failed = reducer(running, { type: 'failed', run: 1, message: 'The worker stopped' });
    expect(failed.phase).toBe('failed');
    expect(failed.error).toBe('The worker stopped');
    expect(canStart(failed)).toBe(true);
  });

  it('a failed decode says why and leaves no picture', () => {
    const state = play({ type: 'pick', pick: 1 }, { type: 'decode-failed', pick: 1, message: 'not an image' });
    expect(state).toMatchObject({ phase: 'empty', picture: null, error: 'not an image' });
  });

  it('takes a new encoding of the current result only', () => {
    const done = play(
      { type: 'pick', pick: 1 },
      { type: 'decoded', pick: 1, picture: picture('a') },
      { type: 'start', run: 1 },
      { type: 'finished', run: 1, result: result('a-denoised.png') },
    );
    const webp = reducer(done, { type: 'encoded', run: 1, url: 'blob:w', name: 'a-denoised.webp', bytes: 9 });
    expect(webp.result).toMatchObject({ url: 'blob:w', name: 'a-denoised.webp', bytes: 9, sigma: 10 });
    expect(reducer(done, { type: 'encoded', run: 0, url: 'blob:x', name: 'x', bytes: 1 })).toBe(done);
    const next = reducer(done, { type: 'pick', pick: 2 });
    expect(reducer(next, { type: 'encoded', run: 1, url: 'blob:y', name: 'y', bytes: 1 }).result).toBeNull();
  });
});
