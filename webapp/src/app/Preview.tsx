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
  /** Strength the "after" was made with, and whether it is still being updated. */
  sigma: number | null;
  updating: boolean;
  x: number;
  y: number;
}

export function Preview({ before, after, sigma, updating, x, y }: PreviewProps) {
  return (
    <section
      className="preview"
      aria-label="Preview at 100 %"
      data-testid="preview"
      data-sigma={sigma ?? ''}
      data-updating={updating}
      data-x={x}
      data-y={y}
    >
      <h2>Preview at 100 % {updating && <span className="muted">(updating…)</span>}</h2>
      <p className="muted">It starts where noise shows most; click the picture below to preview another spot. The full run uses this strength.</p>
      <div className="preview-pair">
        <Pixels image={before} label="Before" testId="preview-before" />
        <Pixels image={after} label={sigma === null ? 'After: working…' : `After, σ ${sigma}`} testId="preview-after" />
      </div>
    </section>
  );
}
