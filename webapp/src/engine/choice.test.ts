import { describe, expect, it } from 'vitest';
import { modelForImage } from './choice';

describe('the model for an image nobody picked a model for', () => {
  const index = { default: 'photo', white_noise: 'default' };
  const estimate = (fine: number, coarse: number) => ({ fine, coarse, auto: Math.max(fine, coarse) });

  it('runs the white-noise model where both scales read the noise alike', () => {
    expect(modelForImage(estimate(25, 26), index)).toBe('default');
    expect(modelForImage(estimate(5, 5.5), index)).toBe('default');
  });

  it('keeps the default on camera noise, faint noise and an unreadable coarse scale', () => {
    expect(modelForImage(estimate(4, 13), index)).toBe('photo'); // correlated: a camera's
    expect(modelForImage(estimate(10, 12), index)).toBe('photo'); // as a downscaled camera photo reads
    expect(modelForImage(estimate(4.9, 5), index)).toBe('photo'); // under WHITE_MODEL_FROM
    expect(modelForImage(estimate(16, 0), index)).toBe('photo'); // every coarse block clipped
  });

  it('keeps the default when the index names no white-noise model', () => {
    expect(modelForImage(estimate(25, 26), { default: 'default' })).toBe('default');
    expect(modelForImage(estimate(25, 26), { default: 'photo' })).toBe('photo');
  });
});
