import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Worker threads run the built JavaScript: build first when the sources are newer.
    globalSetup: ["test/build-once.ts"],
    pool: "forks",
    testTimeout: 60_000,
  },
});
