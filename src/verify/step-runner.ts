/**
 * Runs the checks of a verify run one by one into its result table: after a
 * failed check the later ones are skipped (unless they always run), and an
 * abort ends the run with interruptedError() instead of a failed step.
 */
import { describeError } from '../core/errors.js';
import { CheckFailed } from './checks/check.js';
import { interruptedError, throwIfAborted } from './interrupt.js';
import type { VerifyResult } from './verify.js';

export class StepRunner {
  failed = false;
  readonly result: VerifyResult;
  private readonly onProgress: (line: string) => void;
  private readonly signal: AbortSignal | undefined;
  constructor(result: VerifyResult, onProgress: (line: string) => void, signal: AbortSignal | undefined) {
    this.result = result;
    this.onProgress = onProgress;
    this.signal = signal;
  }

  /** Runs a check; returns false when it failed (or was skipped). Once aborted, throws interruptedError() instead. */
  async run(name: string, fn: () => Promise<string>, options: { always?: boolean } = {}): Promise<boolean> {
    throwIfAborted(this.signal);
    if (this.failed && !options.always) {
      this.skip(name, 'skipped: an earlier check failed');
      return false;
    }
    this.onProgress(`${name}...`);
    const t0 = Date.now();
    try {
      this.pass(name, await fn(), Date.now() - t0);
      return true;
    } catch (e) {
      // a command killed by the interrupt (Ctrl-C reaches our process group) is no failed check
      if (this.signal?.aborted) throw interruptedError(this.signal);
      this.failStep(name, e instanceof CheckFailed ? e.message : `error: ${describeError(e)}`, Date.now() - t0);
      return false;
    }
  }

  skip(name: string, detail: string): void {
    this.result.steps.push({ name, ok: true, skipped: true, detail, ms: 0 });
  }

  private pass(name: string, detail: string, ms: number): void {
    this.result.steps.push({ name, ok: true, detail, ms });
  }

  private failStep(name: string, detail: string, ms: number): void {
    this.result.steps.push({ name, ok: false, detail, ms });
    this.failed = true;
    this.result.ok = false;
  }
}
