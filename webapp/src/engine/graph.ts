/** One tile through the TF.js graph model: the worker's tiles and the GPU probe's test
 * tile both run exactly this, so the probe checks what the image will get. */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';

/** Run `[1, h, w, 4]` on the active backend and read `[1, h, w, 3]` back; every tensor
 * disposed. */
export async function runGraph(model: GraphModel, input: Float32Array, h: number, w: number): Promise<Float32Array> {
  const output = tf.tidy(() => model.execute(tf.tensor4d(input, [1, h, w, 4])) as tf.Tensor);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}
