/** Drag-to-pan in the before/after view: pure, so that the arithmetic is unit-tested. */

/** Below this many pixels of movement a press on the picture is a click (it moves the
 * preview there), above it a drag (it pans the view). */
export const DRAG_THRESHOLD_PX = 4;

export interface PanStart {
  x: number;
  y: number;
  left: number;
  top: number;
}

/** The viewport scroll that keeps the point under the pointer where it was grabbed. */
export function pannedScroll(start: PanStart, x: number, y: number): { left: number; top: number } {
  return { left: start.left - (x - start.x), top: start.top - (y - start.y) };
}

export function isDrag(start: PanStart, x: number, y: number): boolean {
  return Math.hypot(x - start.x, y - start.y) > DRAG_THRESHOLD_PX;
}
