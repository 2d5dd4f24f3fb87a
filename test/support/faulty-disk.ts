/**
 * An audit file opener whose disk can be made to fail (ENOSPC, EACCES, EIO), cut a write short, or
 * stall, between one request and the next: the real file underneath, so what reached it is checked.
 */
import { open } from 'node:fs/promises';

import type { AuditFileHandle, AuditFileOpener } from '../../src/ops/audit';

export type DiskFault = 'ENOSPC' | 'EACCES' | 'EIO';

export class FaultyDisk {
  /** Every open, write and sync fails with this code while set. */
  fault: DiskFault | undefined;
  /** The next write puts this many bytes on the disk, then fails with ENOSPC. */
  shortWriteBytes: number | undefined;
  /** While set, writes wait for it to resolve. */
  stall: Promise<void> | undefined;
  writes = 0;

  private error(code: DiskFault): NodeJS.ErrnoException {
    return Object.assign(new Error(`${code}: simulated disk fault, write`), { code });
  }

  readonly opener: AuditFileOpener = async (path) => {
    if (this.fault === 'EACCES') throw this.error('EACCES');
    const handle = await open(path, 'a+');
    const faulty: AuditFileHandle = {
      stat: () => handle.stat(),
      read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
      write: async (buffer, offset, length) => {
        if (this.stall) await this.stall;
        this.writes += 1;
        if (this.fault) throw this.error(this.fault);
        if (this.shortWriteBytes !== undefined) {
          const bytes = this.shortWriteBytes;
          this.shortWriteBytes = undefined;
          await handle.write(buffer, offset, Math.min(bytes, length));
          throw this.error('ENOSPC');
        }
        return handle.write(buffer, offset, length);
      },
      datasync: async () => {
        if (this.fault) throw this.error(this.fault);
        await handle.datasync();
      },
      truncate: async (length) => {
        if (this.fault) throw this.error(this.fault);
        await handle.truncate(length);
      },
      close: () => handle.close(),
    };
    return faulty;
  };
}
