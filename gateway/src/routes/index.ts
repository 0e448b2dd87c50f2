import type { EnrolmentCodeStore } from '../auth/enrolment-codes';
import type { CertificateAuthorities, GatewayWallets } from '../auth/identities';
import type { ApiKeys } from '../auth/key-store';
import type { WebhookUrlPolicy } from '../events';
import type { WebhookStore } from '../state';
import type { AnyRoute } from '../http/route';
import { consolidationRoutes } from './consolidation/router';
import { correctionRoutes } from './corrections/router';
import { customsRoutes } from './customs/router';
import { declarationRoutes } from './declarations/router';
import { documentRoutes } from './documents/router';
import { exemptionRoutes } from './exemptions/router';
import { financingRoutes } from './financings/router';
import { goodsRoutes } from './goods/router';
import { historyRoutes } from './history/router';
import { meRoutes } from './me/router';
import { onboardingRoutes } from './onboarding/router';
import { partyRoutes } from './parties/router';
import { rateRoutes } from './rates/router';
import { readModelRoutes, type ReadModelVerifier } from './readmodel/router';
import { receiptRoutes } from './receipts/router';
import { reconciliationRoutes } from './reconciliation/router';
import { riskRoutes } from './risk/router';
import { tradeRoutes } from './trades/router';
import { webhookRoutes } from './webhooks/router';
import { viewRoutes } from './views/router';
import { worklistRoutes } from './worklists/router';
import type { ReadModels } from './worklists/service';

export interface RoutesDeps {
    readonly keys: ApiKeys;
    readonly wallets: GatewayWallets;
    readonly cas: CertificateAuthorities;
    readonly enrolmentCodes: EnrolmentCodeStore;
    /** The orgs' read models, for the work lists (none when the gateway runs without the read side). */
    readonly readModels?: ReadModels;
    /** Verifies an org's read model against its ledger (none when the gateway runs without the read side). */
    readonly verifier?: ReadModelVerifier;
    /** Base of the EPCIS export's identifiers (default https://id.mpt.example/). */
    readonly epcisIdBase?: string;
    /** Where webhook deliveries may go (default: public addresses only). */
    readonly webhookUrls?: WebhookUrlPolicy;
    /** Webhook subscriptions and deliveries (the gateway's own state; none: the webhook routes answer 409). */
    readonly webhooks?: WebhookStore;
}

/** Every API route, in documentation order. */
export function allRoutes(deps: RoutesDeps): AnyRoute[] {
    return [
        ...meRoutes(),
        ...onboardingRoutes(deps),
        ...documentRoutes(),
        ...partyRoutes(),
        ...goodsRoutes(),
        ...tradeRoutes(),
        ...consolidationRoutes(),
        ...declarationRoutes(deps.epcisIdBase),
        ...customsRoutes(),
        ...rateRoutes(),
        ...receiptRoutes(),
        ...reconciliationRoutes(),
        ...financingRoutes(),
        ...exemptionRoutes(),
        ...riskRoutes(),
        ...correctionRoutes(),
        ...historyRoutes(),
        ...worklistRoutes(deps.readModels),
        ...webhookRoutes(deps.readModels, deps.webhooks, deps.webhookUrls),
        ...viewRoutes(deps.readModels),
        ...readModelRoutes(deps.verifier),
    ];
}
