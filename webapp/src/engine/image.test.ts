import { describe, expect, it } from 'vitest';
import { defaultFormat, headerSize, pngChannels, resultName, unusualKind } from './image';

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

describe('output formats', () => {
  it('follow the input kind and name the file after it', () => {
    expect(defaultFormat('image/jpeg')).toBe('jpeg');
    expect(defaultFormat('image/webp')).toBe('webp');
    expect(defaultFormat('image/png')).toBe('png');
    expect(defaultFormat('image/avif')).toBe('png');
    expect(resultName('IMG_0042.JPG', 'jpeg')).toBe('IMG_0042-denoised.jpg');
    expect(resultName('scan.png', 'webp')).toBe('scan-denoised.webp');
  });
});

describe('files that are not photos a browser reads everywhere', () => {
  const ascii = (s: string) => new TextEncoder().encode(s);
  it('knows an SVG by its type, name or content', () => {
    expect(unusualKind(ascii('<svg/>'), 'image/svg+xml', 'a.svg')).toBe('svg');
    expect(unusualKind(ascii('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), '', 'drawing')).toBe('svg');
  });
  it('knows a HEIC photo by its type, name or ftyp brand', () => {
    expect(unusualKind(ascii('\0\0\0\x18ftypheic\0\0\0\0'), '', 'IMG_1.bin')).toBe('heif');
    expect(unusualKind(ascii('xx'), 'image/heic', 'a')).toBe('heif');
    expect(unusualKind(ascii('xx'), '', 'IMG_2.HEIC')).toBe('heif');
  });
  it('leaves photos alone, AVIF included', () => {
    expect(unusualKind(ascii('\0\0\0\x1cftypavif\0\0\0\0'), 'image/avif', 'a.avif')).toBeNull();
    expect(unusualKind(png(4, 4), 'image/png', 'a.png')).toBeNull();
  });
});

describe('PNG channels', () => {
  const px = (...rgba: number[]) => new Uint8ClampedArray(rgba);
  it('writes gray opaque pixels as one channel, colour as three, alpha as four', () => {
    expect(pngChannels(px(9, 9, 9, 255, 200, 200, 200, 255))).toBe(1);
    expect(pngChannels(px(9, 9, 9, 255, 200, 201, 200, 255))).toBe(3);
    expect(pngChannels(px(9, 9, 9, 255, 9, 9, 9, 254))).toBe(4);
  });
});
