/** `npm run bench`'s settings, from BENCH_* environment variables (README "Benchmarks"). */
export const SECTIONS = ['memory', 'bare', 'postgres', 'large', 'workers'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly sections: ReadonlySet<Section>;
  readonly seconds: number;
  /** Seconds of the same load before each measured run, not counted (JIT, heap sizing, every worker warm). */
  readonly warmupSeconds: number;
  readonly threads: number;
  readonly connections: number;
  /** Patients in the memory store's synthetic practice. */
  readonly patients: number;
  /** Patients imported into PostgreSQL. */
  readonly pgPatients: number;
  /** Distinct patients each rotation covers. */
  readonly rotation: number;
  /** WORKERS for every section but `workers` (1: the service/bare ratio compares one process with one). */
  readonly workers: number;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = 1e9): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

export function benchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const only = (env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY: unknown section ${unknown.join(', ')}; known: ${SECTIONS.join(',')}`);
  }
  const rotation = whole(env, 'BENCH_ROTATION', 1000, 1);
  const patients = whole(env, 'BENCH_PATIENTS', 1000, 1);
  const pgPatients = whole(env, 'BENCH_PG_PATIENTS', 10_000, 1);
  if (rotation > Math.min(patients, pgPatients)) {
    throw new Error(`BENCH_ROTATION (${rotation}) exceeds BENCH_PATIENTS or BENCH_PG_PATIENTS`);
  }
  return {
    sections: new Set((only.length > 0 ? only : SECTIONS) as Section[]),
    // A run sends one JWT throughout, and the spec fixes its lifetime at 5 minutes.
    seconds: whole(env, 'BENCH_SECONDS', 10, 1, 280),
    warmupSeconds: whole(env, 'BENCH_WARMUP_SECONDS', 5, 0, 280),
    threads: whole(env, 'BENCH_THREADS', 2, 1),
    connections: whole(env, 'BENCH_CONNECTIONS', 32, 1),
    patients,
    pgPatients,
    rotation,
    workers: whole(env, 'BENCH_WORKERS', 1, 1),
  };
}
