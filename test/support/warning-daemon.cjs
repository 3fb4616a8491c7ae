// The real daemon bundle, started after a multi-line process warning has been emitted, as the
// AWS SDK emits its notice about Node versions: Node delivers warnings on a later tick, so the
// daemon's own handling of them is in place by then.
const { join } = require('node:path');

process.emitWarning('first line\nsecond line\nthird line', 'TestWarning');
require(join(__dirname, '../../packages/kinesis-producer/dist/daemon.cjs'));
