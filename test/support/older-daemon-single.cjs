// The real daemon answering with one PutRecordResult per record, as the KPL's does.
require('./older-daemon.cjs')({ batched: false });
