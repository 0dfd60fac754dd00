// Check bench/peer/einsum.js (the Einsum kernel the UpscalerJS peer needs on WASM)
// against TF.js's own einsum on the CPU backend, and that it leaks no tensor.
//   node scripts/check-einsum.mjs   -> one JSON line: {"cases": [...], "leaked": 0}
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerEinsum } from '../../bench/peer/einsum.js';

// The model's three equations at its shapes' scale, and general cases (batch index,
// output transposed, several contracted indices).
const CASES = [
  ['abcg,gf->abcf', [1, 8, 8, 12], [12, 24]],
  ['abgd,gf->abdf', [1, 4, 6, 5], [6, 7]],
  ['gb,cgef->bcef', [9, 5], [2, 9, 3, 4]],
  ['bij,bjk->bik', [3, 4, 5], [3, 5, 6]],
  ['ij,jk->ki', [4, 5], [5, 3]],
  ['abcd,cde->abe', [2, 3, 4, 5], [4, 5, 6]],
];

const random = (shape, seed) => tf.randomUniform(shape, -1, 1, 'float32', seed);
const values = async (backend, equation, shapeA, shapeB, seed) => {
  await tf.setBackend(backend);
  const a = random(shapeA, seed);
  const b = random(shapeB, seed + 1);
  const out = tf.einsum(equation, a, b);
  const result = { shape: out.shape, data: await out.data() };
  tf.dispose([a, b, out]);
  return result;
};

registerEinsum(tf, 'wasm');
const cases = [];
for (const [index, [equation, shapeA, shapeB]] of CASES.entries()) {
  const expected = await values('cpu', equation, shapeA, shapeB, 10 * index);
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const dataBefore = tf.backend().numDataIds(); // the kernel's temporaries are backend data
  const actual = await values('wasm', equation, shapeA, shapeB, 10 * index);
  let maxError = 0;
  for (let i = 0; i < expected.data.length; i++) maxError = Math.max(maxError, Math.abs(expected.data[i] - actual.data[i]));
  cases.push({ equation, shape: actual.shape, expectedShape: expected.shape, maxError, leaked: tf.memory().numTensors - before, leakedData: tf.backend().numDataIds() - dataBefore });
}
let refused = '';
try {
  await tf.setBackend('wasm');
  tf.einsum('ii,ij->j', tf.ones([2, 2]), tf.ones([2, 3]));
} catch (error) {
  refused = error instanceof Error ? error.message : String(error);
}
console.log(JSON.stringify({ cases, refused }));
