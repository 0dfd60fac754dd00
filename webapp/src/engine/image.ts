/** Decoding user files to pixels and encoding results, with clear errors. */

export const MAX_PIXELS = 100_000_000;

export class ImageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageInputError';
  }
}

/**
 * Width and height from a PNG, JPEG or WebP header, or null for other formats. Read
 * before decoding, so that a 300-megapixel file is refused instead of crashing the tab.
 */
export function headerSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (bytes.length >= 24 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR') {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X') return { width: 1 + (view.getUint32(24, true) & 0xffffff), height: 1 + (view.getUint32(27, true) & 0xffffff) };
    if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = view.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length && bytes[at] === 0xff) {
      const marker = bytes[at + 1];
      const length = view.getUint16(at + 2);
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      at += 2 + length;
    }
  }
  return null;
}

function tooLarge(width: number, height: number): ImageInputError {
  return new ImageInputError(
    `This image is too large: ${((width * height) / 1e6).toFixed(0)} MP; the limit is ${MAX_PIXELS / 1e6} MP.`,
  );
}

/** Decode a file or blob (EXIF orientation applied) to RGBA pixels. */
export async function decodeImage(blob: Blob): Promise<ImageData> {
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new ImageInputError(`This file is not an image (${blob.type}). Choose a JPEG, PNG, WebP or AVIF photo.`);
  }
  const declared = headerSize(new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer()));
  if (declared && declared.width * declared.height > MAX_PIXELS) throw tooLarge(declared.width, declared.height);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new ImageInputError('This file could not be decoded: it is corrupt or in a format this browser cannot read.');
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) throw tooLarge(bitmap.width, bitmap.height);
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
