/**
 * A pool of worker threads (piscina) for independent work: several replays at once, and later the
 * simulation's parameter sweeps. A task is (module, export, input): add work by adding a module.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { builtModuleUrl } from "./module-url.js";
import type { PoolTask } from "./pool-worker.js";

export interface TaskPoolOptions {
  /** Threads at most (default: the machine's parallelism). */
  threads?: number;
}

export class TaskPool {
  private readonly pool: Piscina<PoolTask, unknown>;

  constructor(options: TaskPoolOptions = {}) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.pool = new Piscina<PoolTask, unknown>({
      filename: builtModuleUrl("./pool-worker.js", import.meta.url).href,
      minThreads: 1,
      maxThreads: threads,
      // Tasks are long (whole replays): one at a time per thread.
      concurrentTasksPerWorker: 1,
    });
  }

  /** Runs `module`'s export `name` on `input` in a pool thread. `module`: a built module's URL. */
  run<I, O>(module: URL, name: string, input: I): Promise<O> {
    return this.pool.run({ module: module.href, name, input }) as Promise<O>;
  }

  /** Runs one task per input; results in input order. */
  map<I, O>(module: URL, name: string, inputs: readonly I[]): Promise<O[]> {
    return Promise.all(inputs.map((input) => this.run<I, O>(module, name, input)));
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
