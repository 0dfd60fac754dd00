import { describe, expect, it } from 'vitest';
import { clampPercent, keyedSplit } from './wipe';

describe('the before/after divider', () => {
  it('moves by 2 % per arrow, 10 % with Shift, and to the edges with Home and End', () => {
    expect(keyedSplit(50, 'ArrowRight', false)).toBe(52);
    expect(keyedSplit(50, 'ArrowLeft', true)).toBe(40);
    expect(keyedSplit(50, 'ArrowUp', false)).toBe(52);
    expect(keyedSplit(50, 'Home', false)).toBe(0);
    expect(keyedSplit(50, 'End', true)).toBe(100);
  });
  it('stays inside the picture', () => {
    expect(keyedSplit(99, 'ArrowRight', true)).toBe(100);
    expect(keyedSplit(1, 'ArrowLeft', false)).toBe(0);
    expect(clampPercent(-5)).toBe(0);
  });
  it('leaves other keys to the page', () => {
    expect(keyedSplit(50, 'Tab', false)).toBeNull();
    expect(keyedSplit(50, 'Enter', false)).toBeNull();
  });
});
