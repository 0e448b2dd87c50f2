import { businessDateOf } from '../../chaincode/src/lib/identity';
import { GatewayClient, GatewayError, GatewayUnreachable } from '../../gateway/src/client';
import type { Expectation } from './model';
import type { Operation, Phase, PhaseName } from './plan';

/**
 * Feeds a seed plan through the gateway's REST API, phase by phase in dependency order. Every request carries an
 * Idempotency-Key derived from the record it writes, so a run that stopped halfway is simply run again: writes that
 * committed are replayed by the gateway (or meet CONFLICT on the ledger), the rest are written now.
 */

const START_IT =
    'Start it with `npm run gateway:start` (after `npm run network:up` and `npm run gateway:bootstrap`), or pass ' +
    '--gateway <url>.';

export interface Counts {
    /** Written now. */
    ok: number;
    /** Answered from the gateway's idempotency store: written by an earlier run. */
    replayed: number;
    /** Already on the ledger (CONFLICT, or a transition already made): written by an earlier run. */
    existing: number;
    /** Refused or flagged exactly as the fraud label says. */
    labelled: number;
    failed: number;
    /** Not sent: no API key for the acting party, or the phase was skipped. */
    skipped: number;
}

export interface PhaseReport {
    readonly name: PhaseName;
    readonly status: 'done' | 'skipped';
    readonly reason?: string;
    readonly total: number;
    readonly counts: Counts;
    readonly ms: number;
    /** The first failures, as `<record>: <code> <message>`. */
    readonly failures: string[];
    readonly notes: string[];
}

export interface LoadReport {
    readonly phases: PhaseReport[];
    readonly totals: Counts;
    readonly ms: number;
}

export interface Reporter {
    phaseStart(phase: Phase): void;
    progress(phase: PhaseName, done: number, total: number): void;
    phaseEnd(report: PhaseReport): void;
}

export interface LoadOptions {
    readonly gatewayUrl: string;
    /** API keys by party ID; onboarding adds to it. */
    readonly keys: Map<string, string>;
    /** Called with every key onboarding issues, before anything else happens (persist it: it is shown once). */
    readonly saveKey?: (party: string, apiKey: string) => void;
    readonly reporter?: Reporter;
    /** Requests in flight at once in phases whose order does not matter. */
    readonly concurrency?: number;
    /** Run only these phases (the others are reported as skipped). */
    readonly only?: readonly PhaseName[];
    /**
     * China's business date (YYYY-MM-DD) the ledger dates these writes by; records whose label no longer holds on
     * it (`onlyBefore`) are not sent. Today, by default.
     */
    readonly today?: string;
    readonly maxAttempts?: number;
    readonly retryDelayMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
}

interface Reply {
    readonly status: number;
    readonly body: unknown;
    readonly replayed: boolean;
    readonly retryAfterMs: number | null;
}

interface ErrorBody {
    readonly error?: { readonly code?: string; readonly message?: string };
}

type Verdict = { kind: keyof Counts; message?: string } | { kind: 'retry' };

const zero = (): Counts => ({ ok: 0, replayed: 0, existing: 0, labelled: 0, failed: 0, skipped: 0 });
const RETRY_CODES = new Set(['LEDGER_CONFLICT', 'IDEMPOTENCY_IN_PROGRESS', 'COMMIT_UNKNOWN', 'LEDGER_UNAVAILABLE']);
/** Phases of state transitions: re-applying one already made answers PRECONDITION. */
const TRANSITIONS: ReadonlySet<PhaseName> = new Set(['verification', 'activation', 'signatures', 'customs', 'flags']);
const MAX_FAILURES_SHOWN = 20;

function errorOf(body: unknown): { code: string; message: string } {
    const error = (body as ErrorBody | null)?.error;
    return { code: error?.code ?? 'UNKNOWN', message: error?.message ?? JSON.stringify(body) };
}

/** Why a record is not sent, when its label is due only before a month that has come; null while it holds. */
function lapsed(expect: Expectation | undefined, month: string): string | null {
    if (expect?.outcome !== 'REJECTED' || expect.onlyBefore === undefined || month < expect.onlyBefore) return null;
    return `labelled ${expect.code} only before ${expect.onlyBefore}, and China's month is ${month}: the ledger would rightly accept it`;
}

/** What one answer means for one record. */
function judge(phase: PhaseName, expect: Expectation | undefined, ok: boolean, code: string, message: string): Verdict {
    if (ok) {
        if (expect?.outcome === 'REJECTED') return { kind: 'failed', message: `accepted, but labelled ${expect.code}` };
        return { kind: expect === undefined ? 'ok' : 'labelled' };
    }
    if (expect?.outcome === 'REJECTED' && expect.code === code) return { kind: 'labelled' };
    if (code === 'CONFLICT' || (code === 'PRECONDITION' && TRANSITIONS.has(phase))) return { kind: 'existing' };
    return { kind: 'failed', message: `${code} ${message}` };
}

function judgeReply(op: Operation, reply: Reply): Verdict {
    if (reply.status === 429 || reply.status === 503) return { kind: 'retry' };
    const ok = reply.status >= 200 && reply.status < 300;
    const { code, message } = ok ? { code: '', message: '' } : errorOf(reply.body);
    if (!ok && RETRY_CODES.has(code)) return { kind: 'retry' };
    const verdict = judge(op.phase, op.expect, ok, code, message);
    return ok && reply.replayed && verdict.kind === 'ok' ? { kind: 'replayed' } : verdict;
}

interface BulkRow {
    readonly tradeNo?: string;
    readonly ok: boolean;
    readonly code?: string;
    readonly message?: string;
    readonly status?: string;
}

/** One verdict per row of a bulk answer. */
function judgeRows(op: Operation, reply: Reply): { id: string; verdict: Verdict }[] {
    const rows = (reply.body as { result?: { results?: BulkRow[] } }).result?.results ?? [];
    const expected = new Map((op.rows ?? []).map((r) => [r.id, r.expect]));
    return rows.map((row) => {
        const id = row.tradeNo ?? '?';
        const verdict = judge(op.phase, expected.get(id), row.ok, row.code ?? '', row.message ?? '');
        return { id, verdict: reply.replayed && verdict.kind === 'ok' ? { kind: 'replayed' } : verdict };
    });
}

async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const item = items[next++] as T;
            await fn(item);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** The loader itself: one instance per run. */
class Loader {
    readonly #options: LoadOptions;
    readonly #gateway: GatewayClient;
    readonly #sleep: (ms: number) => Promise<void>;
    readonly #month: string;

    constructor(options: LoadOptions) {
        this.#options = options;
        this.#month = (options.today ?? businessDateOf(new Date().toISOString())).slice(0, 7);
        this.#gateway = new GatewayClient({ baseUrl: options.gatewayUrl, whenUnreachable: START_IT });
        this.#sleep = options.sleep ?? ((ms): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)));
    }

    /** The routes the gateway serves, as `POST /v1/parties/{partyId}/verify`. */
    async routes(): Promise<Set<string>> {
        const health = await this.#gateway.send('get', '/healthz');
        if (health.status !== 200) {
            throw new GatewayUnreachable(this.#gateway.baseUrl, `GET /healthz answered ${health.status}`, START_IT);
        }
        const doc = await this.#gateway.openApi();
        const out = new Set<string>();
        for (const [path, methods] of Object.entries(doc.paths)) {
            for (const method of Object.keys(methods)) out.add(`${method.toUpperCase()} ${path}`);
        }
        return out;
    }

    async #send(op: Operation, apiKey: string): Promise<Reply> {
        const answer = await this.#gateway.as(apiKey).send(op.http.method, op.http.path, {
            body: op.http.body,
            idempotencyKey: op.idempotencyKey,
        });
        const retryAfter = Number(answer.headers['retry-after']);
        return {
            status: answer.status,
            body: answer.body,
            replayed: answer.headers['idempotent-replayed'] === 'true',
            retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
        };
    }

    /** Sends one operation, retrying what the gateway says may be retried, with the same Idempotency-Key. */
    async #sendWithRetry(op: Operation, apiKey: string): Promise<{ reply: Reply; verdict: Verdict }> {
        const attempts = this.#options.maxAttempts ?? 8;
        const base = this.#options.retryDelayMs ?? 500;
        for (let attempt = 1; ; attempt++) {
            const reply = await this.#send(op, apiKey);
            const verdict = judgeReply(op, reply);
            if (verdict.kind !== 'retry' || attempt >= attempts) {
                const final: Verdict =
                    verdict.kind === 'retry'
                        ? {
                              kind: 'failed',
                              message: `gave up after ${attempt} attempts: ${JSON.stringify(reply.body)}`,
                          }
                        : verdict;
                return { reply, verdict: final };
            }
            await this.#sleep(reply.retryAfterMs ?? Math.min(10_000, base * 2 ** (attempt - 1)));
        }
    }

    /** Redeems an enrolment code as the person it is for would: no API key, the code is the credential. */
    async #redeem(enrolmentCode: string): Promise<string | undefined> {
        try {
            return (await this.#gateway.call('enrol', { body: { enrolmentCode } })).apiKey;
        } catch (error) {
            if (error instanceof GatewayError) return undefined;
            throw error;
        }
    }

    /**
     * Onboarding: the enrolment code is in the answer once; redeem it for the person's key at once, keep the key at
     * once, and never onboard someone twice.
     */
    async #onboarded(op: Operation, reply: Reply, verdict: Verdict): Promise<Verdict> {
        const party = op.actor.party;
        const target = (op.http.body as { party: string; username: string }).party;
        const username = (op.http.body as { username: string }).username;
        const code = (reply.body as { enrolmentCode?: string } | null)?.enrolmentCode;
        const apiKey = code !== undefined && reply.status < 300 ? await this.#redeem(code) : undefined;
        if (apiKey !== undefined) {
            this.#options.keys.set(target, apiKey);
            this.#options.saveKey?.(target, apiKey);
            return verdict;
        }
        if (reply.status >= 300 && reply.status !== 409) return verdict;
        return {
            kind: 'failed',
            message:
                `${username} was onboarded by ${party} in an earlier run but its API key is not in the key file; ` +
                `revoke it (POST /v1/identities/${username}/revoke) and run again`,
        };
    }

    /** What a record gets without being sent: onboarded already, or its label no longer due; null to send it. */
    #unsent(op: Operation): Verdict | null {
        if (op.phase === 'identities' && this.#options.keys.has(op.id)) return { kind: 'existing' };
        const notDue = lapsed(op.expect, this.#month);
        return notDue === null ? null : { kind: 'skipped', message: `${op.id} not sent: ${notDue}` };
    }

    async runOp(op: Operation, record: (id: string, v: Verdict) => void): Promise<void> {
        const ids = op.rows?.map((r) => r.id) ?? [op.id];
        const unsent = this.#unsent(op);
        if (unsent !== null) {
            for (const id of ids) record(id, unsent);
            return;
        }
        const apiKey = this.#options.keys.get(op.actor.party);
        if (apiKey === undefined) {
            for (const id of ids) record(id, { kind: 'skipped', message: `no API key for ${op.actor.party}` });
            return;
        }
        const { reply, verdict } = await this.#sendWithRetry(op, apiKey);
        if (op.phase === 'identities') {
            record(op.id, await this.#onboarded(op, reply, verdict));
        } else if (op.rows !== undefined && reply.status < 300) {
            for (const row of judgeRows(op, reply)) record(row.id, row.verdict);
        } else {
            for (const id of ids) record(id, verdict);
        }
    }
}

function missingRoutes(phase: Phase, routes: ReadonlySet<string>): string[] {
    const wanted = new Set(phase.ops.map((o) => `${o.http.method} ${o.http.route}`));
    return [...wanted].filter((r) => !routes.has(r));
}

function skipReason(
    phase: Phase,
    routes: ReadonlySet<string>,
    skipped: ReadonlySet<PhaseName>,
    only?: readonly PhaseName[],
): string | null {
    if (only !== undefined && !only.includes(phase.name)) return 'not selected';
    const missing = missingRoutes(phase, routes);
    if (missing.length > 0) return `the gateway has no ${missing.join(', ')} yet`;
    const blocked = phase.needs.filter((n) => skipped.has(n) && (only === undefined || only.includes(n)));
    if (blocked.length > 0) return `needs phase ${blocked.join(', ')}, which was skipped`;
    return null;
}

function addCounts(into: Counts, from: Counts): void {
    for (const key of Object.keys(into) as (keyof Counts)[]) into[key] += from[key];
}

/** Runs every phase of the plan against the gateway; resolves with what happened, rejects only if it is unreachable. */
export async function loadPlan(plan: readonly Phase[], options: LoadOptions): Promise<LoadReport> {
    const started = Date.now();
    const loader = new Loader(options);
    const routes = await loader.routes();
    const skipped = new Set<PhaseName>();
    const phases: PhaseReport[] = [];
    const totals = zero();
    for (const phase of plan) {
        const t0 = Date.now();
        const reason = skipReason(phase, routes, skipped, options.only);
        const total = phase.ops.reduce((n, o) => n + (o.rows?.length ?? 1), 0);
        const counts = zero();
        const failures: string[] = [];
        const skipNotes = new Set<string>();
        options.reporter?.phaseStart(phase);
        if (reason === null) {
            let done = 0;
            const record = (id: string, v: Verdict): void => {
                if (v.kind === 'retry') return;
                counts[v.kind]++;
                done++;
                if (v.kind === 'failed' && failures.length < MAX_FAILURES_SHOWN)
                    failures.push(`${id}: ${v.message ?? ''}`);
                if (v.kind === 'skipped' && v.message !== undefined) skipNotes.add(v.message);
                options.reporter?.progress(phase.name, done, total);
            };
            const concurrency = phase.ordered ? 1 : (options.concurrency ?? 4);
            await runPool(phase.ops, concurrency, (op) => loader.runOp(op, record));
        } else {
            skipped.add(phase.name);
            counts.skipped = total;
        }
        const report: PhaseReport = {
            name: phase.name,
            status: reason === null ? 'done' : 'skipped',
            ...(reason === null ? {} : { reason }),
            total,
            counts,
            ms: Date.now() - t0,
            failures,
            notes: [...skipNotes].sort(),
        };
        addCounts(totals, counts);
        phases.push(report);
        options.reporter?.phaseEnd(report);
    }
    return { phases, totals, ms: Date.now() - started };
}

/** Progress on a stream (stderr by default): one line per phase, a progress line every tenth of a long phase. */
export function consoleReporter(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Reporter {
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
    const shown = new Map<PhaseName, number>();
    return {
        phaseStart: (phase): void => {
            shown.set(phase.name, 0);
        },
        progress: (name, done, total): void => {
            if (total < 50) return;
            const tenth = Math.floor((done * 10) / total);
            if (tenth > (shown.get(name) ?? 0) && done < total) {
                shown.set(name, tenth);
                write(`  ${name.padEnd(14)} ${String(done).padStart(6)}/${total}`);
            }
        },
        phaseEnd: (r): void => {
            if (r.status === 'skipped') {
                write(`  ${r.name.padEnd(14)} skipped: ${r.reason ?? ''}`);
                return;
            }
            const c = r.counts;
            const parts = [
                `${c.ok} written`,
                c.replayed > 0 ? `${c.replayed} replayed` : '',
                c.existing > 0 ? `${c.existing} already there` : '',
                c.labelled > 0 ? `${c.labelled} refused/flagged as labelled` : '',
                c.failed > 0 ? `${c.failed} FAILED` : '',
                c.skipped > 0 ? `${c.skipped} skipped` : '',
            ].filter((p) => p !== '');
            write(`  ${r.name.padEnd(14)} ${String(r.total).padStart(6)}  ${parts.join(', ')}  (${seconds(r.ms)})`);
            for (const note of r.notes) write(`      note: ${note}`);
            for (const failure of r.failures) write(`      failed: ${failure}`);
        },
    };
}
