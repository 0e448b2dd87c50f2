import type { Principal } from '../../auth/principal';
import { html, type SafeHtml } from '../html';
import { LANGUAGES, type Translator } from '../i18n';
import type { MessageKey } from '../messages';

/** What every page's frame needs: language, title, who is signed in (and their CSRF token), the current URL. */
export interface Frame {
    readonly t: Translator;
    readonly title: string;
    /** The request URL (path and query), for the language links. */
    readonly url: string;
    readonly principal?: Principal;
    readonly csrf?: string;
    /** Reload the page after this many seconds (a progress page that works without JavaScript). */
    readonly refreshSeconds?: number;
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = { zh: '中文', en: 'English' };

/** The current URL with `lang` set. */
function withLanguage(url: string, language: string): string {
    const parsed = new URL(url, 'http://console.invalid');
    parsed.searchParams.set('lang', language);
    return `${parsed.pathname}${parsed.search}`;
}

/** The hidden CSRF field every POST form carries. */
export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${token}" />`;

function header(frame: Frame): SafeHtml {
    const { t, principal, csrf } = frame;
    const languages = LANGUAGES.map((language) =>
        language === t.language
            ? html`<li><span aria-current="true" lang="${language}">${LANGUAGE_NAMES[language]}</span></li>`
            : html`<li>
                  <a href="${withLanguage(frame.url, language)}" lang="${language}" hreflang="${language}"
                      >${LANGUAGE_NAMES[language]}</a
                  >
              </li>`,
    );
    const who =
        principal === undefined || csrf === undefined
            ? ''
            : html`<p class="who">
                      ${t.t('nav.signedInAs', {
                          username: principal.username,
                          role: t.t(`role.${principal.role}` as MessageKey),
                      })}
                  </p>
                  <form method="post" action="/sign-out" class="sign-out">
                      ${csrfField(csrf)}<button type="submit">${t.t('nav.signOut')}</button>
                  </form>`;
    return html`<header class="top">
        <a class="skip" href="#main">${t.t('app.skip')}</a>
        <a class="brand" href="/">${t.t('app.title')}</a>
        <nav aria-label="${t.t('nav.language')}">
            <ul class="languages">
                ${languages}
            </ul>
        </nav>
        ${who}
    </header>`;
}

/** A whole HTML document. */
export function layout(frame: Frame, body: SafeHtml): string {
    const { t } = frame;
    return `<!doctype html>\n${
        html`<html lang="${t.locale}">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                ${
                    frame.refreshSeconds === undefined
                        ? ''
                        : html`<meta http-equiv="refresh" content="${frame.refreshSeconds}" />`
                }
                <title>${frame.title} · ${t.t('app.title')}</title>
                <link rel="stylesheet" href="/console/assets/console.css" />
            </head>
            <body>
                ${header(frame)}
                <main id="main" tabindex="-1">
                    <h1>${frame.title}</h1>
                    ${body}
                </main>
            </body>
        </html>`.text
    }`;
}
