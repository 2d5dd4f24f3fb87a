/**
 * The import check (`npm run lint:imports`): the direction of the layers and no cycles between files.
 * Layers, top to bottom: src/operations (one request's orchestration) → src/record, src/bundle →
 * src/contract (what the operation asks of the record). tools/, bench/, examples/ and test/ sit beside
 * src and may import it, never the reverse. Why dependency-cruiser: docs/decisions.md ("Lint and format").
 *
 * Violations present when a rule was written are listed in .dependency-cruiser-known-violations.json
 * and reported as warnings (`--ignore-known`); regenerate that file with `npm run lint:imports:baseline`
 * only to shrink it. Every other violation fails CI.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between files means no layer order exists; break it through src/contract.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-tools',
      severity: 'error',
      comment:
        'Production code must not import benches, examples, tests or tools: the build would ship them.',
      from: { path: '^src/' },
      to: { path: '^(bench|examples|test|tools)/' },
    },
    {
      name: 'layers-not-up-to-operations',
      severity: 'error',
      comment: 'The record, bundle and contract layers serve the operation; they do not call it.',
      from: { path: '^src/(record|bundle|contract)/' },
      to: { path: '^src/operations/' },
    },
    {
      name: 'bundle-only-record-model',
      severity: 'error',
      comment: 'The bundle layer reads the record through its model types only, not its assembly internals.',
      from: { path: '^src/bundle/' },
      to: { path: '^src/record/', pathNot: '^src/record/model/' },
    },
    {
      name: 'contract-is-neutral',
      severity: 'error',
      comment: 'src/contract is what every layer imports; it imports none of them.',
      from: { path: '^src/contract/' },
      to: { path: '^src/(record|bundle|operations)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|profiles)/|^[^/]+[.](mjs|cjs)$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a cycle through types is still a knot for the reader.
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
