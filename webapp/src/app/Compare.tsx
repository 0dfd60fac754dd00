/** Before/after view: a slider wipes between the two, zoom to fit / 100 % / 200 %, pan by scrolling. */
import { useState } from 'react';

type Zoom = 'fit' | '1' | '2';

export function Compare({ before, after, width }: { before: string; after: string | null; width: number }) {
  const [split, setSplit] = useState(50);
  const [zoom, setZoom] = useState<Zoom>('fit');
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
        <div className="compare-stack" style={{ width: size }}>
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
