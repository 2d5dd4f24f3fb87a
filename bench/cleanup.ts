/**
 * Everything the bench starts or creates, undone in reverse order on the way out: normally, on an
 * error, and on Ctrl-C / SIGTERM (the signal handler runs the same list, then exits 130 / 143).
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

type Task = () => void | Promise<void>;

export class Cleanup {
  private readonly tasks = new Set<{ readonly name: string; readonly run: Task }>();
  private running: Promise<void> | undefined;

  /** Runs task at the end; the returned function drops it (once it is no longer needed). */
  add(name: string, run: Task): () => void {
    const entry = { name, run };
    this.tasks.add(entry);
    return () => this.tasks.delete(entry);
  }

  /** SIGTERM the child (its process group too, when it leads one) unless it has exited by then. */
  killOnExit(child: ChildProcess): () => void {
    const forget = this.add(`process ${child.pid}`, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });
    child.once('exit', forget);
    return forget;
  }

  /** Deletes dir (recursively) at the end. */
  removeDir(dir: string): () => void {
    return this.add(`directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  }

  /** Runs every task, latest first; a failing task is reported and the rest still run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const task of [...this.tasks].reverse()) {
        this.tasks.delete(task);
        try {
          await task.run();
        } catch (error) {
          process.stderr.write(`cleanup of ${task.name} failed: ${String(error)}\n`);
        }
      }
    })();
    return this.running;
  }

  /** Ctrl-C and SIGTERM: clean up, then exit with the conventional status. */
  onSignals(): void {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: stopping the servers and removing temporary files\n`);
        void this.run().finally(() => process.exit(code));
      });
    }
  }
}
