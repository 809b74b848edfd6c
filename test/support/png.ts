import { crc32, inflateSync } from "node:zlib";

// A strict PNG reader for tests: checks the signature, every chunk's CRC, and that the image data inflates
// to exactly one filtered scanline per row. Enough to say "this PNG decodes, and it is W×H".

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  chunks: string[];
  /** The inflated image data: per row, one filter byte then the row's pixels. */
  data: Buffer;
}

export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG: bad signature");
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let header: { width: number; height: number; bitDepth: number; colorType: number } | undefined;
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    chunks.push(type);
    if (type === "IHDR") {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data.readUInt8(8),
        colorType: data.readUInt8(9),
      };
    } else if (type === "IDAT") idat.push(data);
    offset += 12 + length;
    if (type === "IEND") break;
  }
  if (!header) throw new Error("no IHDR chunk");
  if (chunks[0] !== "IHDR" || chunks[chunks.length - 1] !== "IEND") throw new Error("IHDR first, IEND last");
  const channels = CHANNELS[header.colorType];
  if (channels === undefined) throw new Error(`unknown colour type ${header.colorType}`);
  const data = inflateSync(Buffer.concat(idat));
  const rowBytes = 1 + Math.ceil((header.width * channels * header.bitDepth) / 8);
  if (data.length !== rowBytes * header.height) {
    throw new Error(`image data is ${data.length} bytes, expected ${rowBytes * header.height}`);
  }
  return { ...header, chunks, data };
}
