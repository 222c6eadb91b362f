import type { Check } from '../../src/engine/types.js';

/** MODE-TLS: keys travel over HTTPS unless the server is on this machine. */
export const httpsTransport: Check = {
  id: 'modes.https-transport',
  requirement: 'MODE-TLS',
  level: 'SHOULD',
  category: 'modes',
  title: 'A remote server is reached over HTTPS (API keys are never sent unencrypted)',
  modes: () => true,
  applies: (target) => (target.kind === 'url' ? true : 'only for --target'),
  explain: {
    why: 'A Bearer key is a password sent with every request: over plain http anyone on the path can read it and replay it.',
    typicalFault: 'The API is exposed on http:// directly, or TLS ends at a proxy that forwards to the server over an untrusted network.',
    fix: 'Serve the API only over HTTPS (a reverse proxy such as nginx or Caddy is enough) and keep plain http on localhost.',
  },
  async run(ctx) {
    if (!ctx.target.plainHttp) return { status: 'pass', message: 'the target is reached over https' };
    if (ctx.target.loopback) return { status: 'pass', message: 'plain http, but to a loopback address: nothing leaves this machine' };
    return {
      status: 'fail',
      message: `the target ${ctx.target.label} is plain http on a non-loopback host: the key crosses the network unencrypted`,
      expected: 'https:// for any non-loopback server',
      actual: 'http://',
    };
  },
};
