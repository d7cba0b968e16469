'use strict';
// Shared by the entries in bin/ (CommonJS, see bin/tacd.js).
const path = require('node:path');

/** Says which build output is missing, and how to make it; exits 70 (EX_SOFTWARE), no stack trace. */
function missingBuild(cmd, rel) {
  process.stderr.write(`${cmd}: ${rel} is missing: run \`npm run build\` in ${path.resolve(__dirname, '..')}\n`);
  process.exit(70);
}

// Until the command's own handlers (src/cli/report.ts) replace these, a stop
// signal while the modules load ends the command at once, as 128 + its number.
const EARLY = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
function exitEarlyOnSignals(cmd) {
  const handlers = Object.entries(EARLY).map(([s, status]) => [
    s,
    () => {
      process.stderr.write(`${cmd}: interrupted by ${s}\n`);
      process.exit(status);
    },
  ]);
  for (const [s, h] of handlers) process.once(s, h);
  return () => handlers.forEach(([s, h]) => process.removeListener(s, h));
}

/** Runs the main() of dist/src/cli/CMD.js, an ES module (the packagers). */
function runEsmCli(cmd) {
  const handOver = exitEarlyOnSignals(cmd);
  const rel = `dist/src/cli/${cmd}.js`;
  import(`../${rel}`).then(
    (m) => {
      // main() installs the command's own handlers synchronously; only then are these removed, so a
      // signal already on its way is delivered to those (with no listener left, Node would drop it).
      m.main(process.argv.slice(2));
      handOver();
    },
    (e) => {
      if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`${cmd}.js`)) missingBuild(cmd, rel);
      throw e;
    },
  );
}

module.exports = { missingBuild, runEsmCli };
