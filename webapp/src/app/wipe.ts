/** Where the before/after divider goes: pure, so that keyboard use is unit-tested. */

export const clampPercent = (value: number) => Math.min(100, Math.max(0, value));

/** The split (0-100 %) a key press moves to: arrows by 2 % (10 % with Shift), Home and
 * End to the edges; null for any other key, which the divider leaves alone. */
export function keyedSplit(split: number, key: string, shift: boolean): number | null {
  const step = shift ? 10 : 2;
  const moves: Record<string, number> = {
    ArrowLeft: split - step,
    ArrowDown: split - step,
    ArrowRight: split + step,
    ArrowUp: split + step,
    Home: 0,
    End: 100,
  };
  return key in moves ? clampPercent(moves[key]) : null;
}
