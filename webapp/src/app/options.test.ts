import { describe, expect, it } from 'vitest';
import { parseOptions, startingModel } from './options';

describe('address options', () => {
  it('takes valid values', () => {
    expect(parseOptions('?backend=wasm&threads=2&tile=256&model=fast')).toEqual({
      backend: 'wasm',
      threads: 2,
      tile: 256,
      model: 'fast',
      problems: [],
    });
  });

  it.each([
    ['?tile=abc', 'tile=abc'],
    ['?tile=4', 'tile=4'],
    ['?tile=1e3', 'tile=1e3'],
    ['?threads=0', 'threads=0'],
    ['?threads=two', 'threads=two'],
    ['?backend=metal', 'Unknown backend “metal”'],
  ])('names and ignores %s', (search, named) => {
    const options = parseOptions(search);
    expect(options.problems).toHaveLength(1);
    expect(options.problems[0]).toContain(named);
    expect(options.tile ?? options.threads ?? options.backend).toBeUndefined();
  });

  it('test hooks stay silent', () => {
    expect(parseOptions('?crash-after=2&lose-context-after=1')).toMatchObject({ crashAfterTiles: 2, loseContextAfterTiles: 1, problems: [] });
    expect(parseOptions('?litert-fail-after=3&backend=litert-wasm')).toMatchObject({ failLiteRtAfterTiles: 3, backend: 'litert-wasm', problems: [] });
  });

  it('falls back to the default model and names the ones there are', () => {
    expect(startingModel('fast', ['photo', 'fast'], 'photo')).toEqual({ model: 'fast' });
    expect(startingModel(undefined, ['photo'], 'photo')).toEqual({ model: 'photo' });
    const wrong = startingModel('nope', ['photo', 'default', 'fast'], 'photo');
    expect(wrong.model).toBe('photo');
    expect(wrong.problem).toBe('There is no model “nope” (there are: photo, default, fast); using photo.');
  });
});
