import { runScript } from '/work/main/scripts/bench/proc.ts';
const ep = runScript('scripts/bench/instant-kinesis.ts', ['4']);
const port = await ep.line('READY ', 20000);
console.log('port', port);
for (const client of (process.argv[2] ?? 'producer').split(',')) {
const spec = { client, endpoint: `http://127.0.0.1:${port}`, endpointPid: ep.pid, stream: 's', recordSize: Number(process.argv[3] ?? 100), mode: 'max', seconds: 3, warmupSeconds: 1 };
const u = runScript('scripts/bench/user-process.ts', [JSON.stringify(spec)]);
const r = JSON.parse(await u.line('RESULT '));
console.log(client, JSON.stringify(r), 'rec/s', Math.round(r.ok / r.elapsedSeconds));
}
await ep.stop();
