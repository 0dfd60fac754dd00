/** The page: renders the session state (session.ts); the engine (worker + TF.js) does the work. */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { CancelledError, Denoiser } from '../engine/client';
import { backendLabel } from '../engine/protocol';
import { Compare } from './Compare';
import { Preview } from './Preview';
import { Batch, type QueueModels } from './Batch';
import { batchReducer } from './batch';
import { chosenFiles, droppedFiles, type Named } from './dropped';
import { crop, inner, noisiestFlatCentre, previewContext, previewRegion } from './preview';
import { decodeImage, defaultFormat, DEFAULT_QUALITY, OUTPUT_FORMATS, type OutputFormat } from '../engine/image';
import { encodeResult } from './output';
import { autoStrength, estimateSigma, needsLevel, strengthTop, withinRange } from '../engine/sigma';
import type { PassesSetting } from '../engine/passes';
import { parseOptions, startingModel } from './options';
import { modelForImage, type IndexChoice } from '../engine/choice';
import { canStart, initialState, isRunning, reducer, type Picture } from './session';

interface ModelEntry {
  name: string;
  /** What it was trained on: 'photo' (camera and phone noise) or 'gaussian' (white noise). */
  noise?: string;
  path: string;
  bytes: number;
  macs_per_pixel: number;
  psnr_cbsd68_sigma25: number | null;
}

type EngineStatus = 'loading' | 'ready' | 'failed';

const base = new URL('.', document.baseURI);
/** ?backend, ?threads, ?tile and ?model (checked; see options.ts), and test hooks. */
const options = parseOptions(location.search);

function revoke(url: string | undefined): void {
  if (url) URL.revokeObjectURL(url);
}

/** On 'litert-wasm', where the tiles really ran: small photos and tiles no .tflite fits
 * run on TF.js WASM underneath, and the label should not claim otherwise. */
function ranOn(backend: string, out: { tiles: number; liteRtTiles: number }): string {
  if (backend !== 'litert-wasm' || out.liteRtTiles === out.tiles) return '';
  if (out.liteRtTiles === 0) return 'this photo ran on TF.js WASM';
  return `${out.tiles - out.liteRtTiles} of ${out.tiles} tiles ran on TF.js WASM`;
}

/** Why the page runs its white-noise model for an image (`noise`: whose noise). */
const whiteNoiseReason = (noise: string, model: string) =>
  `${noise} is white (the same at two scales), as added noise is and a camera's is not, so ${model}, the model for white noise, runs. Pick a model to choose yourself.`;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;

export function App() {
  const [models, setModels] = useState<ModelEntry[]>([]);
  const [modelName, setModelName] = useState<string | null>(null);
  /** The index's default and white-noise model; `picked`: the user chose a model (the menu
   * or ?model=), which the page then never changes by itself. */
  const index = useRef<IndexChoice | null>(null);
  const picked = useRef(false);
  /** Why the page runs another model than its default for this image (null: it does not). */
  const [modelReason, setModelReason] = useState<string | null>(null);
  const [engineDenoiser, setDenoiser] = useState<Denoiser | null>(null);
  // The engine of the model asked for: while another model's engine is still up (the page
  // just switched models for a new image), nothing may run on it.
  const denoiser = engineDenoiser && engineDenoiser.card.name === modelName ? engineDenoiser : null;
  const [engine, setEngine] = useState<EngineStatus>('loading');
  const [engineError, setEngineError] = useState('');
  const [warnings, setWarnings] = useState<string[]>(options.problems);
  const [notice, setNotice] = useState('');
  const [state, dispatch] = useReducer(reducer, initialState);
  const [jobs, batchDispatch] = useReducer(batchReducer, []);
  /** A queue is waiting or running (read by the pick callback, which outlives renders). */
  const queueBusy = useRef(false);
  queueBusy.current = jobs.some((j) => j.status === 'queued' || j.status === 'running');
  /** The photo view is denoising on the engine: the queue may not change the model now. */
  const viewRunning = useRef(false);
  viewRunning.current = isRunning(state);
  /** Each queued photo runs on the model for its noise until the user picks one (the same
   * rule as a photo dropped alone), loaded between photos. */
  const queueModels = useMemo<QueueModels>(
    () => ({
      modelFor: (estimate) => (picked.current || !index.current ? null : modelForImage(estimate, index.current)),
      switchTo: (model, file) => {
        if (viewRunning.current) return false;
        setModelName(model);
        setModelReason(model === index.current?.default ? null : whiteNoiseReason(`The noise of ${file}, in the queue,`, model));
        return true;
      },
    }),
    [],
  );
  const jobIds = useRef(0);
  /** Output settings: null format follows the input's kind. */
  const [format, setFormat] = useState<OutputFormat | null>(null);
  const [quality, setQuality] = useState(DEFAULT_QUALITY);
  const [keepGps, setKeepGps] = useState(false);
  /** Flipped copies averaged (passes.ts): 'auto' lets the engine fit them to the photo's size. */
  const [passesSetting, setPassesSetting] = useState<PassesSetting>('auto');
  const picks = useRef(0);
  const runs = useRef(0);
  const abort = useRef<AbortController | null>(null);
  const resultImage = useRef<ImageData | null>(null);
  /** Preview centre (image pixels) the user clicked for the current pick; null: the picture's own. */
  const [previewAt, setPreviewAt] = useState<{ pick: number; x: number; y: number } | null>(null);
  /** The preview shown: `base` names its pick, strength, spot and model; `key` adds its passes. */
  const [preview, setPreview] = useState<{ pick: number; key: string; base: string; sigma: number; passes: number; image: ImageData } | null>(
    null,
  );
  /** The preview job in flight (one at a time), and how to let it go. */
  const previewJob = useRef<{ base: string; passes: number; stop: AbortController } | null>(null);
  const [previewTick, setPreviewTick] = useState(0);

  useEffect(() => {
    fetch(new URL('models/index.json', base))
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`models/index.json: HTTP ${r.status}`))))
      .then((listed: { models: ModelEntry[]; default?: string; white_noise?: string }) => {
        const names = listed.models.map((m) => m.name);
        index.current = { default: listed.default ?? names[0] ?? 'default', white_noise: listed.white_noise };
        const start = startingModel(options.model, names, index.current.default);
        if (start.problem) setWarnings((w) => [...w, start.problem!]);
        picked.current = options.model !== undefined && !start.problem;
        setModels(listed.models);
        setModelName(start.model);
      })
      .catch((e: Error) => setEngineError(`Could not list the models: ${e.message}`));
  }, []);

  useEffect(() => {
    if (modelName === null) return; // waiting for index.json to name the default
    let alive = true;
    let created: Denoiser | null = null;
    setEngine('loading');
    setDenoiser(null);
    Denoiser.create({
      modelUrl: new URL(`models/${modelName}/`, base).href,
      wasmBase: new URL('wasm/', base).href,
      backend: options.backend,
      threads: options.threads,
      loseContextAfterTiles: options.loseContextAfterTiles,
      crashAfterTiles: options.crashAfterTiles,
      failLiteRtAfterTiles: options.failLiteRtAfterTiles,
      allowSoftwareGpu: options.allowSoftwareGpu,
      gpuProbeOffset: options.gpuProbeOffset,
    })
      .then((d) => {
        created = d;
        if (!alive) return d.dispose();
        d.onBackendChange = (_backend, reason) => setNotice(`The backend failed mid-image: ${reason}.`);
        setDenoiser(d);
        setEngine('ready');
      })
      .catch((e: Error) => {
        if (!alive) return;
        setEngine('failed');
        setEngineError(`The denoiser could not start: ${e.message}`);
      });
    return () => {
      alive = false;
      created?.dispose();
    };
  }, [modelName]);

  const chooseFile = useCallback(async (file: File | undefined) => {
    if (!file) return;
    abort.current?.abort(); // a new picture ends the run of the old one
    const pick = ++picks.current;
    dispatch({ type: 'pick', pick });
    try {
      const image = await decodeImage(file);
      // The file itself is the "before" picture (the <img> applies EXIF orientation
      // too): re-encoding a 24 MP image just to show it would cost seconds and memory.
      const picture: Picture = {
        name: file.name,
        type: file.type,
        image,
        url: URL.createObjectURL(file),
        estimate: estimateSigma(image.data, image.width, image.height),
        previewCentre: noisiestFlatCentre(image),
        file,
      };
      if (pick !== picks.current) return revoke(picture.url); // a later pick won
      if (!picked.current && index.current && !queueBusy.current) {
        // Nobody picked a model: white noise (added, never a camera's) gets the
        // white-noise model, any other image the default (engine/choice.ts). Not while
        // a queue runs: it runs on the engine of the model in use.
        const model = modelForImage(picture.estimate, index.current);
        setModelName(model);
        setModelReason(model === index.current.default ? null : whiteNoiseReason("This image's noise", model));
      }
      dispatch({ type: 'decoded', pick, picture });
    } catch (e) {
      dispatch({ type: 'decode-failed', pick, message: (e as Error).message });
    }
  }, []);

  /** One file: the photo view; several (or a folder): the queue. */
  const chooseFiles = useCallback(
    (named: Named[]) => {
      if (named.length === 1) return void chooseFile(named[0].file);
      if (named.length === 0) return;
      batchDispatch({ type: 'add', jobs: named.map(({ file, name }) => ({ id: ++jobIds.current, name, file })) });
    },
    [chooseFile],
  );

  // Each object URL lives as long as the picture that shows it.
  const sourceUrl = state.picture?.url;
  const resultUrl = state.result?.url;
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

  const picture = state.picture;
  // The learned noise level of this pick for this model (camera noise only), read by
  // the engine in a fraction of a second; until then there is no auto strength.
  const [level, setLevel] = useState<{ pick: number; model: string; level: number | null } | null>(null);
  useEffect(() => {
    if (!denoiser || !picture || !needsLevel(picture.estimate, denoiser.card)) return;
    const pick = state.pick;
    const model = denoiser.card.name;
    let alive = true;
    denoiser
      .level(picture.image)
      .catch(() => null) // the hand-made estimate's calibration stands in
      .then((value) => alive && setLevel({ pick, model, level: value }));
    return () => {
      alive = false;
    };
  }, [denoiser, picture]);
  const levelRead = level && level.pick === state.pick && level.model === denoiser?.card.name ? level : null;
  const waitingForLevel = Boolean(picture && denoiser && needsLevel(picture.estimate, denoiser.card) && !levelRead);
  const autoSigma =
    picture && denoiser && !waitingForLevel ? autoStrength({ ...picture.estimate, level: levelRead?.level }, denoiser.card) : null;
  // A strength chosen on another model stays within this one's range.
  const sigma = withinRange(state.chosenSigma ?? autoSigma ?? 15, denoiser?.card);
  const strengthKnown = state.chosenSigma !== null || autoSigma !== null;
  const outputFormat = format ?? defaultFormat(picture?.type ?? '');
  // The passes the full run will make; the preview makes the same, so it shows the result.
  const autoPassCount = picture && denoiser ? denoiser.passesFor(picture.image) : null;
  const passes = picture && denoiser ? denoiser.passesFor(picture.image, passesSetting) : 1;

  // The preview region of this pick and strength; one preview at a time, the latest wins.
  // The crop's true context, and the engine's mirror padding around it: the same width.
  const previewHalo = denoiser ? previewContext(denoiser.card.halo, denoiser.card.size_multiple) : 0;
  const region =
    picture && denoiser
      ? previewRegion(
          picture.image.width,
          picture.image.height,
          previewAt?.pick === state.pick ? previewAt.x : picture.previewCentre.x,
          previewAt?.pick === state.pick ? previewAt.y : picture.previewCentre.y,
          previewHalo,
          denoiser.card.size_multiple,
        )
      : null;
  const previewBase = region ? `${state.pick}:${sigma}:${region.x}:${region.y}:${denoiser?.card.name}` : '';
  const previewKey = `${previewBase}:${passes}`;
  const previewBeforeKey = region ? `${state.pick}:${region.x}:${region.y}` : '';
  const previewBefore = useMemo(
    () => (region && picture ? crop(picture.image, region.x, region.y, region.width, region.height) : null),
    [previewBeforeKey, picture], // the region's key says when it moved
  );
  const previewShown = preview && preview.pick === state.pick ? preview : null;
  // A new strength or spot first gets a one-pass draft (a fraction of a second on a CPU),
  // then the full run's passes replace it (eight take ~8x as long). A job that no longer
  // fits what is asked stops before its next pass, keeping the model warm; a full run
  // starting stops it too, so the run does not wait for a preview.
  useEffect(() => {
    const wanted = Boolean(denoiser && picture && region && strengthKnown && !isRunning(state) && preview?.key !== previewKey);
    const job = previewJob.current;
    if (job) {
      if (!wanted || job.base !== previewBase || (job.passes !== 1 && job.passes !== passes)) job.stop.abort();
      return;
    }
    if (!wanted || !denoiser || !picture || !region) return;
    const pick = state.pick;
    const base = previewBase;
    const jobPasses = passes > 1 && preview?.base !== base ? 1 : passes;
    const timer = setTimeout(() => {
      const stop = new AbortController();
      previewJob.current = { base, passes: jobPasses, stop };
      const { outer } = region;
      const options = { sigma, tileSize: 1024, halo: previewHalo, passes: jobPasses, signal: stop.signal, abortBetweenRuns: true };
      denoiser
        .denoise(crop(picture.image, outer.x, outer.y, outer.width, outer.height), options)
        .then((out) => {
          if (pick === picks.current) setPreview({ pick, key: `${base}:${jobPasses}`, base, sigma, passes: jobPasses, image: inner(out.image, region) });
        })
        .catch(() => {}) // let go, or a cancelled full run restarted the engine: the next tick tries again
        .finally(() => {
          previewJob.current = null;
          setPreviewTick((t) => t + 1);
        });
    }, 120); // slider moves coalesce
    return () => clearTimeout(timer);
  }, [denoiser, previewKey, state.phase, previewTick]);

  const run = async () => {
    if (!denoiser || !picture || !canStart(state) || !strengthKnown) return;
    const id = ++runs.current;
    dispatch({ type: 'start', run: id });
    const controller = new AbortController();
    abort.current = controller;
    try {
      const out = await denoiser.denoise(picture.image, {
        sigma,
        tileSize: options.tile,
        passes,
        signal: controller.signal,
        onProgress: (done, total, elapsedMs) =>
          dispatch({ type: 'progress', run: id, progress: { done, total, etaMs: (elapsedMs / done) * (total - done) } }),
      });
      resultImage.current = out.image;
      const encoded = await encodeResult(out.image, picture, outputFormat, quality, keepGps);
      dispatch({ type: 'finished', run: id, result: { ...encoded, ms: out.elapsedMs, tensors: out.numTensors, sigma, tile: out.tileSize, passes: out.passes, ranOn: ranOn(denoiser.backend, out) } });
    } catch (e) {
      if (e instanceof CancelledError) dispatch({ type: 'cancelled', run: id });
      else dispatch({ type: 'failed', run: id, message: `Denoising failed: ${(e as Error).message}` });
    }
  };

  const cancel = () => {
    dispatch({ type: 'cancel', run: state.run });
    abort.current?.abort();
  };

  // Another format, quality or GPS choice after the run: encode the same pixels again.
  const doneRun = state.phase === 'done' ? state.run : null;
  useEffect(() => {
    const image = resultImage.current;
    if (doneRun === null || !image || !picture) return;
    let alive = true;
    void encodeResult(image, picture, outputFormat, quality, keepGps).then((encoded) => {
      if (alive) dispatch({ type: 'encoded', run: doneRun, ...encoded });
      else revoke(encoded.url);
    });
    return () => {
      alive = false;
    };
  }, [outputFormat, quality, keepGps]); // only a settings change encodes again

  const running = isRunning(state);
  const { progress, result } = state;
  const error = state.error || engineError;
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
            void droppedFiles(e.dataTransfer).then(chooseFiles);
          }}
        >
          Choose, drop or paste photos (or a folder)
          <input data-testid="file-input" type="file" accept="image/*" multiple onChange={(e) => chooseFiles(chosenFiles(e.target.files))} />
        </label>
        <label className="folder">
          Choose a folder{' '}
          <input
            data-testid="folder-input"
            type="file"
            {...{ webkitdirectory: '' }}
            onChange={(e) => chooseFiles(chosenFiles(e.target.files).filter((n) => n.file.type.startsWith('image/')))}
          />
        </label>

        <label>
          Model{' '}
          <select
            data-testid="model"
            value={modelName ?? ''}
            data-auto={picked.current ? undefined : 'true'}
            onChange={(e) => {
              picked.current = true;
              setModelReason(null);
              setModelName(e.target.value);
            }}
            disabled={running}
          >
            {models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}: {m.noise === 'photo' ? 'camera and phone photos' : 'white noise'} ({(m.bytes / 1e6).toFixed(1)} MB)
              </option>
            ))}
          </select>
        </label>

        <label>
          Strength (σ {sigma}
          {state.chosenSigma === null && autoSigma !== null ? ', auto' : ''}
          {state.chosenSigma === null && waitingForLevel ? ', reading the noise…' : ''}){' '}
          <input
            data-testid="strength"
            type="range"
            min={0}
            max={strengthTop(denoiser?.card)}
            value={sigma}
            data-auto={autoSigma ?? ''}
            onChange={(e) => dispatch({ type: 'strength', sigma: Number(e.target.value) })}
          />
        </label>

        <label title="Each pass denoises a flipped (past 4, also transposed) copy of the photo and the copies are averaged: more passes remove a little more noise and take proportionally longer. Auto runs as many as fit a fixed amount of work (with the photo model: 8 under 0.75 MP, 1 on a 12 MP photo), so no photo takes longer than a 12 MP one at one pass.">
          Passes{' '}
          <select
            data-testid="passes"
            value={String(passesSetting)}
            data-passes={passes}
            onChange={(e) => setPassesSetting(e.target.value === 'auto' ? 'auto' : Number(e.target.value))}
          >
            <option value="auto">Auto{autoPassCount === null ? '' : ` (${autoPassCount} for this photo)`}</option>
            {[1, 2, 4, 8].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>

        <button className="primary" data-testid="denoise" onClick={() => void run()} disabled={!denoiser || !canStart(state) || !strengthKnown}>
          Denoise
        </button>
        <button data-testid="cancel" onClick={cancel} disabled={state.phase !== 'running'}>
          Cancel
        </button>
      </section>

      <section className="controls output" aria-label="Output">
        <label>
          Save as{' '}
          <select
            data-testid="format"
            value={format ?? 'auto'}
            onChange={(e) => setFormat(e.target.value === 'auto' ? null : (e.target.value as OutputFormat))}
          >
            <option value="auto">Same kind as the input ({OUTPUT_FORMATS[defaultFormat(picture?.type ?? '')].label})</option>
            {(Object.keys(OUTPUT_FORMATS) as OutputFormat[]).map((f) => (
              <option key={f} value={f}>
                {OUTPUT_FORMATS[f].label}
              </option>
            ))}
          </select>
        </label>
        {outputFormat !== 'png' && (
          <label>
            Quality {quality}{' '}
            <input data-testid="quality" type="range" min={50} max={100} value={quality} onChange={(e) => setQuality(Number(e.target.value))} />
          </label>
        )}
        {outputFormat === 'jpeg' && (
          <label title="JPEG photos keep their EXIF data (date, camera) and colour profile; the position is removed unless you keep it.">
            <input data-testid="keep-gps" type="checkbox" checked={keepGps} onChange={(e) => setKeepGps(e.target.checked)} /> Keep the GPS
            position
          </label>
        )}
      </section>

      <p className="status" data-testid="phase" data-phase={state.phase}>
        <progress
          data-testid="progress"
          className={running ? undefined : 'idle'}
          max={progress.total || 1}
          value={progress.done}
          aria-label="Progress"
        />{' '}
        {state.phase === 'running' && progress.total > 0 && (
          <span data-testid="eta">
            {progress.done}/{progress.total} tiles, about {Math.ceil(progress.etaMs / 1000)} s left{' '}
          </span>
        )}
        {state.phase === 'cancelling' && <span>Cancelling… </span>}
        {state.phase === 'cancelled' && <span>Cancelled. </span>}
        {state.phase === 'decoding' && <span>Reading the image… </span>}
        <span
          data-testid="backend"
          data-backend={denoiser?.backend ?? ''}
          data-threads={denoiser?.threads ?? 0}
          title={denoiser?.skipped.length ? `Passed over: ${denoiser.skipped.join('; ')}` : undefined}
        >
          {engine === 'loading'
            ? 'Loading the model and warming up…'
            : denoiser
              ? `${running ? 'Running' : 'Runs'} on ${backendLabel(denoiser.backend, denoiser.threads)}`
              : ''}
        </span>{' '}
        {result && (
          <span data-testid="time" data-tensors={result.tensors} data-baseline={denoiser?.baselineTensors} data-ran-on={result.ranOn}>
            {(result.ms / 1000).toFixed(1)} s, {result.passes} pass{result.passes > 1 ? 'es' : ''}
            {result.ranOn && ` (${result.ranOn})`}
          </span>
        )}
      </p>

      {warnings.map((w) => (
        <p key={w} data-testid="warning" role="status" className="warning">
          {w}
        </p>
      ))}
      {modelReason && (
        <p data-testid="model-reason" role="status">
          {modelReason}
        </p>
      )}
      {notice && (
        <p data-testid="notice" role="status">
          {notice}
        </p>
      )}
      <div role="alert" data-testid="error" className="error">
        {error}
      </div>

      {jobs.length > 0 && <Batch denoiser={denoiser} jobs={jobs} dispatch={batchDispatch} models={queueModels} />}
      {previewBefore && (
        <Preview
          key={previewBeforeKey}
          before={previewBefore}
          after={previewShown?.image ?? null}
          sigma={previewShown?.sigma ?? null}
          updating={previewShown?.key !== previewKey}
          passes={previewShown?.passes ?? null}
          refiningTo={previewShown?.base === previewBase && previewShown.key !== previewKey ? passes : null}
          x={region!.x}
          y={region!.y}
        />
      )}
      {picture && (
        <Compare
          key={picture.url}
          before={picture.url}
          after={result?.url ?? null}
          width={picture.image.width}
          height={picture.image.height}
          onPick={(x, y) => setPreviewAt({ pick: state.pick, x, y })}
        />
      )}
      {result && (
        <p>
          <a data-testid="download" href={result.url} download={result.name} data-bytes={result.bytes} data-sigma={result.sigma} data-tile={result.tile} data-passes={result.passes}>
            Download {result.name}
          </a>{' '}
          ({megabytes(result.bytes)})
        </p>
      )}
    </main>
  );
}
