import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';

/**
 * What a risk flag's rule means, in the page's language: a fraud pattern (`fraud.F3`) or, for a flag raised by hand
 * naming a domain rule, that rule's sentence (`rule.V05`), the same the console gives for a broken rule.
 */
export const flagRuleSentence = (t: Translator, ruleId: string): string =>
    t.lookup(`fraud.${ruleId}`, t.lookup(`rule.${ruleId}`, t.t('rule.other')));

/** A flag's rule as every page shows it: its code, then its sentence. */
export const flagRule = (t: Translator, ruleId: string): SafeHtml =>
    html`<code>${ruleId}</code> ${flagRuleSentence(t, ruleId)}`;
