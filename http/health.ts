/**
 * Liveness and readiness: `GET /healthz` says the process serves; `GET /readyz` runs the
 * registered checks and says whether this instance should get traffic.
 *
 * @module
 */

/** A readiness check; it may be async and receives an abort signal for its timeout. */
export type ReadinessCheck = (
  signal: AbortSignal,
) =>
  | boolean
  | { ok: boolean; detail?: string }
  | Promise<boolean | { ok: boolean; detail?: string }>;

type ReadinessResult = Awaited<ReturnType<ReadinessCheck>>;

type CheckReport = Awaited<ReturnType<ReadinessChecks["run"]>>["checks"][string];

/**
 * Named readiness checks with a per-check timeout. A check that throws or times out fails.
 *
 * @example
 * ```ts
 * import { ReadinessChecks } from "@avila/avx-http/server";
 * const checks = new ReadinessChecks();
 * checks.register("db", () => true);
 * const report = await checks.run();
 * console.log(report.status); // "ready"
 * ```
 */
export class ReadinessChecks {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #shutdown?: AbortSignal;
  /** Per-check timeout in milliseconds. */
  timeoutMs: number = 2000;

  /**
   * Creates an empty set of checks.
   *
   * @param shutdown when aborted, the app reports itself not ready
   */
  constructor(shutdown?: AbortSignal) {
    this.#shutdown = shutdown;
  }

  /** Adds or replaces a check. */
  register(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Removes a check. */
  unregister(name: string): void {
    this.#checks.delete(name);
  }

  /** Runs every check concurrently. */
  async run(): Promise<{
    /** `ready` when every check passed and the app is not shutting down. */
    status: "ready" | "not_ready";
    /** One entry per registered check. */
    checks: Record<string, {
      /** Whether it passed. */
      ok: boolean;
      /** Why not, when it failed. */
      detail?: string;
      /** How long it took, in milliseconds. */
      durationMs: number;
    }>;
  }> {
    const checks: Record<string, CheckReport> = {};
    let ok = !(this.#shutdown?.aborted ?? false);
    if (!ok) checks["shutdown"] = { ok: false, detail: "shutting down", durationMs: 0 };
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        const report = await this.#runOne(check);
        checks[name] = report;
        if (!report.ok) ok = false;
      }),
    );
    return { status: ok ? "ready" : "not_ready", checks };
  }

  async #runOne(check: ReadinessCheck): Promise<CheckReport> {
    const started = performance.now();
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<ReadinessResult>((resolve) => {
      timer = setTimeout(() => {
        ac.abort();
        resolve({ ok: false, detail: `timed out after ${this.timeoutMs} ms` });
      }, this.timeoutMs);
    });
    let result: ReadinessResult;
    try {
      result = await Promise.race([Promise.resolve().then(() => check(ac.signal)), timeout]);
    } catch (e) {
      result = { ok: false, detail: e instanceof Error ? e.message : "check failed" };
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    if (typeof result === "boolean") return { ok: result, durationMs };
    return result.detail === undefined
      ? { ok: result.ok, durationMs }
      : { ok: result.ok, detail: result.detail, durationMs };
  }
}
