/** The preview: the chosen region, noisy and denoised side by side at 100 %. */
import { useEffect, useRef } from 'react';

function Pixels({ image, label, testId }: { image: ImageData | null; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (image && canvas.current) canvas.current.getContext('2d')?.putImageData(image, 0, 0);
  }, [image]);
  return (
    <figure>
      <canvas ref={canvas} data-testid={testId} width={image?.width ?? 0} height={image?.height ?? 0} aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

export interface PreviewProps {
  before: ImageData;
  after: ImageData | null;
  /** Strength and passes the "after" was made with, and whether it is still being updated. */
  sigma: number | null;
  passes: number | null;
  updating: boolean;
  /** The "after" is a one-pass draft of this strength and spot; these passes are coming. */
  refiningTo: number | null;
  x: number;
  y: number;
}

const passesLabel = (n: number) => `${n} pass${n > 1 ? 'es' : ''}`;

export function Preview({ before, after, sigma, passes, updating, refiningTo, x, y }: PreviewProps) {
  const status = refiningTo !== null ? `(draft; ${passesLabel(refiningTo)} coming…)` : updating ? '(updating…)' : null;
  return (
    <section
      className="preview"
      aria-label="Preview at 100 %"
      data-testid="preview"
      data-sigma={sigma ?? ''}
      data-updating={updating}
      data-passes={passes ?? ''}
      data-x={x}
      data-y={y}
    >
      <h2>Preview at 100 % {status && <span className="muted">{status}</span>}</h2>
      <p className="muted">It starts where noise shows most; click the picture below to preview another spot. The full run uses this strength.</p>
      <div className="preview-pair">
        <Pixels image={before} label="Before" testId="preview-before" />
        <Pixels image={after} label={sigma === null || passes === null ? 'After: working…' : `After, σ ${sigma}, ${passesLabel(passes)}`} testId="preview-after" />
      </div>
    </section>
  );
}
