export { readBody, startLoopbackServer } from './loopback-server.ts';
export type { LoopbackServer, LoopbackServerOptions } from './loopback-server.ts';
