/**
 * The URL of a module a worker thread should load. Worker threads run JavaScript: from dist/ the
 * module sits beside its caller; when the caller runs from TypeScript sources (vitest), the built
 * twin under dist/ is used (tests build first, see test/build-once.ts). Every caller sits one
 * folder below the project root (worker/, cli/).
 */
export function builtModuleUrl(relative: string, base: string): URL {
  const url = new URL(relative, base);
  if (!base.endsWith(".ts")) return url;
  const root = new URL("../", base);
  return new URL(`dist/${url.href.slice(root.href.length).replace(/\.ts$/, ".js")}`, root);
}
