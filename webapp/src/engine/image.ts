/** Decoding user files to pixels and encoding results, with clear errors. */

export const MAX_PIXELS = 100_000_000;

export class ImageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageInputError';
  }
}

/** Decode a file or blob (EXIF orientation applied) to RGBA pixels. */
export async function decodeImage(blob: Blob): Promise<ImageData> {
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new ImageInputError(`This file is not an image (${blob.type}). Choose a JPEG, PNG, WebP or AVIF photo.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new ImageInputError('This file could not be decoded: it is corrupt or in a format this browser cannot read.');
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) {
      throw new ImageInputError(
        `This image is ${((bitmap.width * bitmap.height) / 1e6).toFixed(0)} MP; the limit is ${MAX_PIXELS / 1e6} MP.`,
      );
    }
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { colorSpace: 'srgb' });
    if (!context) throw new ImageInputError('This browser cannot give the image pixels (no 2D canvas).');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

export async function encodePng(image: ImageData): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** "photo.jpg" -> "photo-denoised.png". */
export function resultName(fileName: string): string {
  const stem = fileName.replace(/\.[^./\\]+$/, '') || 'image';
  return `${stem}-denoised.png`;
}
