/** Public surface of the seeds package: generate a market, plan its writes, load them through the gateway. */
export { generateMarket, GENERATOR } from './generate';
export { buildPlan, externalKeys, DEMO_PARTIES, PHASES } from './plan';
export type { Actor, LedgerCall, HttpCall, Operation, Phase, PhaseName, PlanOptions } from './plan';
export { loadPlan, consoleReporter } from './load';
/** What {@link loadPlan} rejects with when the gateway is not there. */
export { GatewayUnreachable } from '../../gateway/src/client';
export type { Counts, LoadOptions, LoadReport, PhaseReport, Reporter } from './load';
/** After a load: whether the ledger answered every labelled case as labelled (flags, statuses, check verdicts). */
export { checkCases, type CasesReport, type CheckCasesOptions } from './fraud/verify';
export { describeCase, type CaseLine } from './fraud/catalogue';
export { onboardedKeyRing, parseKeyPairs, parseKeyText, readKeyFile, writeKeyFile, type KeyRing } from './keys';
export { SIZES } from './sizes';
export type * from './model';
