import {
    BARRED_ITEMS,
    FOOD_ITEMS,
    CATEGORIES,
    CLUSTER,
    COUNTRIES,
    DISTRICTS,
    FIRM_WORDS,
    GIVEN_NAMES,
    SUBDISTRICTS,
    SURNAMES,
    type CatalogItem,
    type Category,
    type Country,
} from './catalog';
import { pad, uscc } from './ids';
import type { ClusterInput, GoodsInput, PartySeed, QualifiedSuppliersSeed } from './model';
import { at, type Rng } from './rng';
import type { SizeProfile } from './sizes';

/** The cluster, every filed party and the goods registry. Demo parties keep the IDs the network enrols. */

export const DEMO = { vendor: 'V-0001', agent: 'A-0001', bank: 'BANK-0001' } as const;
export const SECOND_BANK = { partyId: 'BANK-0002', mspId: 'Bank2OrgMSP' } as const;
export const BANK_MSP = 'BankOrgMSP';

export interface Vendor {
    readonly partyId: string;
    readonly category: Category;
    readonly goods: GoodsInput[];
}

export interface Buyer {
    readonly partyId: string;
    readonly country: Country;
    readonly name: string;
    readonly agentId: string;
}

export interface Parties {
    readonly cluster: ClusterInput;
    readonly parties: PartySeed[];
    readonly vendors: Vendor[];
    readonly buyers: Buyer[];
    readonly agents: string[];
    readonly consolidators: string[];
    readonly brokers: string[];
    readonly goods: GoodsInput[];
    /** Catalogue entry behind each goods code. */
    readonly items: Map<string, CatalogItem>;
    /** Goods code of the barred (negative-list) goods registered for the V05 case. */
    readonly barredGoods: GoodsInput;
    /** V11: prepackaged food of the demo vendor, from a qualified supplier and from one that is not. */
    readonly food: { readonly qualified: GoodsInput; readonly unqualified: GoodsInput };
    /** V11: the cluster's qualified supplier list. */
    readonly qualifiedSuppliers: QualifiedSuppliersSeed;
}

const salt = (rng: Rng, partyId: string): string => `salt-${partyId}-${rng.pattern('XXXXXXXXXXXXXXXX')}`;

/** A foreign buyer filed with a passport; `idNumber` is drawn after the salt, keeping the generator's order. */
export function buyerParty(
    rng: Rng,
    partyId: string,
    name: string,
    country: Country,
    idNumber: () => string,
): PartySeed {
    return {
        input: {
            partyId,
            type: 'BUYER',
            legalName: name,
            nameEn: name,
            countryCode: country.code,
            nationality: country.code,
            idType: 'PASSPORT',
        },
        private: { salt: salt(rng, partyId), idNumber: idNumber() },
    };
}

function buildCluster(size: SizeProfile): ClusterInput {
    const streets = DISTRICTS.flatMap((d) =>
        Array.from({ length: size.streetsPerDistrict }, (_, s) => {
            const floor = 1 + (s % 4);
            const street = s + 1;
            const streetId = `D${d.no}-F${floor}-S${pad(street, 2)}`;
            return {
                streetId,
                name: `${d.en}, Floor ${floor}, Street ${street} (${d.cn}${floor}楼${street}街)`,
                stalls: Array.from(
                    { length: size.stallsPerStreet },
                    (_, n) => `D${d.no}-${floor}${pad(street, 2)}${pad(n + 1, 2)}`,
                ),
            };
        }),
    );
    return { ...CLUSTER, streets };
}

function soleTrader(rng: Rng, category: Category): { legal: string; en: string; cn: string; pinyin: string } {
    const [sub, subPy] = rng.pick(SUBDISTRICTS);
    const [sur, surPy] = rng.pick(SURNAMES);
    const [given, givenPy] = rng.pick(GIVEN_NAMES);
    return {
        legal: `义乌市${sub}${sur}${given}${category.cn}商行`,
        en: `Yiwu ${subPy} ${surPy} ${givenPy} ${category.en} Firm`,
        cn: `${sur}${given}`,
        pinyin: `${surPy} ${givenPy}`,
    };
}

function company(rng: Rng, used: Set<string>, suffixCn: string, suffixEn: string): { cn: string; en: string } {
    for (;;) {
        const [word, wordPy] = rng.pick(FIRM_WORDS);
        if (used.has(word) && used.size < FIRM_WORDS.length) continue;
        used.add(word);
        return { cn: `义乌${word}${suffixCn}`, en: `Yiwu ${wordPy} ${suffixEn}` };
    }
}

function goodsFor(rng: Rng, vendorNo: number, partyId: string, category: Category, count: number): GoodsInput[] {
    return rng.sample(category.items, count).map((it, k) => {
        const min = Math.max(1, Math.round(it.minCents * (0.9 + rng.next() * 0.2)));
        const max = Math.max(min + 1, Math.round(it.maxCents * (0.9 + rng.next() * 0.2)));
        return {
            goodsCode: `G-${pad(vendorNo, 4)}-${pad(k + 1, 2)}`,
            ownerId: partyId,
            ownerSku: `${category.key.slice(0, 3).toUpperCase()}-${rng.pattern('DDDD')}`,
            nameCn: it.nameCn,
            nameEn: it.nameEn,
            hsCode: it.hs,
            unit: it.unit,
            producerId: '',
            ...(it.itemiseAlways === true ? { itemiseAlways: true } : {}),
            priceRange: { currency: 'USD', minUnitPrice: min, maxUnitPrice: max },
        };
    });
}

interface Builder {
    readonly rng: Rng;
    readonly size: SizeProfile;
    readonly parties: PartySeed[];
}

function addProducers(b: Builder): Map<string, string[]> {
    const byCategory = new Map<string, string[]>();
    const used = new Set<string>();
    let n = 0;
    for (const category of [...CATEGORIES, { key: 'ppe', cn: '无纺布制品', en: 'Nonwoven Products' }]) {
        const region =
            'producerRegion' in category ? category.producerRegion : { code: '429004', cn: '仙桃市', en: 'Xiantao' };
        const ids: string[] = [];
        for (let i = 0; i < b.size.producersPerCategory; i++) {
            n++;
            const partyId = `P-${pad(n, 4)}`;
            const [word, wordPy] = b.rng.pick(FIRM_WORDS);
            const key = `${category.key}/${word}`;
            const name = used.has(key) ? `${word}${i + 1}` : word;
            used.add(key);
            b.parties.push({
                input: {
                    partyId,
                    type: 'PRODUCER',
                    legalName: `${region.cn}${name}${category.cn}厂`,
                    nameEn: `${region.en} ${wordPy}${name === word ? '' : ` ${i + 1}`} ${category.en} Factory`,
                    uscc: uscc(b.rng, 'enterprise', region.code),
                    countryCode: 'CN',
                    businessScope: `${category.cn}生产 / manufacture of ${category.en.toLowerCase()}`,
                },
                category: category.key,
            });
            ids.push(partyId);
        }
        byCategory.set(category.key, ids);
    }
    return byCategory;
}

function addIntermediaries(b: Builder): { agents: string[]; consolidators: string[]; brokers: string[] } {
    const used = new Set<string>();
    const agents = Array.from({ length: b.size.agents }, (_, i) => {
        const partyId = `A-${pad(i + 1, 4)}`;
        const name = company(b.rng, used, '进出口有限公司', 'Import & Export Co., Ltd.');
        b.parties.push({
            input: {
                partyId,
                type: 'AGENT',
                legalName: name.cn,
                nameEn: name.en,
                uscc: uscc(b.rng, 'enterprise', '330782'),
                countryCode: 'CN',
                commerceFilingNo: `CF-${b.rng.pattern('DDDDDDDD')}`,
                customsRegNo: `3318${b.rng.pattern('DDDDDD')}`,
                businessScope: '货物进出口；市场采购贸易 / import and export of goods; market procurement trade (1039)',
            },
            private: { salt: salt(b.rng, partyId), bankAccount: b.rng.pattern('3301DDDDDDDDDDDDDDDD') },
        });
        return partyId;
    });
    const simple = (prefix: string, count: number, type: 'CONSOLIDATOR' | 'BROKER'): string[] =>
        Array.from({ length: count }, (_, i) => {
            const partyId = `${prefix}-${pad(i + 1, 4)}`;
            const name =
                type === 'CONSOLIDATOR'
                    ? company(b.rng, used, '国际货运代理有限公司', 'International Freight Forwarding Co., Ltd.')
                    : company(b.rng, used, '报关有限公司', 'Customs Brokerage Co., Ltd.');
            b.parties.push({
                input: {
                    partyId,
                    type,
                    legalName: name.cn,
                    nameEn: name.en,
                    uscc: uscc(b.rng, 'enterprise', '330782'),
                    countryCode: 'CN',
                    ...(type === 'BROKER' ? { customsRegNo: `3318${b.rng.pattern('DDDDDD')}` } : {}),
                },
            });
            return partyId;
        });
    return {
        agents,
        consolidators: simple('C', b.size.consolidators, 'CONSOLIDATOR'),
        brokers: simple('K', b.size.brokers, 'BROKER'),
    };
}

function addBanks(b: Builder): void {
    b.parties.push(
        {
            input: {
                partyId: DEMO.bank,
                type: 'BANK',
                legalName: '商城银行义乌分行',
                nameEn: 'Shangcheng Bank, Yiwu Branch',
                uscc: uscc(b.rng, 'enterprise', '330782'),
                countryCode: 'CN',
                orgMspId: BANK_MSP,
            },
        },
        {
            input: {
                partyId: SECOND_BANK.partyId,
                type: 'BANK',
                legalName: '丝路银行金华分行',
                nameEn: 'Silk Road Bank, Jinhua Branch',
                uscc: uscc(b.rng, 'enterprise', '330702'),
                countryCode: 'CN',
                orgMspId: SECOND_BANK.mspId,
            },
        },
    );
}

function addVendors(b: Builder, cluster: ClusterInput, producers: Map<string, string[]>): Vendor[] {
    const stallsByDistrict = new Map<number, string[]>();
    for (const street of cluster.streets) {
        const district = Number(street.streetId.slice(1, 2));
        stallsByDistrict.set(district, [...(stallsByDistrict.get(district) ?? []), ...street.stalls]);
    }
    const taken = new Set<string>();
    return Array.from({ length: b.size.vendors }, (_, i) => {
        const partyId = `V-${pad(i + 1, 4)}`;
        const category = at(CATEGORIES, i % CATEGORIES.length);
        const free = (stallsByDistrict.get(category.district) ?? []).filter((s) => !taken.has(s));
        const stallNo = b.rng.pick(free);
        taken.add(stallNo);
        const who = soleTrader(b.rng, category);
        b.parties.push({
            input: {
                partyId,
                type: 'MERCHANT',
                legalName: who.legal,
                nameEn: who.en,
                uscc: uscc(b.rng, 'individual', '330782'),
                countryCode: 'CN',
                clusterId: cluster.clusterId,
                stallNo,
                businessScope: `${category.cn}批发零售 / wholesale and retail of ${category.en.toLowerCase()}`,
            },
            private: { salt: salt(b.rng, partyId), bankAccount: b.rng.pattern('6228DDDDDDDDDDDDDDD') },
            proprietor: { nameCn: who.cn, pinyin: who.pinyin },
            category: category.key,
        });
        const [min, max] = b.size.goodsPerVendor;
        const goods = goodsFor(b.rng, i + 1, partyId, category, b.rng.int(min, max)).map((g) => ({
            ...g,
            producerId: b.rng.pick(producers.get(category.key) ?? []),
        }));
        return { partyId, category, goods };
    });
}

function addBuyers(b: Builder, agents: readonly string[]): Buyer[] {
    const names = new Set<string>();
    return Array.from({ length: b.size.buyers }, (_, i) => {
        const partyId = `B-${pad(i + 1, 4)}`;
        const country = i < 8 ? (COUNTRIES[i * 3] as Country) : b.rng.weighted(COUNTRIES, (c) => c.weight);
        let name = `${b.rng.pick(country.given)} ${b.rng.pick(country.surnames)}`;
        if (names.has(name))
            name = `${b.rng.pick(country.given)} ${b.rng.pattern('L')}. ${b.rng.pick(country.surnames)}`;
        names.add(name);
        b.parties.push(buyerParty(b.rng, partyId, name, country, () => b.rng.pattern(country.passport)));
        // the demo agent serves the most buyers
        const agentId = i % 2 === 0 ? DEMO.agent : (agents[i % agents.length] as string);
        return { partyId, country, name, agentId };
    });
}

/** Files the whole cast; the registry gets 2–5 goods per vendor, each naming a producer of its category. */
export function buildParties(rng: Rng, size: SizeProfile): Parties {
    const b: Builder = { rng, size, parties: [] };
    const cluster = buildCluster(size);
    const producers = addProducers({ ...b, rng: rng.fork('producers') });
    const { agents, consolidators, brokers } = addIntermediaries({ ...b, rng: rng.fork('intermediaries') });
    addBanks({ ...b, rng: rng.fork('banks') });
    const vendors = addVendors({ ...b, rng: rng.fork('vendors') }, cluster, producers);
    const buyers = addBuyers({ ...b, rng: rng.fork('buyers') }, agents);
    const items = new Map<string, CatalogItem>();
    for (const v of vendors) {
        for (const g of v.goods) {
            const it = v.category.items.find((c) => c.nameEn === g.nameEn);
            if (it !== undefined) items.set(g.goodsCode, it);
        }
    }
    // V05 case: a household vendor also files face masks in the registry (filing is allowed; trading them is not)
    const maskVendor = vendors.find((v) => v.category.key === 'household') ?? at(vendors, 0);
    const mask = at(BARRED_ITEMS, 0);
    const barredGoods: GoodsInput = {
        goodsCode: `G-${maskVendor.partyId.slice(2)}-99`,
        ownerId: maskVendor.partyId,
        nameCn: mask.nameCn,
        nameEn: mask.nameEn,
        hsCode: mask.hs,
        unit: mask.unit,
        producerId: (producers.get('ppe') ?? [])[0] ?? '',
        priceRange: { currency: 'USD', minUnitPrice: mask.minCents, maxUnitPrice: mask.maxCents },
    };
    items.set(barredGoods.goodsCode, mask);
    const food = addFood({ ...b, rng: rng.fork('food') }, at(vendors, 0), cluster, items);
    const goods = [...vendors.flatMap((v) => v.goods), barredGoods, food.qualified, food.unqualified];
    return {
        cluster,
        parties: b.parties,
        vendors,
        buyers,
        agents,
        consolidators,
        brokers,
        goods,
        items,
        barredGoods,
        food: { qualified: food.qualified, unqualified: food.unqualified },
        qualifiedSuppliers: food.list,
    };
}

/**
 * V11: two food producers (only the first on the cluster's qualified supplier list, in force since the platform's
 * acceptance) and one prepackaged food of each in the demo vendor's registry, declared as such.
 */
function addFood(
    b: Builder,
    vendor: Vendor,
    cluster: ClusterInput,
    items: Map<string, CatalogItem>,
): { qualified: GoodsInput; unqualified: GoodsInput; list: QualifiedSuppliersSeed } {
    const producers = [
        { partyId: 'P-F001', cn: '晋江市食品', en: 'Jinjiang Foods', region: '350582' },
        { partyId: 'P-F002', cn: '汕头市饮品', en: 'Shantou Beverages', region: '440507' },
    ];
    for (const p of producers) {
        b.parties.push({
            input: {
                partyId: p.partyId,
                type: 'PRODUCER',
                legalName: `${p.cn}有限公司`,
                nameEn: `${p.en} Co., Ltd.`,
                uscc: uscc(b.rng, 'enterprise', p.region),
                countryCode: 'CN',
                businessScope: '预包装食品生产 / manufacture of prepackaged food',
            },
            category: 'food',
        });
    }
    const [candy, powder] = [at(FOOD_ITEMS, 0), at(FOOD_ITEMS, 1)];
    const goods = (item: CatalogItem, n: number, producerId: string): GoodsInput => {
        const goodsCode = `G-${vendor.partyId.slice(2)}-${n}`;
        items.set(goodsCode, item);
        return {
            goodsCode,
            ownerId: vendor.partyId,
            nameCn: item.nameCn,
            nameEn: item.nameEn,
            hsCode: item.hs,
            unit: item.unit,
            producerId,
            prepackagedFood: true,
            priceRange: { currency: 'USD', minUnitPrice: item.minCents, maxUnitPrice: item.maxCents },
        };
    };
    const [qualifiedProducer, otherProducer] = producers.map((p) => p.partyId);
    return {
        qualified: goods(candy, 97, qualifiedProducer ?? ''),
        unqualified: goods(powder, 98, otherProducer ?? ''),
        list: {
            clusterId: cluster.clusterId,
            input: {
                version: 1,
                validFrom: cluster.acceptanceDate,
                suppliers: [
                    {
                        partyId: qualifiedProducer ?? '',
                        remark: 'food production licence SC and export record checked',
                    },
                ],
            },
        },
    };
}
