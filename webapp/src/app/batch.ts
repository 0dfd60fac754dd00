/**
 * Many photos at once: a queue that runs one photo at a time, each at its own auto
 * strength, and keeps each result as an encoded file for its own download or the zip.
 * A reducer like session.ts: events of a job that was cancelled are dropped.
 */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobResult {
  name: string;
  url: string;
  bytes: number;
  blob: Blob;
}

export interface Job {
  id: number;
  /** Path inside a dropped folder, or the file name. */
  name: string;
  file: File;
  status: JobStatus;
  progress: { done: number; total: number };
  sigma?: number;
  /** The model that ran it (the queue picks one per photo until the user picks one). */
  model?: string;
  result?: JobResult;
  error?: string;
}

export type BatchAction =
  | { type: 'add'; jobs: { id: number; name: string; file: File }[] }
  | { type: 'start'; id: number; sigma: number; model: string }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'failed'; id: number; message: string }
  | { type: 'requeue'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'cancel-all' }
  | { type: 'clear' };

const update = (jobs: Job[], id: number, change: (job: Job) => Job | null): Job[] =>
  jobs.map((job) => (job.id === id ? (change(job) ?? job) : job));

const active = (job: Job) => job.status === 'queued' || job.status === 'running';

export function batchReducer(jobs: Job[], action: BatchAction): Job[] {
  switch (action.type) {
    case 'add':
      return [...jobs, ...action.jobs.map((j) => ({ ...j, status: 'queued' as const, progress: { done: 0, total: 0 } }))];
    case 'start':
      return update(jobs, action.id, (job) => (job.status === 'queued' ? { ...job, status: 'running', sigma: action.sigma, model: action.model } : null));
    case 'progress':
      return update(jobs, action.id, (job) => (job.status === 'running' ? { ...job, progress: { done: action.done, total: action.total } } : null));
    case 'done':
      return update(jobs, action.id, (job) => (job.status === 'running' ? { ...job, status: 'done', result: action.result } : null));
    case 'failed':
      return update(jobs, action.id, (job) => (active(job) ? { ...job, status: 'failed', error: action.message } : null));
    case 'requeue': // its engine closed under it (another model was picked): it runs again
      return update(jobs, action.id, (job) =>
        job.status === 'running' ? { ...job, status: 'queued', progress: { done: 0, total: 0 }, sigma: undefined, model: undefined } : null,
      );
    case 'cancel':
      return update(jobs, action.id, (job) => (active(job) ? { ...job, status: 'cancelled', progress: { done: 0, total: 0 } } : null));
    case 'cancel-all':
      return jobs.map((job) => (active(job) ? { ...job, status: 'cancelled', progress: { done: 0, total: 0 } } : job));
    case 'clear':
      return [];
  }
}

/** The next job to run, if none runs. */
export const nextJob = (jobs: Job[]): Job | undefined =>
  jobs.some((j) => j.status === 'running') ? undefined : jobs.find((j) => j.status === 'queued');

/** Names for the zip: a name used twice gets " (2)", " (3)" before its extension. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : name.replace(/(\.[^./]+)?$/, (ext) => ` (${count})${ext}`);
  });
}
