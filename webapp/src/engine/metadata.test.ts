import { describe, expect, it } from 'vitest';
import { editExif, jpegSegments, withMetadata } from './metadata';

/** A little-endian EXIF APP1: IFD0 with Make, Orientation 6 and a GPS pointer; the GPS
 * directory holds a latitude (3 RATIONALs stored out of line). */
function exifSegment(): Uint8Array {
  const tiff: number[] = [];
  const u16 = (v: number) => tiff.push(v & 255, v >> 8);
  const u32 = (v: number) => tiff.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24);
  tiff.push(0x49, 0x49); u16(42); u32(8); // header, IFD0 at 8
  u16(3); // three entries
  u16(0x010f); u16(2); u32(4); tiff.push(0x41, 0x43, 0x4d, 0); // Make "ACM"
  u16(0x0112); u16(3); u32(1); u16(6); u16(0); // Orientation 6
  u16(0x8825); u16(4); u32(1); u32(8 + 2 + 36 + 4); // GPS IFD right after IFD0
  u32(0); // no next IFD
  u16(1); // GPS: one entry, latitude 3 rationals at offset after it
  const latitudeAt = 8 + 2 + 36 + 4 + 2 + 12 + 4;
  u16(0x0002); u16(5); u32(3); u32(latitudeAt);
  u32(0);
  for (const v of [48, 1, 51, 1, 30, 1]) u32(v);
  const body = [...'Exif\0\0'].map((c) => c.charCodeAt(0)).concat(tiff);
  const length = body.length + 2;
  return new Uint8Array([0xff, 0xe1, length >> 8, length & 255, ...body]);
}

const iccOf = (description: string) => {
  const body = [...'ICC_PROFILE\0', ...description].map((c) => c.charCodeAt(0));
  return new Uint8Array([0xff, 0xe2, 0, body.length + 2, ...body]);
};
const icc = iccOf('\x01\x01sRGB IEC61966-2.1');
const jfif = new Uint8Array([0xff, 0xe0, 0, 6, 0x4a, 0x46, 0x49, 0x46]);
const imageData = new Uint8Array([0xff, 0xda, 0, 2, 9, 9, 9, 0xff, 0xd9]);
const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const soi = new Uint8Array([0xff, 0xd8]);

const orientationOf = (segment: Uint8Array) => segment[10 + 8 + 2 + 12 + 8];
const hasLatitude = (bytes: Uint8Array) => {
  const s = [...bytes].join(',');
  return s.includes([48, 0, 0, 0, 1, 0, 0, 0, 51].join(','));
};

describe('photo metadata', () => {
  it('sets the orientation upright and removes every GPS value', () => {
    const segment = exifSegment();
    expect(orientationOf(segment)).toBe(6);
    expect(hasLatitude(segment)).toBe(true);
    editExif(segment, false);
    expect(orientationOf(segment)).toBe(1);
    expect(hasLatitude(segment)).toBe(false);
    expect(String.fromCharCode(...segment.subarray(10 + 8 + 2 + 8, 10 + 8 + 2 + 11))).toBe('ACM'); // the rest stays
  });

  it('keeps the GPS position when asked', () => {
    const segment = exifSegment();
    editExif(segment, true);
    expect(hasLatitude(segment)).toBe(true);
    expect(orientationOf(segment)).toBe(1);
  });

  it('carries EXIF and ICC into the output JPEG after its JFIF header, image data intact', () => {
    const source = join(soi, exifSegment(), icc, imageData);
    const output = join(soi, jfif, imageData);
    const merged = withMetadata(source, output, false);
    expect(jpegSegments(merged).map((s) => s.marker)).toEqual([0xe0, 0xe1, 0xe2]);
    expect([...merged.subarray(merged.length - imageData.length)]).toEqual([...imageData]);
    expect(hasLatitude(merged)).toBe(false);
    expect(hasLatitude(source)).toBe(true); // the user's file is not touched
  });

  it('leaves the output alone when there is nothing to carry or it is not a JPEG', () => {
    const output = join(soi, jfif, imageData);
    expect(withMetadata(join(soi, jfif, imageData), output, false)).toBe(output);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(withMetadata(png, output, false)).toBe(output);
    expect(withMetadata(join(soi, exifSegment(), imageData), png, false)).toBe(png);
  });

  it('leaves a malformed EXIF block as it is', () => {
    const segment = exifSegment();
    segment[10] = 0x58; // neither II nor MM
    const before = [...segment];
    editExif(segment, false);
    expect([...segment]).toEqual(before);
  });

  it('drops a non-sRGB profile: the pixels were decoded to sRGB', () => {
    const source = join(soi, exifSegment(), iccOf('\x01\x01Display P3'), imageData);
    const merged = withMetadata(source, join(soi, jfif, imageData), false);
    expect(jpegSegments(merged).map((s) => s.marker)).toEqual([0xe0, 0xe1]);
  });
});
