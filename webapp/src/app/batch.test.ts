import { describe, expect, it } from 'vitest';
import { batchReducer, nextJob, uniqueNames, type Job } from './batch';

const file = (name: string) => new File([new Uint8Array(1)], name);
const added = (...names: string[]): Job[] =>
  batchReducer([], { type: 'add', jobs: names.map((name, i) => ({ id: i + 1, name, file: file(name) })) });
const result = { name: 'a-denoised.jpg', url: 'blob:a', bytes: 3, blob: new Blob() };

describe('the photo queue', () => {
  it('runs one photo at a time, in order, each at its own strength and model', () => {
    let jobs = added('a.jpg', 'b.jpg');
    expect(nextJob(jobs)?.id).toBe(1);
    jobs = batchReducer(jobs, { type: 'start', id: 1, sigma: 9, model: 'photo' });
    expect(nextJob(jobs)).toBeUndefined();
    jobs = batchReducer(jobs, { type: 'progress', id: 1, done: 1, total: 2 });
    jobs = batchReducer(jobs, { type: 'done', id: 1, result });
    expect(jobs[0]).toMatchObject({ status: 'done', sigma: 9, model: 'photo', result }); // the row names its model
    expect(nextJob(jobs)?.id).toBe(2);
  });

  it('cancels one (queued or running) or all; late events of a cancelled job are dropped', () => {
    let jobs = batchReducer(added('a', 'b', 'c'), { type: 'start', id: 1, sigma: 5, model: 'photo' });
    jobs = batchReducer(jobs, { type: 'cancel', id: 2 });
    expect(jobs.map((j) => j.status)).toEqual(['running', 'cancelled', 'queued']);
    jobs = batchReducer(jobs, { type: 'cancel', id: 1 });
    jobs = batchReducer(jobs, { type: 'done', id: 1, result });
    jobs = batchReducer(jobs, { type: 'progress', id: 1, done: 2, total: 2 });
    expect(jobs[0]).toMatchObject({ status: 'cancelled', progress: { done: 0, total: 0 } });
    expect(jobs[0].result).toBeUndefined();
    jobs = batchReducer(jobs, { type: 'cancel-all' });
    expect(jobs.map((j) => j.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(nextJob(jobs)).toBeUndefined();
  });

  it('a photo whose engine closed under it (another model picked) runs again, first', () => {
    let jobs = batchReducer(added('a', 'b'), { type: 'start', id: 1, sigma: 7, model: 'photo' });
    jobs = batchReducer(jobs, { type: 'progress', id: 1, done: 1, total: 4 });
    jobs = batchReducer(jobs, { type: 'requeue', id: 1 });
    expect(jobs[0]).toMatchObject({ status: 'queued', progress: { done: 0, total: 0 }, sigma: undefined, model: undefined });
    expect(nextJob(jobs)?.id).toBe(1);
    jobs = batchReducer(jobs, { type: 'cancel', id: 2 });
    expect(batchReducer(jobs, { type: 'requeue', id: 2 })[1].status).toBe('cancelled'); // only a running photo
  });

  it('a failed photo does not stop the others', () => {
    let jobs = batchReducer(added('bad.svg', 'ok.png'), { type: 'failed', id: 1, message: 'This is an SVG drawing' });
    expect(jobs[0]).toMatchObject({ status: 'failed', error: 'This is an SVG drawing' });
    expect(nextJob(jobs)?.id).toBe(2);
    jobs = batchReducer(jobs, { type: 'clear' });
    expect(jobs).toEqual([]);
  });

  it('gives names used twice a number in the zip', () => {
    expect(uniqueNames(['a.jpg', 'b.jpg', 'a.jpg', 'a.jpg', 'x'])).toEqual(['a.jpg', 'b.jpg', 'a (2).jpg', 'a (3).jpg', 'x']);
  });
});
