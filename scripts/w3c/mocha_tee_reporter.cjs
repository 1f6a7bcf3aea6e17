'use strict';
// A mocha reporter that runs the suite's own reporter (reporter option
// `inner`, e.g. @digitalbazaar/mocha-w3c-interop-reporter, resolved from the
// suite's directory) and also writes every test's outcome to the JSON file
// named by the reporter option `json`:
//   {stats: {suites, tests, passes, pending, failures, hookFailures, planned, notRun,
//            start, end, duration},
//    tests: [{fullTitle, title, file, state, duration, error?}]}
// Used by Sen's scripts/w3c-suites.sh:
//   npm test --ignore-scripts -- --reporter /abs/mocha_tee_reporter.cjs \
//     --reporter-options inner=@digitalbazaar/mocha-w3c-interop-reporter,json=/abs/out.json
const fs = require('node:fs');
const path = require('node:path');

function loadInner(name) {
  if(!name) {
    return null;
  }
  const resolved = require.resolve(name, {paths: [process.cwd()]});
  const mod = require(resolved);
  return mod && mod.default ? mod.default : mod;
}

function errorText(err) {
  if(!err) {
    return undefined;
  }
  const message = String(err.message || err).split('\n').slice(0, 6).join('\n');
  return {name: err.name || err.constructor?.name, message, code: err.code};
}

function TeeReporter(runner, options = {}) {
  const reporterOptions = options.reporterOptions || options.reporterOption || {};
  const Inner = loadInner(reporterOptions.inner);
  this.inner = Inner ? new Inner(runner, options) : null;
  const out = reporterOptions.json;
  const {
    EVENT_RUN_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING,
    EVENT_RUN_END
  } = runner.constructor.constants;
  const tests = [];
  let planned = 0;
  runner.once(EVENT_RUN_BEGIN, () => {
    planned = runner.suite.total();
  });
  const record = (test, state, err) => {
    tests.push({
      fullTitle: test.fullTitle(),
      title: test.title,
      type: test.type, // 'test' or 'hook' (a failing before/after hook)
      file: test.file ? path.relative(process.cwd(), test.file) : undefined,
      state,
      duration: test.duration,
      error: errorText(err)
    });
  };
  runner.on(EVENT_TEST_PASS, test => record(test, 'passed'));
  runner.on(EVENT_TEST_FAIL, (test, err) => record(test, 'failed', err));
  runner.on(EVENT_TEST_PENDING, test => record(test, 'pending'));
  runner.once(EVENT_RUN_END, () => {
    if(!out) {
      return;
    }
    const count = state => tests.filter(
      t => t.state === state && t.type !== 'hook').length;
    const stats = {
      ...(runner.stats || {}),
      passes: count('passed'),
      failures: count('failed'),
      pending: count('pending'),
      hookFailures: tests.filter(t => t.state === 'failed' && t.type === 'hook').length,
      // tests defined in the suite; those under a failed before-all hook never run
      planned
    };
    stats.notRun = Math.max(0, planned -
      tests.filter(t => t.type !== 'hook').length);
    fs.mkdirSync(path.dirname(out), {recursive: true});
    fs.writeFileSync(out, JSON.stringify({stats, tests}, null, 2) + '\n');
  });
}

TeeReporter.prototype.done = function(failures, fn) {
  if(this.inner && typeof this.inner.done === 'function') {
    return this.inner.done(failures, fn);
  }
  fn(failures);
};

module.exports = TeeReporter;
