// How long and at what sizes and rates `pnpm bench` runs each scenario; --quick shortens all.
import type { ClientKind } from './clients.js';
import { MATRIX_KEYS, MATRIX_SHAPES, type Shape } from './scenarios/matrix.js';
import type { KeyMode } from './workload.js';
export interface BenchConfig {
  quick: boolean;
  sizes: number[];
  /** Throughput clients to run (all by default). */
  clients: ClientKind[];
  warmupSeconds: number;
  throughputSeconds: number;
  eventLoopRates: number[];
  eventLoopSeconds: number;
  latencyRates: number[];
  latencySeconds: number;
  utilisationSeconds: number;
  utilisationWarmupSeconds: number;
  startups: number;
  profileSeconds: number;
  /** The matrix: measured seconds and warm-up per cell, its shapes and sizes, the memory cell. */
  matrixSeconds: number;
  matrixWarmupSeconds: number;
  matrixShapes: Shape[];
  matrixSizes: number[];
  matrixKeys: KeyMode[];
  matrixMemory: boolean;
  /** What the profile scenario runs (100 B, producer): the steady shape with pooled keys by default. */
  profileShape: Shape;
  profileKeys: KeyMode;
}

export function benchConfig(quick: boolean): BenchConfig {
  return quick
    ? {
        quick,
        sizes: [100],
        clients: ['producer', 'agg', 'sdk'],
        warmupSeconds: 1,
        throughputSeconds: 2,
        eventLoopRates: [100_000],
        eventLoopSeconds: 2,
        latencyRates: [10_000],
        latencySeconds: 2,
        utilisationSeconds: 3,
        utilisationWarmupSeconds: 1,
        startups: 3,
        profileSeconds: 5,
        matrixSeconds: 1.5,
        matrixWarmupSeconds: 0.5,
        matrixShapes: MATRIX_SHAPES,
        matrixSizes: [100],
        matrixKeys: MATRIX_KEYS,
        matrixMemory: false,
        profileShape: 'steady',
        profileKeys: 'pool',
      }
    : {
        quick,
        sizes: [100, 1024, 10_240],
        clients: ['producer', 'agg', 'sdk'],
        warmupSeconds: 2,
        throughputSeconds: 10,
        eventLoopRates: [50_000, 100_000],
        eventLoopSeconds: 10,
        latencyRates: [10_000, 50_000],
        latencySeconds: 10,
        utilisationSeconds: 20,
        utilisationWarmupSeconds: 3,
        startups: 9,
        profileSeconds: 10,
        matrixSeconds: 4,
        matrixWarmupSeconds: 1,
        matrixShapes: MATRIX_SHAPES,
        matrixSizes: [100, 1024],
        matrixKeys: MATRIX_KEYS,
        matrixMemory: true,
        profileShape: 'steady',
        profileKeys: 'pool',
      };
}
