import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Native addons must not share a process between test files running in threads.
    pool: 'forks',
    include: ['__test__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
    typecheck: {
      enabled: true,
      include: ['__test__/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
})
