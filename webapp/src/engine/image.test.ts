import { describe, expect, it } from 'vitest';
import { headerSize, resultName } from './image';

function png(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

function jpeg(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment to skip, then SOF0 with the size.
  const app0 = [0xff, 0xe0, 0x00, 0x06, 0x4a, 0x46, 0x49, 0x46];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 3];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, ...new Array(12).fill(0)]);
}

describe('headerSize', () => {
  it('reads PNG and JPEG sizes without decoding', () => {
    expect(headerSize(png(20000, 10000))).toEqual({ width: 20000, height: 10000 });
    expect(headerSize(jpeg(6000, 4000))).toEqual({ width: 6000, height: 4000 });
  });
  it('says nothing about formats it does not know', () => {
    expect(headerSize(new TextEncoder().encode('not an image at all'))).toBeNull();
  });
});

describe('resultName', () => {
  it('names the download after the input', () => {
    expect(resultName('holiday photo.jpg')).toBe('holiday photo-denoised.png');
    expect(resultName('.png')).toBe('image-denoised.png');
  });
});
