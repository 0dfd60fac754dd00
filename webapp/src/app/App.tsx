/** The page: renders engine state; the engine (worker + TF.js) does the work. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { CancelledError, Denoiser } from '../engine/client';
import { Compare } from './Compare';
import { decodeImage, encodePng, resultName } from '../engine/image';
import type { BackendName } from '../engine/protocol';
import { autoStrength, estimateSigma, type SigmaEstimate } from '../engine/sigma';

interface ModelEntry {
  name: string;
  /** What it was trained on: 'photo' (camera and phone noise) or 'gaussian' (white noise). */
  noise?: string;
  path: string;
  bytes: number;
  macs_per_pixel: number;
  psnr_cbsd68_sigma25: number | null;
}

type Status = 'loading' | 'ready' | 'running' | 'failed';

const base = new URL('.', document.baseURI);
const query = new URLSearchParams(location.search);
/** ?backend=wasm and ?threads=N force the engine's choice (tests, benchmarks). */
const forcedBackend = (query.get('backend') ?? undefined) as BackendName | undefined;
const forcedThreads = query.has('threads') ? Number(query.get('threads')) : undefined;
/** ?tile=N forces the tile size; ?model=NAME picks the starting model (otherwise the
 * one index.json names as the default). */
const forcedTile = query.has('tile') ? Number(query.get('tile')) : undefined;
const startModel = query.get('model');
const loseContextAfterTiles = query.has('lose-context-after') ? Number(query.get('lose-context-after')) : undefined;

function revoke(url: string | undefined): void {
  if (url) URL.revokeObjectURL(url);
}

export function App() {
  const [models, setModels] = useState<ModelEntry[]>([]);
  const [modelName, setModelName] = useState<string | null>(startModel);
  const [denoiser, setDenoiser] = useState<Denoiser | null>(null);
  const [status, setStatus] = useState<Status>('loading');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [source, setSource] = useState<{ name: string; image: ImageData; url: string } | null>(null);
  /** The image's noise estimate; the strength follows the model's calibration of it
   * until the user moves the slider (chosenSigma). */
  const [estimate, setEstimate] = useState<SigmaEstimate | null>(null);
  const [chosenSigma, setChosenSigma] = useState<number | null>(null);
  const [progress, setProgress] = useState({ done: 0, total: 0, etaMs: 0 });
  const [result, setResult] = useState<{ url: string; name: string; ms: number; tensors: number } | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    fetch(new URL('models/index.json', base))
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`models/index.json: HTTP ${r.status}`))))
      .then((index: { models: ModelEntry[]; default?: string }) => {
        setModels(index.models);
        setModelName((name) => name ?? index.default ?? index.models[0]?.name ?? 'default');
      })
      .catch((e: Error) => setError(`Could not list the models: ${e.message}`));
  }, []);

  useEffect(() => {
    if (modelName === null) return; // waiting for index.json to name the default
    let alive = true;
    let created: Denoiser | null = null;
    setStatus('loading');
    setDenoiser(null);
    Denoiser.create({
      modelUrl: new URL(`models/${modelName}/`, base).href,
      wasmBase: new URL('wasm/', base).href,
      backend: forcedBackend,
      threads: forcedThreads,
      loseContextAfterTiles,
    })
      .then((d) => {
        created = d;
        if (!alive) return d.dispose();
        d.onBackendChange = (_backend, reason) => setNotice(`The graphics backend failed mid-image: ${reason}.`);
        setDenoiser(d);
        setStatus('ready');
      })
      .catch((e: Error) => {
        if (!alive) return;
        setStatus('failed');
        setError(`The denoiser could not start: ${e.message}`);
      });
    return () => {
      alive = false;
      created?.dispose();
    };
  }, [modelName]);

  const chooseFile = useCallback(async (file: File | undefined) => {
    if (!file) return;
    setError('');
    setResult(null);
    try {
      const image = await decodeImage(file);
      // The file itself is the "before" picture (the <img> applies EXIF orientation
      // too): re-encoding a 24 MP image just to show it would cost seconds and memory.
      setSource({ name: file.name, image, url: URL.createObjectURL(file) });
      setEstimate(estimateSigma(image.data, image.width, image.height));
      setChosenSigma(null);
    } catch (e) {
      setSource(null);
      setError((e as Error).message);
    }
  }, []);

  // Each object URL lives as long as the picture that shows it.
  const sourceUrl = source?.url;
  const resultUrl = result?.url;
  useEffect(() => () => revoke(sourceUrl), [sourceUrl]);
  useEffect(() => () => revoke(resultUrl), [resultUrl]);

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (file) void chooseFile(file);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [chooseFile]);

  const autoSigma = estimate && denoiser ? autoStrength(estimate, denoiser.card) : null;
  const sigma = chosenSigma ?? autoSigma ?? 15;

  const run = async () => {
    if (!denoiser || !source) return;
    setError('');
    setResult(null);
    setStatus('running');
    setProgress({ done: 0, total: 0, etaMs: 0 });
    abort.current = new AbortController();
    try {
      const out = await denoiser.denoise(source.image, {
        sigma,
        tileSize: forcedTile,
        signal: abort.current.signal,
        onProgress: (done, total, elapsedMs) => setProgress({ done, total, etaMs: (elapsedMs / done) * (total - done) }),
      });
      const png = await encodePng(out.image);
      setResult({ url: URL.createObjectURL(png), name: resultName(source.name), ms: out.elapsedMs, tensors: out.numTensors });
    } catch (e) {
      if (!(e instanceof CancelledError)) setError(`Denoising failed: ${(e as Error).message}`);
    } finally {
      setStatus('ready');
    }
  };

  return (
    <main>
      <h1>Denoise a photo, on your device</h1>
      <p className="privacy">Your image never leaves this device: it is processed here, in your browser.</p>

      <section className="controls">
        <label
          className="drop"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void chooseFile(e.dataTransfer.files[0]);
          }}
        >
          Choose, drop or paste an image
          <input data-testid="file-input" type="file" accept="image/*" onChange={(e) => void chooseFile(e.target.files?.[0])} />
        </label>

        <label>
          Model{' '}
          <select data-testid="model" value={modelName ?? ''} onChange={(e) => setModelName(e.target.value)} disabled={status === 'running'}>
            {models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}: {m.noise === 'photo' ? 'camera and phone photos' : 'white noise'} ({(m.bytes / 1e6).toFixed(1)} MB)
              </option>
            ))}
          </select>
        </label>

        <label>
          Strength (σ {sigma}
          {chosenSigma === null && autoSigma !== null ? ', auto' : ''}){' '}
          <input
            data-testid="strength"
            type="range"
            min={0}
            max={75}
            value={sigma}
            data-auto={autoSigma ?? ''}
            onChange={(e) => setChosenSigma(Number(e.target.value))}
          />
        </label>

        <button data-testid="denoise" onClick={() => void run()} disabled={!denoiser || !source || status !== 'ready'}>
          Denoise
        </button>
        <button data-testid="cancel" onClick={() => abort.current?.abort()} disabled={status !== 'running'}>
          Cancel
        </button>
      </section>

      <p className="status">
        <progress data-testid="progress" max={progress.total || 1} value={progress.done} aria-label="Progress" />{' '}
        {status === 'running' && progress.total > 0 && (
          <span data-testid="eta">
            {progress.done}/{progress.total} tiles, about {Math.ceil(progress.etaMs / 1000)} s left{' '}
          </span>
        )}
        <span data-testid="backend" data-backend={denoiser?.backend ?? ''} data-threads={denoiser?.threads ?? 0}>
          {status === 'loading'
            ? 'Loading the model and warming up…'
            : denoiser
              ? `Running on ${denoiser.backend}${denoiser.backend === 'wasm' ? ` (${denoiser.threads} thread${denoiser.threads > 1 ? 's' : ''})` : ''}`
              : ''}
        </span>{' '}
        {result && (
          <span data-testid="time" data-tensors={result.tensors} data-baseline={denoiser?.baselineTensors}>
            {(result.ms / 1000).toFixed(1)} s
          </span>
        )}
      </p>

      {notice && (
        <p data-testid="notice" role="status">
          {notice}
        </p>
      )}
      <div role="alert" data-testid="error" className="error">
        {error}
      </div>

      {source && <Compare before={source.url} after={result?.url ?? null} width={source.image.width} />}
      {result && (
        <p>
          <a data-testid="download" href={result.url} download={result.name}>
            Download {result.name}
          </a>
        </p>
      )}
    </main>
  );
}
