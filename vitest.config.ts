import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // onnxruntime-node's usage telemetry off in tests too (see bin/cutline.js).
    env: { ORT_DISABLE_TELEMETRY: '1' },
    expect: {
      // A test that checks nothing fails.
      requireAssertions: true,
      // UI polls wait for real work (analysis in a worker, layout, rendering) on a 2-core machine
      // running other test files at the same time: one second is too tight there.
      poll: { timeout: 15_000 },
    },
  },
});
