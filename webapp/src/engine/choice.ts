/**
 * Which model runs an image when nobody named one: models/index.json's default, or its
 * white-noise model where the image's noise reads white. One rule for the page and the
 * widget; training/strength.py `page_model` mirrors it.
 */
import { readsWhite, type SigmaEstimate } from './sigma';

/** What models/index.json says the page starts with: its default, and the white-noise
 * model to run instead where an image's noise reads white (absent: none). */
export interface IndexChoice {
  default: string;
  white_noise?: string;
}

/** The model for this image when the user has not picked one: the index's white-noise
 * model where the noise reads white (a camera-noise model is 0.4-1.0 dB behind a white-noise
 * one on CBSD68's white noise and 4 dB on saturated colours: docs/real-noise.md), else
 * its default. Mirrors training/strength.py `page_model`. */
export function modelForImage(estimate: SigmaEstimate, index: IndexChoice): string {
  return index.white_noise && readsWhite(estimate) ? index.white_noise : index.default;
}
