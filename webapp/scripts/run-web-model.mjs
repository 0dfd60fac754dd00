// Run a TF.js graph model on one float32 input in Node (pure TF.js: cpu or wasm backend)
// and write the float32 output. Used by the converter's parity tests:
//   node scripts/run-web-model.mjs MODEL_DIR INPUT.f32 N H W C BACKEND OUTPUT.f32
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

const [modelDir, inputPath, n, h, w, c, backend, outputPath] = process.argv.slice(2);
const shape = [n, h, w, c].map(Number);

async function artifacts(dir) {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const shards = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) shards.push(await readFile(join(dir, path)));
  }
  const weights = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}

if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
await tf.ready();
const model = await loadGraphModel(tf.io.fromMemory(await artifacts(modelDir)));
const raw = await readFile(inputPath);
const input = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), shape);
const output = model.execute(input);
const values = await output.data();
await writeFile(outputPath, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
console.log(JSON.stringify({ backend: tf.getBackend(), shape: output.shape }));
