/**
 * V11: prepackaged food goes through mode 1039 only in a cluster that admits it — one whose qualified supplier list is
 * in force on the date that decides (trade date, declaration date) — and only from a supplier on that list. The
 * supplier is the goods' producer (domain.md §2: "Producer / supplier (生产商)"), not the vendor reselling it.
 */
import { ChaincodeError, ruleViolation } from '../lib/errors';
import { type Goods, type QualifiedSupplierList } from '../model/records';
import { type PrepackagedFoodReason } from '../vocabulary';

/** HS chapters 16–22: prepared foods, sugar and confectionery, cocoa, cereal and bakery products, beverages. */
const FOOD_CHAPTERS = new Set(['16', '17', '18', '19', '20', '21', '22']);

/**
 * Prepackaged food: the owner declares it, or the HS code is in chapters 16–22. Both, because a declaration alone lets
 * a vendor escape V11 by leaving the box unticked, and the chapters alone miss packaged tea, dairy or nuts (chapters
 * 04, 08, 09) that the owner knows are sold prepackaged.
 */
export function isPrepackagedFood(goods: Pick<Goods, 'hsCode' | 'prepackagedFood'>): boolean {
    return goods.prepackagedFood === true || FOOD_CHAPTERS.has(goods.hsCode.slice(0, 2));
}

/** One line of prepackaged food to judge: where it is, which goods, who produced it. */
export interface FoodLine {
    /** Where the line is, for the message: `trade T1 line L1`. */
    readonly where: string;
    readonly goods: Pick<Goods, 'goodsCode' | 'hsCode' | 'prepackagedFood' | 'producerId'>;
    readonly clusterId: string;
}

export interface FoodRefusal {
    readonly reason: PrepackagedFoodReason;
    readonly line: FoodLine;
    readonly message: string;
}

/**
 * The V11 refusals among `lines`; `listOf(clusterId)` is the cluster's list in force on the deciding date. Goods that
 * are not prepackaged food are never refused.
 */
export function prepackagedFoodRefusals(
    lines: readonly FoodLine[],
    listOf: (clusterId: string) => QualifiedSupplierList | undefined,
): FoodRefusal[] {
    const refusals: FoodRefusal[] = [];
    for (const line of lines) {
        if (!isPrepackagedFood(line.goods)) continue;
        const list = listOf(line.clusterId);
        const food = `${line.where}: goods ${line.goods.goodsCode} (HS ${line.goods.hsCode}) is prepackaged food`;
        if (list === undefined) {
            refusals.push({
                reason: 'V11_NO_QUALIFIED_LIST',
                line,
                message: `${food}, and cluster ${line.clusterId} has no qualified supplier list in force`,
            });
        } else if (!list.suppliers.some((s) => s.partyId === line.goods.producerId)) {
            refusals.push({
                reason: 'V11_SUPPLIER_NOT_QUALIFIED',
                line,
                message: `${food} from ${line.goods.producerId}, who is not on cluster ${line.clusterId}'s qualified supplier list v${list.version} (from ${list.validFrom})`,
            });
        }
    }
    return refusals;
}

/** A refusal as the error the transaction throws: `RULE_V11_<reason>: <message>`. */
export function foodRefusalError(refusal: FoodRefusal): ChaincodeError {
    return ruleViolation(refusal.reason, refusal.message);
}
