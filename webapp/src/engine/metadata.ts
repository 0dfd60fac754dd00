/**
 * Photo metadata carried from the user's JPEG into the denoised JPEG: the EXIF block
 * (capture date, camera, exposure) and an sRGB ICC colour profile, with the orientation set
 * to "upright" (the pixels were already turned by the decoder) and the GPS position
 * removed unless the user keeps it.
 *
 * Written by hand, on purpose small: a canvas drops all metadata; the maintained JS EXIF
 * libraries read only (exifr, ExifReader), and the writers (piexifjs) are unmaintained
 * and rebuild the whole block. Here the segments are copied byte for byte and only two
 * things are edited in place: one SHORT (orientation) and the GPS directory, whose
 * entries and values are zeroed so that no coordinate stays in the file.
 */

interface Segment {
  marker: number;
  start: number; // index of the 0xFF of the marker
  end: number; // index after the segment
}

const SOI = 0xd8;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const TAG_ORIENTATION = 0x0112;
const TAG_GPS_IFD = 0x8825;
/** Bytes per value of each TIFF field type (1 BYTE ... 12 DOUBLE). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];

export const isJpeg = (bytes: Uint8Array): boolean => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === SOI;

/** The marker segments of a JPEG before its image data (SOS), or [] if not a JPEG. */
export function jpegSegments(bytes: Uint8Array): Segment[] {
  if (!isJpeg(bytes)) return [];
  const segments: Segment[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === SOS) break;
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    if (end > bytes.length) break;
    segments.push({ marker, start: at, end });
    at = end;
  }
  return segments;
}

const startsWith = (bytes: Uint8Array, at: number, text: string): boolean =>
  [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/** Whether the segments hold `text` in ASCII or UTF-16 (ICC descriptions use either). */
function names(bytes: Uint8Array, segments: Segment[], text: string): boolean {
  const ascii = [...text].map((c) => c.charCodeAt(0));
  const utf16 = ascii.flatMap((c) => [0, c]);
  return segments.some((s) =>
    [ascii, utf16].some((needle) => {
      for (let i = s.start; i + needle.length <= s.end; i++) if (needle.every((b, k) => bytes[i + k] === b)) return true;
      return false;
    }),
  );
}

const isExif = (bytes: Uint8Array, s: Segment) => s.marker === APP1 && startsWith(bytes, s.start + 4, 'Exif\0\0');
const isIcc = (bytes: Uint8Array, s: Segment) => s.marker === APP2 && startsWith(bytes, s.start + 4, 'ICC_PROFILE\0');

/**
 * Edit an EXIF APP1 segment in place: orientation 1, and the GPS directory emptied
 * (unless keepGps). A malformed block is left as it is rather than half edited.
 */
export function editExif(segment: Uint8Array, keepGps: boolean): void {
  const tiff = 10; // FF E1, length (2), "Exif\0\0" (6)
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  const little = startsWith(segment, tiff, 'II');
  if (!little && !startsWith(segment, tiff, 'MM')) return;
  const u16 = (at: number) => view.getUint16(tiff + at, little);
  const u32 = (at: number) => view.getUint32(tiff + at, little);
  const inside = (at: number, n: number) => at >= 0 && tiff + at + n <= segment.length;
  const ifd0 = u32(4);
  if (!inside(ifd0, 2)) return;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + 12 * i;
    if (!inside(entry, 12)) return;
    const tag = u16(entry);
    if (tag === TAG_ORIENTATION) view.setUint16(tiff + entry + 8, 1, little);
    if (tag === TAG_GPS_IFD && !keepGps) clearDirectory(u32(entry + 8));
  }

  function clearDirectory(at: number): void {
    if (!inside(at, 2)) return;
    const n = u16(at);
    for (let i = 0; i < n; i++) {
      const entry = at + 2 + 12 * i;
      if (!inside(entry, 12)) break;
      const bytes = (TYPE_SIZE[u16(entry + 2)] ?? 0) * u32(entry + 4);
      const value = u32(entry + 8);
      if (bytes > 4 && inside(value, bytes)) segment.fill(0, tiff + value, tiff + value + bytes);
      segment.fill(0, tiff + entry, tiff + entry + 12);
    }
    view.setUint16(tiff + at, 0, little);
  }
}

/**
 * The encoded JPEG `output` with the EXIF and ICC segments of the source JPEG inserted
 * after its JFIF header. Returns `output` unchanged when either is not a JPEG or the
 * source has neither.
 */
export function withMetadata(source: Uint8Array, output: Uint8Array, keepGps: boolean): Uint8Array {
  const segments = jpegSegments(source);
  const icc = segments.filter((s) => isIcc(source, s));
  // The decoder turned the pixels into sRGB: another profile (Display P3, Adobe RGB) would
  // now mislabel them, so only an sRGB profile is carried; untagged means sRGB anyway.
  const keepIcc = icc.length > 0 && names(source, icc, 'sRGB');
  const carried = segments.filter((s) => isExif(source, s) || (keepIcc && isIcc(source, s)));
  const outSegments = jpegSegments(output);
  if (carried.length === 0 || outSegments.length === 0) return output;
  const parts = carried.map((s) => {
    const copy = source.slice(s.start, s.end);
    if (isExif(source, s)) editExif(copy, keepGps);
    return copy;
  });
  const first = outSegments[0];
  const headerEnd = first.marker === APP0 ? first.end : 2;
  // The encoder's own APP1/APP2 (none from a canvas) would contradict the carried ones.
  const rest = outSegments.filter((s) => s.marker === APP1 || s.marker === APP2);
  const kept = [output.subarray(0, headerEnd), ...parts];
  let at = headerEnd;
  for (const s of rest) {
    kept.push(output.subarray(at, s.start));
    at = s.end;
  }
  kept.push(output.subarray(at));
  const joined = new Uint8Array(kept.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of kept) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
