// Renders resources/icon.png (256×256) and resources/icon.svg: the integration hub — a node in
// the middle linked to three systems — on a rounded blue square. No dependencies: the PNG is
// drawn with 4×4 supersampling and encoded with node:zlib. Run: node resources/generate-icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 256;
const BLUE = [29, 79, 145];
const WHITE = [255, 255, 255];
const ORANGE = [245, 159, 0];
const center = [128, 128];
const satellites = [-90, 30, 150].map((deg) => {
  const rad = (deg * Math.PI) / 180;
  return [128 + 72 * Math.cos(rad), 128 + 72 * Math.sin(rad)];
});

const insideRoundedSquare = (x, y) => {
  const r = 48;
  const dx = Math.max(r - x, 0, x - (SIZE - r));
  const dy = Math.max(r - y, 0, y - (SIZE - r));
  return dx * dx + dy * dy <= r * r;
};
const insideCircle = (x, y, [cx, cy], r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const nearSegment = (x, y, [ax, ay], [bx, by], halfWidth) => {
  const t = Math.max(
    0,
    Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return (x - (ax + t * (bx - ax))) ** 2 + (y - (ay + t * (by - ay))) ** 2 <= halfWidth * halfWidth;
};

/** The color at a point, or null outside the icon. Later shapes paint over earlier ones. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  if (insideCircle(x, y, center, 30)) return ORANGE;
  if (satellites.some((s) => insideCircle(x, y, s, 20))) return WHITE;
  if (satellites.some((s) => nearSegment(x, y, center, s, 6))) return WHITE;
  return BLUE;
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0, then RGBA
  for (let x = 0; x < SIZE; x++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const color = sample(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
        if (!color) continue;
        r += color[0];
        g += color[1];
        b += color[2];
        a += 1;
      }
    }
    const o = 1 + x * 4;
    if (a > 0)
      row.set(
        [Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((a / 16) * 255)],
        o,
      );
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const hex = ([r, g, b]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const fmt = (n) => Number(n.toFixed(2));
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <rect width="${SIZE}" height="${SIZE}" rx="48" fill="${hex(BLUE)}"/>
  <g stroke="${hex(WHITE)}" stroke-width="12" stroke-linecap="round">
${satellites.map(([x, y]) => `    <line x1="128" y1="128" x2="${fmt(x)}" y2="${fmt(y)}"/>`).join('\n')}
  </g>
${satellites.map(([x, y]) => `  <circle cx="${fmt(x)}" cy="${fmt(y)}" r="20" fill="${hex(WHITE)}"/>`).join('\n')}
  <circle cx="128" cy="128" r="30" fill="${hex(ORANGE)}"/>
</svg>
`;

const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(join(here, 'icon.png'), png);
writeFileSync(join(here, 'icon.svg'), svg);
console.log(`icon.png ${png.length} bytes, icon.svg ${svg.length} bytes`);
