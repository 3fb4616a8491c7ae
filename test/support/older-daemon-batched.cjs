// The real daemon answering with PutRecordResults, as before GroupedResults.
require('./older-daemon.cjs')({ batched: true });
