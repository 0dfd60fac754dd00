/** Before/after view: a slider wipes between the two, zoom to fit / 100 % / 200 %, pan by
 * scrolling; a click names the image point under it (the preview follows). */
import { useState, type MouseEvent } from 'react';

type Zoom = 'fit' | '1' | '2';

interface CompareProps {
  before: string;
  after: string | null;
  width: number;
  height: number;
  onPick?: (x: number, y: number) => void;
}

export function Compare({ before, after, width, height, onPick }: CompareProps) {
  const [split, setSplit] = useState(50);
  // Small images at 100 % (every pixel as it is); large ones fitted to the page.
  const [zoom, setZoom] = useState<Zoom>(() => (width <= Math.min(window.innerWidth - 32, 1152) ? '1' : 'fit'));
  const pick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    onPick?.(((event.clientX - box.left) / box.width) * width, ((event.clientY - box.top) / box.height) * height);
  };
  const size = zoom === 'fit' ? '100%' : `${width * Number(zoom)}px`;
  return (
    <section className="compare" aria-label="Before and after">
      <div className="compare-controls">
        <label>
          Zoom{' '}
          <select data-testid="zoom" value={zoom} onChange={(e) => setZoom(e.target.value as Zoom)}>
            <option value="fit">Fit</option>
            <option value="1">100 %</option>
            <option value="2">200 %</option>
          </select>
        </label>
        {after && (
          <label>
            Before ◀ ▶ After{' '}
            <input data-testid="compare" type="range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} />
          </label>
        )}
      </div>
      <div className="compare-viewport" tabIndex={0} aria-label="Image view; scroll to pan">
        <div className="compare-stack" data-testid="compare-stack" style={{ width: size }} onClick={pick}>
          <img src={before} alt="Before: the original image" />
          {after && (
            <img
              className="compare-after"
              src={after}
              alt="After: the denoised image"
              style={{ clipPath: `inset(0 0 0 ${split}%)` }}
            />
          )}
        </div>
      </div>
    </section>
  );
}
