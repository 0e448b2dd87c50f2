import type { ConsolePage } from '../access';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';

/** The pages the role may open. */
export function homePage(t: Translator, pages: readonly ConsolePage[]): SafeHtml {
    if (pages.length === 0) return html`<p>${t.t('home.nothing')}</p>`;
    return html`<ul class="tiles">
        ${pages.map((page) => html`<li><a href="${page.path}">${t.t(page.title)}</a></li>`)}
    </ul>`;
}
