import { describe, expect, it } from 'vitest';
import { DRAG_THRESHOLD_PX, isDrag, pannedScroll } from './pan';

describe('drag-to-pan', () => {
  const start = { x: 100, y: 50, left: 300, top: 200 };

  it('scrolls against the pointer, so the grabbed point follows it', () => {
    expect(pannedScroll(start, 60, 80)).toEqual({ left: 340, top: 170 });
  });

  it('tells a click from a drag by how far the pointer moved', () => {
    expect(isDrag(start, 100 + DRAG_THRESHOLD_PX, 50)).toBe(false);
    expect(isDrag(start, 100 + DRAG_THRESHOLD_PX, 52)).toBe(true);
  });
});
