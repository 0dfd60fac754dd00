// One network, three CPU runtimes (bench/runtimes.py drives this page through Playwright).
//
// window.rt.load({runtime, url, threads}) loads one runtime and one model:
//   'tfjs'   TF.js 4.22, WASM backend (XNNPACK, SIMD, threads): a graph model (model.json)
//   'litert' LiteRT.js (@litertjs/core), its threaded WASM build (XNNPack): a .tflite file
//   'ort'    onnxruntime-web, WASM execution provider: an .onnx file
// window.rt.setInput(b64, shape) keeps one float32 NHWC input; window.rt.run(keep) runs
// it once and times input array -> output array (what an engine does per tile);
// window.rt.heapBytes() is the size of the WASM memories the runtime created (a WASM
// memory never shrinks, so this is the peak of the runtime's heap so far).

const node = '/node_modules';

// Every WebAssembly.Memory made on this page, from its constructor (threaded builds make
// their shared memory in JS) or from a module's exports (builds that define their own).
const memories = new Set();
const NativeMemory = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(NativeMemory, {
  construct(target, args) {
    const memory = new target(...args);
    memories.add(memory);
    return memory;
  },
});
const noteExports = (result) => {
  const instance = result.instance ?? result;
  for (const value of Object.values(instance.exports ?? {})) {
    if (value instanceof NativeMemory) memories.add(value);
  }
  return result;
};
for (const name of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = (...args) => original.apply(WebAssembly, args).then(noteExports);
}

const fromBase64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const toBase64 = (bytes) => {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(text);
};
const addScript = (src) =>
  new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });

let runner = null; // { name, threads, run(Float32Array, shape) -> Promise<Float32Array> }
let input = null; // { data: Float32Array, shape: number[] }

async function loadTfjs(url, threads) {
  // tfjs-backend-wasm sizes its pool as min(threads, hardwareConcurrency / 2): report
  // twice the wanted count, as the engine does (webapp/src/engine/backend.ts).
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  await addScript(`${node}/@tensorflow/tfjs-core/dist/tf-core.min.js`);
  await addScript(`${node}/@tensorflow/tfjs-converter/dist/tf-converter.min.js`);
  await addScript(`${node}/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js`);
  const tf = window.tf;
  tf.wasm.setWasmPaths(`${node}/@tensorflow/tfjs-backend-wasm/dist/`);
  tf.wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: the wasm backend did not start');
  await tf.ready();
  const model = await tf.loadGraphModel(url);
  return {
    name: `TF.js ${tf.version_core} wasm`,
    threads: tf.wasm.getThreadsCount(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    async run(data, shape) {
      const output = tf.tidy(() => model.execute(tf.tensor4d(data, shape)));
      try {
        return await output.data();
      } finally {
        output.dispose();
      }
    },
  };
}

let litert = null;
async function loadLitert(url, threads) {
  // LiteRT.js wants static shapes: the bench loads one .tflite per tile into one runtime.
  if (!litert) {
    litert = await import(`${node}/@litertjs/core/dist/index.js`);
    await litert.loadLiteRt(`${node}/@litertjs/core/wasm/`, { threads: threads > 1 });
  }
  runner?.delete?.();
  const relaxedSimd = await litert.supportsFeature('relaxedSimd');
  const model = await litert.loadAndCompile(url, { accelerator: 'wasm', cpuOptions: { numThreads: threads } });
  return {
    delete: () => model.delete(),
    name: 'LiteRT.js wasm (XNNPack)',
    threads,
    simd: true,
    relaxedSimd,
    async run(data, shape) {
      const tensor = new litert.Tensor(data, shape);
      let outputs;
      try {
        outputs = await model.run([tensor]);
        return outputs[0].toTypedArray().slice();
      } finally {
        tensor.delete();
        for (const output of outputs ?? []) output.delete();
      }
    },
  };
}

async function loadOrt(url, threads) {
  const ort = await import(`${node}/onnxruntime-web/dist/ort.wasm.min.mjs`);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = `${node}/onnxruntime-web/dist/`;
  const session = await ort.InferenceSession.create(url, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    name: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm`.replace('  ', ' '),
    threads: ort.env.wasm.numThreads,
    simd: true,
    async run(data, shape) {
      const tensor = new ort.Tensor('float32', data, shape);
      const results = await session.run({ [inputName]: tensor });
      const output = results[outputName];
      try {
        return output.data.slice();
      } finally {
        output.dispose?.();
        tensor.dispose?.();
      }
    },
  };
}

const LOADERS = { tfjs: loadTfjs, litert: loadLitert, ort: loadOrt };

window.rt = {
  async load({ runtime, url, threads }) {
    const start = performance.now();
    runner = await LOADERS[runtime](url, threads);
    return {
      name: runner.name,
      threads: runner.threads,
      simd: runner.simd,
      relaxedSimd: runner.relaxedSimd ?? null,
      loadMs: performance.now() - start,
      isolated: self.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    };
  },
  setInput(b64, shape) {
    input = { data: new Float32Array(fromBase64(b64).buffer), shape };
    return input.data.length;
  },
  async run(keep = false) {
    const start = performance.now();
    const output = await runner.run(input.data, input.shape);
    const ms = performance.now() - start;
    return { ms, length: output.length, pixels: keep ? toBase64(new Uint8Array(output.buffer, output.byteOffset, output.byteLength)) : null };
  },
  heapBytes() {
    let bytes = 0;
    for (const memory of memories) bytes += memory.buffer.byteLength;
    return bytes;
  },
};
window.rtReady = true;
