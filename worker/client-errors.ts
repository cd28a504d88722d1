/** The errors EngineClient rejects with (exported from engine-client.ts, the library's name for them). */

/**
 * A command that did not reach the journal before the worker died, or a client that failed
 * (`cause`: a JournalWriteError when the journal could not be written).
 */
export class EngineWorkerError extends Error {
  /** submitBatch: how many of the batch's commands were applied before the failure. */
  applied = 0;
}

/**
 * A call the client's state does not allow: `start()` twice, a command before `start()` or after
 * `close()`. `state` is the client's state at the call (new, starting, running, closing, closed).
 */
export class EngineClientStateError extends Error {
  constructor(
    message: string,
    readonly state: string,
  ) {
    super(message);
  }
}
