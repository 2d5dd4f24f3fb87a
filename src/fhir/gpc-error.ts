import { SPINE_CODES, type SpineCode } from './spine-codes';

/**
 * The one error type of the request pipeline. Any stage throws it; the error middleware renders it.
 * `diagnostics` must name the offending header, claim or parameter, and must never carry clinical data.
 */
export class GpcError extends Error {
  readonly status: number;

  constructor(
    readonly spineCode: SpineCode,
    readonly diagnostics: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${spineCode}: ${diagnostics}`);
    this.name = 'GpcError';
    this.status = SPINE_CODES[spineCode].status;
  }

  /** Keeps the underlying fault for the log; it never reaches the response. */
  withCause(cause: unknown): this {
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
    return this;
  }
}
