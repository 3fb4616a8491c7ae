// A stand-in daemon for tests: the real daemon, told (by rewriting the wrapper's configuration,
// its first frame) that the wrapper does not read GroupedResults, and with `batched` false not
// PutRecordResults either: it then answers as a daemon that predates them would.
const { spawn } = require('node:child_process');
const path = require('node:path');

module.exports = function olderDaemon({ batched }) {
  const daemon = path.join(__dirname, '../../packages/kinesis-producer/dist/daemon.cjs');
  const protocol = path.join(__dirname, '../../packages/protocol/dist/index.js');
  const child = spawn(process.execPath, [daemon], { stdio: ['pipe', 'inherit', 'inherit'] });
  let pending = Buffer.alloc(0);
  let rewritten = false;
  let loaded;
  const relay = async (chunk) => {
    if (rewritten) return child.stdin.write(chunk);
    pending = Buffer.concat([pending, chunk]);
    if (pending.length < 4 || pending.length < 4 + pending.readUInt32BE(0)) return;
    rewritten = true;
    loaded ??= import(protocol);
    const { decodeMessage, encodeMessage } = await loaded;
    const size = pending.readUInt32BE(0);
    const m = decodeMessage(pending.subarray(4, 4 + size));
    const c = m.message.actualMessage.value;
    c.groupedResults = false;
    c.batchedResults = batched;
    const out = Buffer.from(encodeMessage(m.message));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(out.length, 0);
    child.stdin.write(Buffer.concat([header, out, pending.subarray(4 + size)]));
  };
  // Chunks are relayed in order, even while the first one waits for the import.
  let chain = Promise.resolve();
  process.stdin.on('data', (chunk) => {
    chain = chain.then(() => relay(chunk));
  });
  process.stdin.on('end', () => {
    chain = chain.then(() => child.stdin.end());
  });
  child.stdin.on('error', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
};
