/**
 * The maintenance switch: the service is in maintenance while MAINTENANCE_FILE exists. An operator
 * turns it on and off with `touch` and `rm`, without a restart or a signal; the file's existence is
 * checked at most once per MAINTENANCE_POLL_MS (a single stat), so the cost per request is nil.
 * Every change is reported (and so audited) when the service first sees it. The file's directory is
 * created at start (the default is under /run, which a fresh machine does not have), so the
 * README's `touch` works as printed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface MaintenanceOptions {
  /** "" disables the switch. Relative paths are resolved against the working directory at start. */
  readonly file: string;
  readonly pollMs: number;
  readonly onChange: (on: boolean, file: string) => void;
  /** Told when the file's directory cannot be created (the switch then cannot be turned on). */
  readonly onDirectoryError?: (directory: string, error: Error) => void;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
}

export class MaintenanceSwitch {
  readonly file: string | undefined;
  private on: boolean;
  private checkedAt: number;
  private readonly now: () => number;

  constructor(private readonly options: MaintenanceOptions) {
    this.file = options.file === '' ? undefined : resolve(options.file);
    this.now = options.now ?? (() => performance.now());
    if (this.file !== undefined) {
      const directory = dirname(this.file);
      try {
        mkdirSync(directory, { recursive: true });
      } catch (error) {
        options.onDirectoryError?.(directory, error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.on = this.file !== undefined && existsSync(this.file);
    this.checkedAt = this.now();
  }

  isOn(): boolean {
    if (this.file === undefined) return false;
    const now = this.now();
    if (now - this.checkedAt >= this.options.pollMs) {
      this.checkedAt = now;
      const on = existsSync(this.file);
      if (on !== this.on) {
        this.on = on;
        this.options.onChange(on, this.file);
      }
    }
    return this.on;
  }
}
