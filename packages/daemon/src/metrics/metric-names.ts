// The KPL's metric catalogue (docs/metrics.md, "The catalogue"): each name with its CloudWatch unit and the level
// from which it is uploaded.

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes' | 'None';
export type MetricsLevel = 'none' | 'summary' | 'detailed';
export type Granularity = 'global' | 'stream' | 'shard';

export const M = {
  UserRecordsReceived: 'UserRecordsReceived',
  UserRecordsPending: 'UserRecordsPending',
  UserRecordsPut: 'UserRecordsPut',
  UserRecordsDataPut: 'UserRecordsDataPut',
  UserRecordExpired: 'UserRecordExpired',
  BufferingTime: 'BufferingTime',
  RetriesPerRecord: 'RetriesPerRecord',
  KinesisRecordsPut: 'KinesisRecordsPut',
  KinesisRecordsDataPut: 'KinesisRecordsDataPut',
  ErrorsByCode: 'ErrorsByCode',
  AllErrors: 'AllErrors',
  RequestTime: 'RequestTime',
  KinesisRecordsPerPutRecordsRequest: 'KinesisRecordsPerPutRecordsRequest',
  UserRecordsPerPutRecordsRequest: 'UserRecordsPerPutRecordsRequest',
  UserRecordsPerKinesisRecord: 'UserRecordsPerKinesisRecord',
  Test: 'Test',
} as const;

export type MetricName = (typeof M)[keyof typeof M];

interface Entry {
  unit: MetricUnit;
  level: 'summary' | 'detailed';
}

const CATALOGUE: Record<MetricName, Entry> = {
  UserRecordsReceived: { unit: 'Count', level: 'detailed' },
  UserRecordsPending: { unit: 'Count', level: 'detailed' },
  UserRecordsPut: { unit: 'Count', level: 'summary' },
  UserRecordsDataPut: { unit: 'Bytes', level: 'detailed' },
  UserRecordExpired: { unit: 'Count', level: 'summary' },
  BufferingTime: { unit: 'Milliseconds', level: 'summary' },
  RetriesPerRecord: { unit: 'Count', level: 'detailed' },
  KinesisRecordsPut: { unit: 'Count', level: 'summary' },
  KinesisRecordsDataPut: { unit: 'Bytes', level: 'detailed' },
  ErrorsByCode: { unit: 'Count', level: 'summary' },
  AllErrors: { unit: 'Count', level: 'summary' },
  RequestTime: { unit: 'Milliseconds', level: 'detailed' },
  KinesisRecordsPerPutRecordsRequest: { unit: 'Count', level: 'detailed' },
  UserRecordsPerPutRecordsRequest: { unit: 'Count', level: 'detailed' },
  UserRecordsPerKinesisRecord: { unit: 'Count', level: 'detailed' },
  Test: { unit: 'Count', level: 'detailed' },
};

/** Unknown names are uploaded as detailed metrics without a unit, as the KPL does. */
export function unitOf(name: string): MetricUnit {
  return CATALOGUE[name as MetricName]?.unit ?? 'None';
}

export function levelOf(name: string): 'summary' | 'detailed' {
  return CATALOGUE[name as MetricName]?.level ?? 'detailed';
}

const LEVEL_RANK = { none: 0, summary: 1, detailed: 2 } as const;
const GRANULARITY_RANK = { global: 0, stream: 1, shard: 2 } as const;

/** Whether a metric of this name is uploaded at the configured level. */
export function levelAllows(configured: MetricsLevel, name: string): boolean {
  return configured !== 'none' && LEVEL_RANK[levelOf(name)] <= LEVEL_RANK[configured];
}

export function granularityAllows(configured: Granularity, node: Granularity): boolean {
  return GRANULARITY_RANK[node] <= GRANULARITY_RANK[configured];
}
