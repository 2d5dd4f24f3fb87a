/**
 * One cluster worker's IPC channel to the primary, without processes: asynchronous (a message
 * arrives on a later turn of the event loop, as over the pipe) and JSON-only (a copy crosses, as
 * with cluster IPC's serialisation). `channel` is the worker's end (its `process`), `port` the
 * primary's (its cluster Worker); `primary` is what handles the worker's messages.
 */
import type { PrimaryMessage, WorkerMessage } from '../../src/cluster/messages';
import type { WorkerPort } from '../../src/cluster/primary-audit';
import type { PrimaryChannel } from '../../src/cluster/worker-audit';

export class FakeIpc {
  connected = true;
  /** Messages to the primary are lost (a primary stuck or gone without a disconnect yet). */
  drop = false;
  /** Sends to the primary fail (the channel closed). */
  failSends = false;
  /** Every message each side sent, in order. */
  readonly toPrimary: WorkerMessage[] = [];
  readonly toWorker: PrimaryMessage[] = [];
  private readonly listeners = { message: [] as ((m: unknown) => void)[], disconnect: [] as (() => void)[] };

  readonly channel: PrimaryChannel;
  readonly port: WorkerPort;

  constructor(primary: (port: WorkerPort, message: unknown) => void) {
    const ipc = { connected: () => this.connected };
    this.port = {
      send: (message, callback) => {
        const copy = crossed(message);
        this.toWorker.push(copy);
        setImmediate(() => this.listeners.message.forEach((l) => l(copy)));
        callback?.(null);
        return true;
      },
      isConnected: () => this.connected,
    };
    this.channel = {
      get connected() {
        return ipc.connected();
      },
      send: (message, callback) => {
        if (this.failSends) {
          setImmediate(() => callback(new Error('channel closed')));
          return;
        }
        const copy = crossed(message);
        this.toPrimary.push(copy);
        setImmediate(() => {
          if (!this.drop) primary(this.port, copy);
          callback(null);
        });
      },
      on: (event: 'message' | 'disconnect', listener: (m: unknown) => void) => {
        if (event === 'message') this.listeners.message.push(listener);
        else this.listeners.disconnect.push(listener as () => void);
      },
    };
  }

  /** The primary has gone: the worker's end says so. */
  disconnect(): void {
    this.connected = false;
    this.listeners.disconnect.forEach((l) => l());
  }
}

function crossed<T>(message: T): T {
  return JSON.parse(JSON.stringify(message)) as T;
}
