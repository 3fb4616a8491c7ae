// Reads a V8 .cpuprofile and lists the functions with the most self time, so a profile can be
// read without DevTools: "file:line function  % of busy time"; and a sampled .heapprofile, the
// functions that allocated the most bytes.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ROOT } from './proc.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the time the process was not idle. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  gcMs: number;
  top: HotFunction[];
  /** Self time per source module (a pipeline step, roughly); native code by function name. */
  byModule: { module: string; selfMs: number; percent: number }[];
}

const IDLE = new Set(['(idle)', '(program)']);

const bundles = new Map<string, { line: number; source: string }[]>();

/**
 * esbuild marks where each module starts in a bundle ("// src/retrier.ts"); a bundle line is
 * reported as the module it belongs to, relative to the repository.
 */
function bundleModule(path: string, line: number): string | undefined {
  let marks = bundles.get(path);
  if (!marks) {
    marks = [];
    try {
      const lines = readFileSync(path, 'utf8').split('\n');
      const base = join(ROOT, 'packages', 'daemon');
      lines.forEach((l, i) => {
        const m = /^\/\/ ((?:src|\.\.\/)[^ ]*\.[cm]?[jt]s)$/.exec(l);
        if (m) marks!.push({ line: i, source: relative(ROOT, resolve(base, m[1]!)) });
      });
    } catch {
      // No bundle to read: plain locations then.
    }
    bundles.set(path, marks);
  }
  let found: string | undefined;
  for (const m of marks) {
    if (m.line > line) break;
    found = m.source;
  }
  return found?.replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
}

function where(url: string, line: number): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  if (path.endsWith('daemon.cjs')) {
    const source = bundleModule(path, line);
    if (source) return source;
  }
  const short = path.startsWith('/') ? relative(ROOT, path) : path;
  // tsx compiles a TypeScript file to a single line: the line number says nothing.
  if (line === 0 && short.endsWith('.ts')) return short;
  return `${short.replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')}:${line + 1}`;
}

export function summarizeProfile(file: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let idle = 0;
  let gc = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    // A sample's delta is the time until the next one; the first delta belongs to the start.
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (IDLE.has(functionName)) {
      idle += us;
      continue;
    }
    busy += us;
    if (functionName === '(garbage collector)') gc += us;
    const name = functionName || '(anonymous)';
    const key = `${name}@${url}:${lineNumber}`;
    const entry = self.get(key) ?? { name, where: where(url, lineNumber), us: 0 };
    entry.us += us;
    self.set(key, entry);
  }
  const modules = new Map<string, number>();
  for (const e of self.values()) {
    const module = e.where === '(native)' ? `(native) ${e.name}` : e.where.replace(/:\d+$/, '');
    modules.set(module, (modules.get(module) ?? 0) + e.us);
  }
  const byModule = [...modules]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([module, us]) => ({
      module,
      selfMs: us / 1000,
      percent: busy > 0 ? (100 * us) / busy : 0,
    }));
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({
      name: e.name,
      where: e.where,
      selfMs: e.us / 1000,
      percent: busy > 0 ? (100 * e.us) / busy : 0,
    }));
  return { busyMs: busy / 1000, idleMs: idle / 1000, gcMs: gc / 1000, top, byModule };
}

/** `records`: how many records the process handled while profiled, for a µs-per-record column. */
export function profileTable(title: string, s: ProfileSummary, records?: number): string {
  const perRecord = (ms: number) => (records ? ((ms * 1000) / records).toFixed(3) : '–');
  const lines = [
    `#### ${title}`,
    '',
    `Busy ${(s.busyMs / 1000).toFixed(2)} s (garbage collection ${((100 * s.gcMs) / Math.max(1, s.busyMs)).toFixed(1)} %), idle ${(s.idleMs / 1000).toFixed(2)} s${records ? `; ${perRecord(s.busyMs)} µs busy per record, ${perRecord(s.gcMs)} of it collecting garbage` : ''}.`,
    '',
    '| Self % | Self ms | µs/record | Function | Where |',
    '|---:|---:|---:|---|---|',
  ];
  for (const f of s.top) {
    lines.push(
      `| ${f.percent.toFixed(1)} | ${f.selfMs.toFixed(0)} | ${perRecord(f.selfMs)} | \`${f.name}\` | ${f.where} |`,
    );
  }
  lines.push(
    '',
    'By module:',
    '',
    '| Self % | Self ms | µs/record | Module |',
    '|---:|---:|---:|---|',
  );
  for (const m of s.byModule) {
    lines.push(
      `| ${m.percent.toFixed(1)} | ${m.selfMs.toFixed(0)} | ${perRecord(m.selfMs)} | ${m.module} |`,
    );
  }
  return lines.join('\n');
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: HeapNode[];
}

export interface AllocationSummary {
  bytes: number;
  /** Functions by bytes allocated in them (allocations of functions inlined into them included). */
  top: { name: string; where: string; bytes: number }[];
  byModule: { module: string; bytes: number }[];
}

/** Bytes allocated per function and per module in a sampling heap profile (heap-sampler.cjs). */
export function summarizeHeapProfile(file: string, topN = 12): AllocationSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const self = new Map<string, { name: string; where: string; bytes: number }>();
  let total = 0;
  const visit = (n: HeapNode) => {
    if (n.selfSize > 0) {
      const { functionName, url, lineNumber } = n.callFrame;
      const name = functionName || '(anonymous)';
      const key = `${name}@${url}:${lineNumber}`;
      const entry = self.get(key) ?? { name, where: where(url, lineNumber), bytes: 0 };
      entry.bytes += n.selfSize;
      self.set(key, entry);
      total += n.selfSize;
    }
    for (const c of n.children ?? []) visit(c);
  };
  visit(profile.head);
  const modules = new Map<string, number>();
  for (const e of self.values()) {
    const module = e.where === '(native)' ? `(native) ${e.name}` : e.where.replace(/:\d+$/, '');
    modules.set(module, (modules.get(module) ?? 0) + e.bytes);
  }
  const byBytes = <T extends { bytes: number }>(a: T, b: T) => b.bytes - a.bytes;
  return {
    bytes: total,
    top: [...self.values()].sort(byBytes).slice(0, topN),
    byModule: [...modules]
      .map(([module, bytes]) => ({ module, bytes }))
      .sort(byBytes)
      .slice(0, topN),
  };
}

/** Bytes allocated per record, by function and by module, over `records` records. */
export function allocationTable(title: string, s: AllocationSummary, records: number): string {
  const perRecord = (bytes: number) => (bytes / records).toFixed(1);
  const lines = [
    `#### ${title}`,
    '',
    `${perRecord(s.bytes)} bytes allocated per record in all.`,
    '',
    '| Bytes/record | Function | Where |',
    '|---:|---|---|',
    ...s.top.map((f) => `| ${perRecord(f.bytes)} | \`${f.name}\` | ${f.where} |`),
    '',
    'By module:',
    '',
    '| Bytes/record | Module |',
    '|---:|---|',
    ...s.byModule.map((m) => `| ${perRecord(m.bytes)} | ${m.module} |`),
  ];
  return lines.join('\n');
}
