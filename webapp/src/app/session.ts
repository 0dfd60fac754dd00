/**
 * The page's one state machine: file → ready → running → done / cancelled / failed.
 *
 * Why a reducer: every event that can arrive late (a decode, the engine's progress, a
 * result, a cancel) carries the id of the pick or run it belongs to, and is dropped if
 * that pick or run is no longer the current one. So the latest pick always wins, a
 * result never lands beside another image, and a strength the user chose is never
 * overwritten (it belongs to the pick, and only a new pick resets it).
 */
import type { SigmaEstimate } from '../engine/sigma';

export type Phase = 'empty' | 'decoding' | 'ready' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface Picture {
  name: string;
  /** MIME type of the file as the browser reported it ('' if unknown). */
  type: string;
  image: ImageData;
  /** Object URL of the file itself (the "before" picture). */
  url: string;
  estimate: SigmaEstimate;
  /** Where the preview starts: where noise shows most (preview.ts). */
  previewCentre: { x: number; y: number };
  /** The original file, for the metadata an output keeps. */
  file: Blob;
}

export interface Result {
  url: string;
  name: string;
  ms: number;
  tensors: number;
  bytes: number;
  /** The strength it was made with. */
  sigma: number;
  /** The tile side the engine used (px). */
  tile: number;
  /** Flipped copies averaged (passes.ts). */
  passes: number;
  /** Where its tiles ran, when that differs from the backend's name ('' otherwise). */
  ranOn: string;
}

export interface Progress {
  done: number;
  total: number;
  etaMs: number;
}

export interface PageState {
  phase: Phase;
  /** Id of the latest pick: decodes of older picks are ignored. */
  pick: number;
  picture: Picture | null;
  /** The user's strength for this picture; null follows the auto strength. */
  chosenSigma: number | null;
  /** Id of the current run: engine events of older runs are ignored. */
  run: number;
  progress: Progress;
  result: Result | null;
  error: string;
}

export type Action =
  | { type: 'pick'; pick: number }
  | { type: 'decoded'; pick: number; picture: Picture }
  | { type: 'decode-failed'; pick: number; message: string }
  | { type: 'strength'; sigma: number }
  | { type: 'start'; run: number }
  | { type: 'progress'; run: number; progress: Progress }
  | { type: 'cancel'; run: number }
  | { type: 'cancelled'; run: number }
  | { type: 'finished'; run: number; result: Result }
  | { type: 'failed'; run: number; message: string }
  /** The finished result encoded again (another format or quality). */
  | { type: 'encoded'; run: number; url: string; name: string; bytes: number };

const NO_PROGRESS: Progress = { done: 0, total: 0, etaMs: 0 };

export const initialState: PageState = {
  phase: 'empty',
  pick: 0,
  picture: null,
  chosenSigma: null,
  run: 0,
  progress: NO_PROGRESS,
  result: null,
  error: '',
};

/** A run may start from these phases (a picture is loaded and nothing runs). */
export const canStart = (state: PageState): boolean =>
  state.picture !== null && ['ready', 'done', 'cancelled', 'failed'].includes(state.phase);

export const isRunning = (state: PageState): boolean => state.phase === 'running' || state.phase === 'cancelling';

export function reducer(state: PageState, action: Action): PageState {
  switch (action.type) {
    case 'pick':
      // A new pick ends whatever ran (the caller cancels the engine) and owns the page.
      return { ...initialState, phase: 'decoding', pick: action.pick, run: state.run };
    case 'decoded':
      if (action.pick !== state.pick || state.phase !== 'decoding') return state;
      return { ...state, phase: 'ready', picture: action.picture };
    case 'decode-failed':
      if (action.pick !== state.pick) return state;
      return { ...state, phase: 'empty', picture: null, error: action.message };
    case 'strength':
      return { ...state, chosenSigma: action.sigma };
    case 'start':
      if (!canStart(state)) return state;
      return { ...state, phase: 'running', run: action.run, progress: NO_PROGRESS, result: null, error: '' };
    case 'progress':
      if (action.run !== state.run || state.phase !== 'running') return state;
      return { ...state, progress: action.progress };
    case 'cancel':
      if (action.run !== state.run || state.phase !== 'running') return state;
      return { ...state, phase: 'cancelling' };
    case 'cancelled':
      if (action.run !== state.run || !isRunning(state)) return state;
      return { ...state, phase: 'cancelled', progress: NO_PROGRESS };
    case 'finished':
      // Also while cancelling: the last tile ended before the cancel reached the engine.
      if (action.run !== state.run || !isRunning(state)) return state;
      return { ...state, phase: 'done', result: action.result, progress: NO_PROGRESS };
    case 'failed':
      if (action.run !== state.run || !isRunning(state)) return state;
      return { ...state, phase: 'failed', error: action.message, progress: NO_PROGRESS };
    case 'encoded':
      if (action.run !== state.run || state.phase !== 'done' || !state.result) return state;
      return { ...state, result: { ...state.result, url: action.url, name: action.name, bytes: action.bytes } };
  }
}
