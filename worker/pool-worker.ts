/**
 * The entry of every task-pool thread (piscina): a task names a module and one of its exports,
 * which is called with the task's input. New kinds of parallel work (replays, parameter sweeps)
 * are new task modules, not new pools.
 */
export interface PoolTask {
  /** URL of a built module. */
  module: string;
  /** The exported async function to call. */
  name: string;
  input: unknown;
}

type TaskFunction = (input: unknown) => unknown;

export default async function runPoolTask(task: PoolTask): Promise<unknown> {
  const mod = (await import(task.module)) as Record<string, unknown>;
  const fn = mod[task.name];
  if (typeof fn !== "function") throw new Error(`task ${task.name} not exported by ${task.module}`);
  return (fn as TaskFunction)(task.input);
}
