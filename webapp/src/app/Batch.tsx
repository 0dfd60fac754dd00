/** Many photos at once: the queue's rows, its runner, and the zip of every result. */
import { useEffect, useRef, type Dispatch } from 'react';
import { zipSync } from 'fflate';
import { CancelledError, ClosedError, type Denoiser } from '../engine/client';
import { decodeImage, defaultFormat, DEFAULT_QUALITY } from '../engine/image';
import { estimateSigma, type SigmaEstimate } from '../engine/sigma';
import { nextJob, uniqueNames, type BatchAction, type Job } from './batch';
import { encodeResult } from './output';

const STATUS_TEXT: Record<Job['status'], string> = {
  queued: 'waiting',
  running: 'denoising',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** How the queue picks each photo's model (App.tsx holds the rule and the engine). */
export interface QueueModels {
  /** The model for an image with this noise; null: the model in use (the user picked one). */
  modelFor: (estimate: SigmaEstimate) => string | null;
  /** Load another model before the photo `file`; false when it cannot now (the photo
   * view is denoising on the engine), and the photo runs on the model in use. */
  switchTo: (model: string, file: string) => boolean;
}

/** A photo decoded for a model that was not loaded yet: the next engine takes it from here. */
interface Decoded {
  id: number;
  image: ImageData;
  estimate: SigmaEstimate;
}

/** Runs the next queued photo whenever none runs, each on the model for its noise. */
function useRunner(denoiser: Denoiser | null, jobs: Job[], dispatch: Dispatch<BatchAction>, models: QueueModels) {
  const controllers = useRef(new Map<number, AbortController>());
  const decoded = useRef<Decoded | null>(null);
  const next = nextJob(jobs);
  useEffect(() => {
    if (!denoiser || !next) return;
    const job = next;
    const controller = new AbortController();
    controllers.current.set(job.id, controller);
    void (async () => {
      try {
        const kept = decoded.current?.id === job.id ? decoded.current : null;
        decoded.current = null;
        const image = kept?.image ?? (await decodeImage(job.file));
        if (controller.signal.aborted) return;
        const estimate = kept?.estimate ?? estimateSigma(image.data, image.width, image.height);
        const model = models.modelFor(estimate);
        if (model && model !== denoiser.card.name && models.switchTo(model, job.name)) {
          decoded.current = { id: job.id, image, estimate }; // this effect runs again on the new engine
          return;
        }
        const sigma = await denoiser.autoStrength(image, estimate);
        if (controller.signal.aborted) return;
        dispatch({ type: 'start', id: job.id, sigma, model: denoiser.card.name });
        const out = await denoiser.denoise(image, {
          sigma,
          signal: controller.signal,
          onProgress: (done, total) => dispatch({ type: 'progress', id: job.id, done, total }),
        });
        const source = { name: job.name, type: job.file.type, file: job.file };
        const result = await encodeResult(out.image, source, defaultFormat(job.file.type), DEFAULT_QUALITY, false);
        dispatch({ type: 'done', id: job.id, result });
      } catch (error) {
        if (error instanceof ClosedError) dispatch({ type: 'requeue', id: job.id });
        else if (!(error instanceof CancelledError)) dispatch({ type: 'failed', id: job.id, message: (error as Error).message });
      } finally {
        controllers.current.delete(job.id);
      }
    })();
  }, [denoiser, next?.id]); // one run per job id
  return (id?: number) => {
    for (const [jobId, controller] of controllers.current) if (id === undefined || id === jobId) controller.abort();
    dispatch(id === undefined ? { type: 'cancel-all' } : { type: 'cancel', id });
  };
}

/** Every finished result in one zip (stored, not compressed again: they are JPEG/PNG/WebP). */
async function downloadZip(jobs: Job[]): Promise<void> {
  const done = jobs.filter((j) => j.result);
  const names = uniqueNames(done.map((j) => j.result!.name));
  const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [i, job] of done.entries()) entries[names[i]] = [new Uint8Array(await job.result!.blob.arrayBuffer()), { level: 0 }];
  const zip = zipSync(entries);
  const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: 'denoised-photos.zip' });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function Batch({
  denoiser,
  jobs,
  dispatch,
  models,
}: {
  denoiser: Denoiser | null;
  jobs: Job[];
  dispatch: Dispatch<BatchAction>;
  models: QueueModels;
}) {
  const cancel = useRunner(denoiser, jobs, dispatch, models);
  const finished = jobs.filter((j) => j.status === 'done').length;
  const pending = jobs.some((j) => j.status === 'queued' || j.status === 'running');
  return (
    <section className="batch" aria-label="Photos in the queue" data-testid="batch">
      <h2>
        {jobs.length} photos, {finished} done
      </h2>
      <div className="batch-actions">
        <button data-testid="zip" disabled={finished === 0} onClick={() => void downloadZip(jobs)}>
          Download all ({finished}) as .zip
        </button>
        <button data-testid="cancel-all" disabled={!pending} onClick={() => cancel()}>
          Cancel all
        </button>
        <button data-testid="clear" disabled={pending} onClick={() => dispatch({ type: 'clear' })}>
          Clear the list
        </button>
      </div>
      <ol className="batch-list">
        {jobs.map((job) => (
          <li key={job.id} data-testid="job" data-status={job.status} data-name={job.name}>
            <span className="job-name">{job.name}</span>{' '}
            <progress max={job.progress.total || 1} value={job.status === 'done' ? job.progress.total || 1 : job.progress.done} aria-label={`Progress of ${job.name}`} />{' '}
            <span className="muted">
              {STATUS_TEXT[job.status]}
              {job.sigma !== undefined && (
                <>
                  {' '}
                  (σ {job.sigma}, <span data-testid="job-model">{job.model}</span>)
                </>
              )}
            </span>{' '}
            {job.error && <span className="error">{job.error}</span>}
            {job.result && (
              <a data-testid="job-download" href={job.result.url} download={job.result.name}>
                {job.result.name} ({(job.result.bytes / 1e6).toFixed(2)} MB)
              </a>
            )}
            {(job.status === 'queued' || job.status === 'running') && (
              <button data-testid="job-cancel" onClick={() => cancel(job.id)} aria-label={`Cancel ${job.name}`}>
                Cancel
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
