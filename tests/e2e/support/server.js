// Starts the real server (`sequencial-testhooks`, path from the environment
// variable SEQUENCIAL_TESTHOOKS_BIN as CTest passes it) on a free port with a
// fresh SQLite file, a known first admin and a test clock file; reads the
// port from the `event=listening ... port=N` log line.
'use strict';

const {spawn} = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'e2e-password-123';

function binaryPath() {
  const bin = process.env.SEQUENCIAL_TESTHOOKS_BIN;
  if (!bin) {
    throw new Error('SEQUENCIAL_TESTHOOKS_BIN is not set: run through ctest (-R e2e_admin_ui) ' +
      'or set it to the built sequencial-testhooks binary');
  }
  if (!fs.existsSync(bin)) throw new Error('SEQUENCIAL_TESTHOOKS_BIN does not exist: ' + bin);
  return bin;
}

// Resolves {port, baseUrl, dir, log(), stop()}; `now` is the server's clock.
async function startServer({now}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sequencial-e2e-'));
  const clockFile = path.join(dir, 'clock');
  fs.writeFileSync(clockFile, String(Math.floor(now.getTime() / 1000)));
  const child = spawn(binaryPath(), ['serve', '--listen', '127.0.0.1:0', '--db', path.join(dir, 'e2e.db'),
    '--admin-email', ADMIN_EMAIL, '--admin-password', ADMIN_PASSWORD, '--test-clock-file', clockFile,
    '--click-flush-interval-ms', '50', '--test-fast-passwords'], {stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({code, signal})));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not log its port within 15 s:\n' + output)), 15000);
    const onData = (chunk) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.includes('event=listening') && / port=\d+/.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(Number(/ port=(\d+)/.exec(line)[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({code, signal}) => {
      clearTimeout(timer);
      reject(new Error('server exited (' + (code ?? signal) + ') before listening:\n' + output));
    });
  });
  return {
    port,
    baseUrl: 'http://127.0.0.1:' + port,
    dir,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await Promise.race([exited,
        new Promise((resolve) => setTimeout(() => resolve(null), 10000))]);
      if (result === null) {
        child.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, {recursive: true, force: true});
      return result;
    },
  };
}

module.exports = {startServer, ADMIN_EMAIL, ADMIN_PASSWORD};
