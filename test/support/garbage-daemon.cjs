// A stand-in daemon for tests: answers the first input with a frame that does not decode.
process.stdin.once('data', () => {
  const payload = Buffer.from([0x08, 0x01, 0x2a, 0x05, 0xff]); // id 1, then a truncated field
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  process.stdout.write(Buffer.concat([header, payload]));
});
process.stdin.on('end', () => process.exit(0));
setInterval(() => {}, 1000);
