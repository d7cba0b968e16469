// The echo service's template locals shared by the render tests (golden files, sh -n, DPKG_ROOT runs).
import type { ServiceLocals } from '../../src/render/locals.js';

export const SERVICE: ServiceLocals = {
  name: 'echo',
  summary: 'TCP echo server (R&D, 100%)',
  homepage: 'https://example.org/echo',
  family: 'deb',
  user: 'echo',
  group: 'echo',
  createUser: true,
  launch: ['/usr/lib/echo/node', '--enable-source-maps', '/usr/lib/echo/launcher.cjs'],
  target: ['echo'],
  envVar: 'TACD_ARGS',
  defaultArgs: ['--port', '7001'],
  envFile: '/etc/default/echo',
  stateDir: '/var/lib/echo',
  logsDir: '/var/log/echo',
  runtimeDir: '/run/echo',
  pidFile: '/run/echo/echo.pid',
  logFile: '/var/log/echo/echo.log',
  privilegedPort: false,
  socketPorts: [],
  units: ['echo.service'],
  initScript: true,
  runtime: 'bundled',
};
