import { CATEGORIES, type Category } from './catalog';
import { pad, uscc } from './ids';
import type { ClusterInput, GoodsInput } from './model';
import type { Parties, Vendor } from './parties';
import { must, type Rng } from './rng';

/**
 * A second recognised cluster beside Yiwu, with its own customs office, supervised site, stalls and vendors, so that
 * per-cluster views have data and V02 (declared at the customs office of the cluster of purchase) has a cross-cluster
 * case. Changshu Garment City was among the 2015 pilots; the office code and dates are illustrative (assumption).
 */
export const SECOND_CLUSTER = {
    clusterId: 'CHANGSHU-CSFZ',
    name: 'Changshu Garment City (常熟服装城)',
    city: 'Changshu',
    customsOffice: '2305',
    acceptanceDate: '2015-10-01',
} as const;
export const SECOND_SITE = 'CHANGSHU-1039-CSP';

/** Garment-town goods our catalogue has: socks and home textiles. */
const TRADES: readonly string[] = ['socks', 'textiles', 'socks'];

export interface OtherCluster {
    readonly cluster: ClusterInput;
    readonly office: { readonly customsOffice: string; readonly site: string };
    /** Its vendors; never mixed into the home cluster's shipments. */
    readonly vendors: Vendor[];
}

function clusterInput(): ClusterInput {
    const streets = [1, 2].map((street) => ({
        streetId: `CS-B${street}`,
        name: `Garment City Hall B, Street ${street} (服装城B馆${street}街)`,
        stalls: Array.from({ length: 8 }, (_, n) => `CS-B${street}${pad(n + 1, 3)}`),
    }));
    return { ...SECOND_CLUSTER, streets };
}

function category(key: string): Category {
    return must(
        CATEGORIES.find((c) => c.key === key),
        `category ${key}`,
    );
}

/** Files the second cluster's vendors and goods into `parties` (their producers are the home market's). */
export function secondCluster(rng: Rng, parties: Parties): OtherCluster {
    const cluster = clusterInput();
    const stalls = cluster.streets.flatMap((s) => s.stalls);
    const vendors = TRADES.map((key, i): Vendor => {
        const cat = category(key);
        const partyId = `V-CS${pad(i + 1, 2)}`;
        const producerId = must(
            parties.vendors.find((v) => v.category.key === key)?.goods[0],
            `a home vendor of ${key}`,
        ).producerId;
        parties.parties.push({
            input: {
                partyId,
                type: 'MERCHANT',
                legalName: `常熟市${cat.cn}商行${i + 1}号`,
                nameEn: `Changshu ${cat.en} Trading Firm No. ${i + 1}`,
                uscc: uscc(rng, 'individual', '320581'),
                countryCode: 'CN',
                clusterId: cluster.clusterId,
                stallNo: stalls[i * 3] ?? '',
                businessScope: `${cat.cn}批发零售 / wholesale and retail of ${cat.en.toLowerCase()}`,
            },
            private: {
                salt: `salt-${partyId}-${rng.pattern('XXXXXXXXXXXXXXXX')}`,
                bankAccount: rng.pattern('6222DDDDDDDDDDDDDDD'),
            },
            category: key,
        });
        const goods = cat.items.map((it, k): GoodsInput => ({
            goodsCode: `G-CS${pad(i + 1, 2)}-${pad(k + 1, 2)}`,
            ownerId: partyId,
            ownerSku: `CS-${rng.pattern('DDDD')}`,
            nameCn: it.nameCn,
            nameEn: it.nameEn,
            hsCode: it.hs,
            unit: it.unit,
            producerId,
            priceRange: { currency: 'USD', minUnitPrice: it.minCents, maxUnitPrice: it.maxCents },
        }));
        for (const [k, g] of goods.entries()) parties.items.set(g.goodsCode, must(cat.items[k], 'item'));
        parties.goods.push(...goods);
        return { partyId, category: cat, goods };
    });
    return { cluster, office: { customsOffice: cluster.customsOffice, site: SECOND_SITE }, vendors };
}
