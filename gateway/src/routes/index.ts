import type { CertificateAuthorities, GatewayWallets } from '../auth/identities';
import type { ApiKeyStore } from '../auth/key-store';
import type { AnyRoute } from '../http/route';
import { documentRoutes } from './documents/router';
import { meRoutes } from './me/router';
import { onboardingRoutes } from './onboarding/router';

export interface RoutesDeps {
    readonly keys: ApiKeyStore;
    readonly wallets: GatewayWallets;
    readonly cas: CertificateAuthorities;
}

/** Every API route, in documentation order. */
export function allRoutes(deps: RoutesDeps): AnyRoute[] {
    return [...meRoutes(), ...onboardingRoutes(deps), ...documentRoutes()];
}
