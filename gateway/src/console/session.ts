import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../http/errors';
import type { Request, Response } from 'express';
import type { Awaitable } from '../store/awaitable';

/** One signed-in browser: which API key it acts as (never the key itself) and its CSRF token. */
export interface Session {
    readonly keyId: string;
    readonly csrf: string;
}

/**
 * Console sessions with idle expiry: in this process ({@link SessionStore}: a restart signs everyone out) or in
 * PostgreSQL (`state/pg-sessions.ts`: every gateway instance knows every session). Either keeps only a hash of the
 * session ID, and no CSRF token at all: that is derived from the session ID ({@link csrfOf}).
 */
export interface ConsoleSessions {
    /** A new session for `keyId`; returns the cookie value. */
    open(keyId: string): Awaitable<string>;
    /** The live session of a cookie value, touched; undefined when unknown or idle too long (then ended). */
    touch(id: string | undefined): Awaitable<Session | undefined>;
    /**
     * The live session of a cookie value, not touched: what a page's event stream and its live refreshes ask, so that
     * an open tab nobody uses still idles out.
     */
    live(id: string | undefined): Awaitable<Session | undefined>;
    close(id: string | undefined): Awaitable<void>;
}

export interface CookiePolicy {
    /** `auto`: Secure when the request came over https (`req.secure`); `always` / `never` force it. */
    readonly secure: 'auto' | 'always' | 'never';
}

export const SESSION_COOKIE = 'mpt_session';
/** Double-submit token of the sign-in form, which has no session yet. */
export const SIGN_IN_CSRF_COOKIE = 'mpt_signin';
export const LANGUAGE_COOKIE = 'mpt_lang';

export const newToken = (): string => randomBytes(32).toString('base64url');
/** Sessions are kept under a hash of their ID, so a heap dump or a database dump does not hand out live cookies. */
export const sessionIdHash = (id: string): string => createHash('sha256').update(id).digest('hex');

/**
 * The CSRF token of a session: one-way from the session ID, which only the httpOnly cookie carries, so a page's token
 * says nothing of the cookie and no store has to keep the token.
 */
export const csrfOf = (id: string): string => createHash('sha256').update(`csrf\n${id}`).digest('base64url');

/** Constant-time comparison of a submitted token with the expected one. */
export function sameToken(given: unknown, expected: string): boolean {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
}

/** In-memory sessions with idle expiry: a gateway restart signs everyone out. */
export class SessionStore implements ConsoleSessions {
    readonly #sessions = new Map<string, { readonly keyId: string; lastSeen: number }>();

    constructor(
        readonly idleMs: number,
        readonly now: () => number,
    ) {}

    open(keyId: string): string {
        this.#sweep();
        const id = newToken();
        this.#sessions.set(sessionIdHash(id), { keyId, lastSeen: this.now() });
        return id;
    }

    touch(id: string | undefined): Session | undefined {
        const found = this.#find(id);
        if (found === undefined) return undefined;
        found.entry.lastSeen = this.now();
        return found.session;
    }

    live(id: string | undefined): Session | undefined {
        return this.#find(id)?.session;
    }

    close(id: string | undefined): void {
        if (id !== undefined) this.#sessions.delete(sessionIdHash(id));
    }

    /** The session of a cookie value and its entry; an idle one is ended here. */
    #find(id: string | undefined): { entry: { lastSeen: number }; session: Session } | undefined {
        if (id === undefined) return undefined;
        const key = sessionIdHash(id);
        const entry = this.#sessions.get(key);
        if (entry === undefined) return undefined;
        if (this.now() - entry.lastSeen > this.idleMs) {
            this.#sessions.delete(key);
            return undefined;
        }
        return { entry, session: { keyId: entry.keyId, csrf: csrfOf(id) } };
    }

    #sweep(): void {
        const oldest = this.now() - this.idleMs;
        for (const [key, session] of this.#sessions) {
            if (session.lastSeen < oldest) this.#sessions.delete(key);
        }
    }
}

/** The cookies of a request (no cookie-parser: three cookies, one header). */
export function cookiesOf(req: Request): Record<string, string> {
    const cookies: Record<string, string> = {};
    for (const part of (req.get('cookie') ?? '').split(';')) {
        const at = part.indexOf('=');
        if (at > 0) {
            const name = part.slice(0, at).trim();
            try {
                cookies[name] = decodeURIComponent(part.slice(at + 1).trim());
            } catch {
                // a malformed value is no cookie of ours
            }
        }
    }
    return cookies;
}

/** Sets an httpOnly, SameSite=Strict cookie; Secure per policy; `maxAgeMs` 0 deletes it. */
export function setCookie(
    req: Request,
    res: Response,
    policy: CookiePolicy,
    name: string,
    value: string,
    maxAgeMs?: number,
): void {
    const secure = policy.secure === 'always' || (policy.secure === 'auto' && req.secure);
    res.cookie(name, value, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: '/',
        ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
    });
}

/** A form's own Idempotency-Key (a fresh token in each rendered form), or the form is refused before anything runs. */
export function formKey(req: Request): string {
    const token = (req.body as Record<string, unknown> | undefined)?._idem;
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
        throw new ApiError(400, 'INVALID', 'the form has no submission key: reload the page and try again');
    }
    return `console-${token}`;
}
