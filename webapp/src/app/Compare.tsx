/** Before/after view: a divider on the picture wipes between the two (drag it, or focus it
 * and use the arrow keys; the range above does the same), zoom to fit / 100 % / 200 %, pan
 * by scrolling or by dragging the picture with the mouse; a click elsewhere names the image
 * point under it (the preview follows). */
import { useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import { isDrag, pannedScroll, type PanStart } from './pan';
import { clampPercent, keyedSplit } from './wipe';

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
  const stack = useRef<HTMLDivElement>(null);
  const viewport = useRef<HTMLDivElement>(null);
  // A mouse press on the picture: where it started, and whether it has moved far enough
  // to be a drag (which pans) rather than a click (which moves the preview).
  const pan = useRef<{ start: PanStart; dragged: boolean } | null>(null);
  // Small images at 100 % (every pixel as it is); large ones fitted to the page.
  const [zoom, setZoom] = useState<Zoom>(() => (width <= Math.min(window.innerWidth - 32, 1152) ? '1' : 'fit'));
  const pick = (event: MouseEvent<HTMLDivElement>) => {
    const dragged = pan.current?.dragged;
    pan.current = null;
    if (dragged) return;
    const box = event.currentTarget.getBoundingClientRect();
    onPick?.(((event.clientX - box.left) / box.width) * width, ((event.clientY - box.top) / box.height) * height);
  };
  // A drag is the pointer the divider captured on pointerdown; the browser releases it on
  // pointerup and pointercancel.
  const dragTo = (event: PointerEvent<HTMLDivElement>) => {
    const box = stack.current?.getBoundingClientRect();
    if (box && event.currentTarget.hasPointerCapture(event.pointerId)) {
      setSplit(clampPercent(((event.clientX - box.left) / box.width) * 100));
    }
  };
  // Touch pans natively (scrolling); the mouse grabs the picture.
  const grab = (event: PointerEvent<HTMLDivElement>) => {
    const view = viewport.current;
    if (event.pointerType !== 'mouse' || event.button !== 0 || !view) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    pan.current = { start: { x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop }, dragged: false };
  };
  const panTo = (event: PointerEvent<HTMLDivElement>) => {
    const view = viewport.current;
    const press = pan.current;
    if (!view || !press || !event.currentTarget.hasPointerCapture(event.pointerId)) return;
    press.dragged ||= isDrag(press.start, event.clientX, event.clientY);
    if (press.dragged) {
      const { left, top } = pannedScroll(press.start, event.clientX, event.clientY);
      view.scrollTo(left, top);
    }
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = keyedSplit(split, event.key, event.shiftKey);
    if (next !== null) {
      event.preventDefault();
      setSplit(next);
    }
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
      <div className="compare-viewport" ref={viewport} tabIndex={0} aria-label="Image view; scroll or drag to pan">
        <div
          className={zoom === 'fit' ? 'compare-stack' : 'compare-stack compare-zoomed'}
          data-testid="compare-stack"
          ref={stack}
          style={{ width: size }}
          onClick={pick}
          onPointerDown={grab}
          onPointerMove={panTo}
        >
          <img src={before} alt="Before: the original image" draggable={false} />
          {after && (
            <>
              <img className="compare-after" src={after} alt="After: the denoised image" draggable={false} style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
              <span className="compare-label compare-label-before">Before</span>
              <span className="compare-label compare-label-after">After</span>
              <div
                className="compare-divider"
                data-testid="divider"
                role="slider"
                tabIndex={0}
                aria-label="Before and after divider"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(split)}
                style={{ left: `${split}%` }}
                onClick={(e) => e.stopPropagation()}
                onPointerDown={(e) => {
                  e.stopPropagation(); // the divider's drag, not the picture's pan
                  e.currentTarget.setPointerCapture(e.pointerId);
                }}
                onPointerMove={dragTo}
                onKeyDown={onKey}
              >
                <span className="compare-handle" aria-hidden="true">
                  ◀▶
                </span>
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
