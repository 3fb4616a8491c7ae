// How the report writes numbers and names, shared by its sections.
import type { ClientKind } from './clients.js';

export interface Target {
  text: string;
  measured: string;
  met: boolean | undefined;
}

export const SHORT: Record<ClientKind, string> = {
  producer: 'kinesis-producer',
  agg: 'aws-kinesis-agg + SDK',
  'agg-promise': 'aws-kinesis-agg + SDK, a promise per record',
  sdk: 'plain SDK',
};

export function sizeName(bytes: number): string {
  return bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

export function int(n: number): string {
  return Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US');
}

export function fixed(n: number | undefined, digits = 1): string {
  return n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);
}

export function ratio(a: number, b: number | undefined): string {
  return b && !Number.isNaN(a) ? `${(a / b).toFixed(2)}×` : '–';
}
