// A hand-written SVG bar chart of the throughput scenario: one panel per record size, each with
// its own scale (records/s differ a hundredfold between 100 B and 10 KiB), one bar per client.
import type { ClientKind } from './clients.js';
import { type Machine, machineLine } from './report.js';
import { SHORT, sizeName } from './report-format.js';
import type { ThroughputRow } from './scenarios/throughput.js';

const COLORS: Record<ClientKind, string> = {
  producer: '#1f77b4',
  agg: '#ff7f0e',
  'agg-promise': '#ffbb78',
  sdk: '#7f7f7f',
};

const PANEL_W = 260;
const PANEL_H = 260;
const TOP = 70;
const LEFT = 20;
const BAR_W = 56;
const GAP = 18;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function short(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return n.toFixed(0);
}

export function throughputSvg(rows: ThroughputRow[], m: Machine): string {
  const sizes = [...new Set(rows.map((r) => r.recordSize))];
  const clients: ClientKind[] = ['producer', 'agg', 'sdk'];
  const width = LEFT * 2 + sizes.length * PANEL_W;
  const height = TOP + PANEL_H + 90;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">User records per second, end to end (higher is better)</text>`,
    `<text x="${LEFT}" y="44" fill="#555">${esc(machineLine(m))}</text>`,
  ];
  sizes.forEach((size, i) => {
    const x0 = LEFT + i * PANEL_W;
    const inPanel = clients
      .map((c) => rows.find((r) => r.client === c && r.recordSize === size))
      .filter((r): r is ThroughputRow => r !== undefined);
    const max = Math.max(...inPanel.map((r) => r.recordsPerSecond), 1);
    const base = TOP + PANEL_H;
    out.push(
      `<line x1="${x0 + 10}" y1="${base}" x2="${x0 + PANEL_W - 20}" y2="${base}" stroke="#333"/>`,
      `<text x="${x0 + (PANEL_W - 10) / 2}" y="${base + 22}" text-anchor="middle" font-weight="bold">${sizeName(size)} records</text>`,
    );
    inPanel.forEach((r, j) => {
      const h = Math.max(1, ((PANEL_H - 30) * r.recordsPerSecond) / max);
      const x = x0 + 20 + j * (BAR_W + GAP);
      out.push(
        `<rect x="${x}" y="${(base - h).toFixed(1)}" width="${BAR_W}" height="${h.toFixed(1)}" fill="${COLORS[r.client]}"><title>${esc(SHORT[r.client])}: ${Math.round(r.recordsPerSecond)} records/s, ${r.megabytesPerSecond.toFixed(1)} MB/s</title></rect>`,
        `<text x="${x + BAR_W / 2}" y="${(base - h - 6).toFixed(1)}" text-anchor="middle">${short(r.recordsPerSecond)}</text>`,
        `<text x="${x + BAR_W / 2}" y="${base + 40}" text-anchor="middle" fill="#555">${r.megabytesPerSecond.toFixed(0)} MB/s</text>`,
      );
    });
  });
  const legendY = height - 18;
  clients.forEach((c, j) => {
    const x = LEFT + j * 200;
    out.push(
      `<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${COLORS[c]}"/>`,
      `<text x="${x + 18}" y="${legendY}">${esc(SHORT[c])}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
