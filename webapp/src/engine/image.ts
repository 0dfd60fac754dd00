/** Decoding user files to pixels and encoding results, with clear errors. */
import { encode as encodePngPixels } from 'fast-png';

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

const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];

/** 'svg' or 'heif' when the file is one of the two kinds users bring that are not
 * photos a browser decodes everywhere; from the type, the name or the bytes. */
export function unusualKind(head: Uint8Array, type: string, name: string): 'svg' | 'heif' | null {
  const text = new TextDecoder().decode(head.subarray(0, 1024)).trimStart();
  if (type === 'image/svg+xml' || /\.svgz?$/i.test(name) || (text.startsWith('<') && text.includes('<svg'))) return 'svg';
  const brand = head.length >= 12 ? String.fromCharCode(...head.subarray(4, 12)) : '';
  if (/^image\/hei[cf]/.test(type) || /\.hei[cf]$/i.test(name) || (brand.startsWith('ftyp') && HEIF_BRANDS.includes(brand.slice(4)))) return 'heif';
  return null;
}

export const SVG_MESSAGE =
  'This is an SVG drawing, not a photo: its lines and colours are already clean. Choose a photo (JPEG, PNG, WebP or AVIF).';
export const HEIF_MESSAGE =
  'This is a HEIC/HEIF photo (the iPhone’s format), which this browser cannot read. Convert it to JPEG first: on the ' +
  'iPhone, Settings → Camera → Formats → Most Compatible (new photos), or share it with “Options → Automatic”; on a Mac, ' +
  'open it in Preview and File → Export → JPEG; on Windows, open it in Photos and Save as JPEG.';

/** Decode a file or blob (EXIF orientation applied) to RGBA pixels. */
export async function decodeImage(blob: Blob): Promise<ImageData> {
  const head = new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer());
  const kind = unusualKind(head, blob.type, (blob as File).name ?? '');
  if (kind === 'svg') throw new ImageInputError(SVG_MESSAGE);
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new ImageInputError(`This file is not an image (${blob.type}). Choose a JPEG, PNG, WebP or AVIF photo.`);
  }
  const declared = headerSize(head);
  if (declared && declared.width * declared.height > MAX_PIXELS) throw tooLarge(declared.width, declared.height);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    // Safari decodes HEIC itself: only where decoding fails is the format the reason.
    if (kind === 'heif') throw new ImageInputError(HEIF_MESSAGE);
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

export type OutputFormat = 'jpeg' | 'webp' | 'png';
export const OUTPUT_FORMATS: Record<OutputFormat, { mime: string; extension: string; label: string }> = {
  jpeg: { mime: 'image/jpeg', extension: 'jpg', label: 'JPEG' },
  webp: { mime: 'image/webp', extension: 'webp', label: 'WebP' },
  png: { mime: 'image/png', extension: 'png', label: 'PNG (lossless)' },
};
/** High enough that the codec adds far less than the noise that was removed. */
export const DEFAULT_QUALITY = 92;

/** The input's kind: JPEG in, JPEG out; WebP in, WebP out; PNG and the rest, PNG. */
export function defaultFormat(inputType: string): OutputFormat {
  if (inputType === 'image/jpeg') return 'jpeg';
  if (inputType === 'image/webp') return 'webp';
  return 'png';
}

/** How many channels a PNG of these pixels needs: 1 (gray, opaque), 3 (opaque) or 4. */
export function pngChannels(data: Uint8ClampedArray): 1 | 3 | 4 {
  let gray = true;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] !== 255) return 4;
    if (gray && (data[i] !== data[i + 1] || data[i] !== data[i + 2])) gray = false;
  }
  return gray ? 1 : 3;
}

/** RGBA pixels packed to the first `channels` of each (1: the red one, which is the gray). */
function packChannels(data: Uint8ClampedArray, channels: 1 | 3 | 4): Uint8Array {
  if (channels === 4) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const packed = new Uint8Array((data.length / 4) * channels);
  for (let i = 0, j = 0; i < data.length; i += 4, j += channels) {
    packed[j] = data[i];
    if (channels === 3) {
      packed[j + 1] = data[i + 1];
      packed[j + 2] = data[i + 2];
    }
  }
  return packed;
}

/**
 * Encode a result. PNG goes through fast-png, because a canvas always writes RGBA: an
 * opaque photo gets RGB, a gray one a single channel (a quarter of the size). JPEG has
 * no alpha, so transparent areas turn white, not black. `quality` 1-100 for JPEG/WebP.
 */
export async function encodeImage(image: ImageData, format: OutputFormat, quality = DEFAULT_QUALITY): Promise<Blob> {
  if (format === 'png') {
    const channels = pngChannels(image.data);
    const bytes = encodePngPixels({ width: image.width, height: image.height, data: packChannels(image.data, channels), channels, depth: 8 });
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  }
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  if (format === 'jpeg' && pngChannels(image.data) === 4) {
    const layer = new OffscreenCanvas(image.width, image.height);
    layer.getContext('2d')!.putImageData(image, 0, 0);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, image.width, image.height);
    context.drawImage(layer, 0, 0);
  } else context.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: OUTPUT_FORMATS[format].mime, quality: quality / 100 });
}

export async function encodePng(image: ImageData): Promise<Blob> {
  return encodeImage(image, 'png');
}

/** "photo.jpg" -> "photo-denoised.png" (or the given format's extension). */
export function resultName(fileName: string, format: OutputFormat = 'png'): string {
  const stem = fileName.replace(/\.[^./\\]+$/, '') || 'image';
  return `${stem}-denoised.${OUTPUT_FORMATS[format].extension}`;
}
