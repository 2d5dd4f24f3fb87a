/** The wrk-output parser of `npm run bench` (bench/wrk.ts) and its settings (bench/bench-options.ts). */
import { benchOptions } from '../../bench/bench-options';
import { parseWrkOutput, WRK_MARKER, wrkScript } from '../../bench/wrk';

/** A real run of Debian's wrk 4.1.0 with the bench's script (done() prints the last line). */
const WRK_STDOUT = `Running 1s test @ http://127.0.0.1:39111
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.47ms   10.98ms  92.47ms   93.32%
    Req/Sec     2.90k     5.17k   23.41k    95.00%
  5795 requests in 1.02s, 718.72KB read
Requests/sec:   5699.61
Transfer/sec:    706.89KB
${WRK_MARKER}{"requests":5795,"durationUs":1016736,"bytes":735965,"connect":0,"read":0,"write":0,\
"status":0,"timeout":0,"p50Us":316,"p99Us":66963}
`;

describe('parseWrkOutput', () => {
  it("reads requests/s, p50, p99 and bytes/s from the script's summary line", () => {
    const r = parseWrkOutput(WRK_STDOUT);
    expect(r.tool).toBe('wrk');
    expect(r.requests).toBe(5795);
    expect(r.requestsPerSecond).toBeCloseTo(5699.6, 1);
    expect(r.p50Ms).toBeCloseTo(0.316, 3);
    expect(r.p99Ms).toBeCloseTo(66.963, 3);
    expect(r.bytesPerSecond).toBeCloseTo(735965 / 1.016736, 0);
    expect(r.httpErrors).toBe(0);
    expect(r.socketErrors).toBe(0);
  });

  it('counts HTTP error answers apart from socket errors (connect, read, write, timeout summed)', () => {
    const line =
      `${WRK_MARKER}{"requests":100,"durationUs":2000000,"bytes":1000,` +
      '"connect":1,"read":2,"write":3,"status":7,"timeout":4,"p50Us":1000,"p99Us":9000}';
    const r = parseWrkOutput(`Running 2s test\n${line}\n`);
    expect(r.requestsPerSecond).toBe(50);
    expect(r.httpErrors).toBe(7);
    expect(r.socketErrors).toBe(10);
  });

  it('refuses output without the summary line, quoting what wrk printed', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(
      /printed no "BENCH_WRK_JSON" line.*Connection refused/,
    );
  });

  it('names the figures a summary line lacks', () => {
    expect(() => parseWrkOutput(`${WRK_MARKER}{"requests":1,"durationUs":1}\n`)).toThrow(
      /lacks bytes, connect/,
    );
  });
});

describe('wrkScript', () => {
  it('quotes header values and paths for Lua, and reads one body per line from the file', () => {
    const script = wrkScript('/tmp/b "x".txt', '/P1/$gpc.getstructuredrecord', { A: 'say "hi"\\' });
    expect(script).toContain('io.lines("/tmp/b \\"x\\".txt")');
    expect(script).toContain('["A"] = "say \\"hi\\"\\\\"');
    expect(script).toContain('local path = "/P1/$gpc.getstructuredrecord"');
  });
});

describe('benchOptions', () => {
  it('runs every section with wrk -t2 -c32 -d10s over 1,000 patients by default', () => {
    const o = benchOptions({});
    expect([...o.sections]).toEqual(['memory', 'bare', 'postgres', 'large', 'workers']);
    expect([o.threads, o.connections, o.seconds, o.rotation, o.pgPatients]).toEqual([2, 32, 10, 1000, 10000]);
  });

  it('selects sections with BENCH_ONLY and refuses an unknown one by name', () => {
    expect([...benchOptions({ BENCH_ONLY: 'bare, large' }).sections]).toEqual(['bare', 'large']);
    expect(() => benchOptions({ BENCH_ONLY: 'memory,disk' })).toThrow(/unknown section disk/);
    expect(() => benchOptions({ BENCH_SECONDS: 'ten' })).toThrow(/BENCH_SECONDS must be a whole number/);
    expect(() => benchOptions({ BENCH_SECONDS: '300' })).toThrow(
      /BENCH_SECONDS must be a whole number from 1 to 280/,
    );
  });

  it('refuses a rotation larger than the practice (it would repeat patients)', () => {
    expect(() => benchOptions({ BENCH_PATIENTS: '500' })).toThrow(/BENCH_ROTATION \(1000\) exceeds/);
  });
});
