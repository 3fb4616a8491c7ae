// Ends the run with one plain line, "jest: N passed, N failed", that tools reading the closing
// line of a test run understand.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}\n`;
    // After jest's own summary, which its reporters print once every reporter has run.
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
