/** Market views over the caller's org read model: the pilot's indicators and the explainable risk score. */
export {
    assertIndicatorReader,
    INDICATOR_LISTS,
    indicatorRoles,
    RISK_SCORE_READS,
    riskScoreReader,
    riskScoreRoles,
} from './access';
export { marketIndicators, MAX_MONTHS, workListUrl, type Indicator, type MonthIndicators } from './indicators';
export { addMonths, chinaToday, MONTH, monthsBetween } from './months';
export {
    BANDS,
    bankSeesParty,
    INCOME_DUE_DAYS,
    RISK_POINTS,
    riskScore,
    type BankSight,
    type CitedRecord,
    type RiskBand,
    type RiskItem,
    type RiskReason,
    type RiskScore,
} from './risk-score';
