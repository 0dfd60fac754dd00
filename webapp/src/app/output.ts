/** A denoised image as the file the user downloads. */
import { encodeImage, resultName, type OutputFormat } from '../engine/image';
import { isJpeg, withMetadata } from '../engine/metadata';

export interface Source {
  name: string;
  type: string;
  file: Blob;
}

export interface Encoded {
  url: string;
  name: string;
  bytes: number;
  blob: Blob;
}

/** Encode in the chosen format; a JPEG from a JPEG keeps its EXIF and colour profile. */
export async function encodeResult(image: ImageData, source: Source, format: OutputFormat, quality: number, keepGps: boolean): Promise<Encoded> {
  let blob = await encodeImage(image, format, quality);
  if (format === 'jpeg' && source.type === 'image/jpeg') {
    const original = new Uint8Array(await source.file.arrayBuffer());
    if (isJpeg(original)) {
      const merged = withMetadata(original, new Uint8Array(await blob.arrayBuffer()), keepGps);
      blob = new Blob([merged as Uint8Array<ArrayBuffer>], { type: blob.type });
    }
  }
  return { url: URL.createObjectURL(blob), name: resultName(source.name, format), bytes: blob.size, blob };
}
