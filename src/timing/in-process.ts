import type http from 'node:http';
import { Duplex } from 'node:stream';

/**
 * Opens an in-memory connection to an in-process `http.Server`: the server sees a connection
 * (as if accepted from a socket) whose bytes never leave the process. Timing measured over it
 * leaves out the kernel, loopback and the scheduler, so its floor is far lower than over TCP.
 */
export function inMemoryConnector(server: http.Server): () => Duplex {
  return () => {
    const end = (peer: () => Duplex) => (cb: (error?: Error | null) => void): void => {
      peer().push(null);
      cb();
    };
    const side = (peer: () => Duplex): Duplex =>
      new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, cb) {
          peer().push(chunk);
          cb();
        },
        final: end(peer),
        destroy(error, cb) {
          if (!peer().destroyed) peer().destroy();
          cb(error);
        },
      });
    const clientSide: Duplex = side(() => serverSide);
    const serverSide: Duplex = side(() => clientSide);
    Object.assign(serverSide, { remoteAddress: '127.0.0.1', remotePort: 0, remoteFamily: 'IPv4', encrypted: false });
    server.emit('connection', serverSide);
    return clientSide;
  };
}
