/**
 * Static tables behind the generated market: the goods catalogue (real Chinese 10-digit commodity codes),
 * the districts of Yiwu International Trade City and what they sell, where the producers are, names,
 * buyers' countries, and the dated negative list. Prices are plausible ex-stall prices in US cents.
 */

export interface CatalogItem {
    /** China customs 10-digit commodity code (8-digit tariff line + 2-digit supervision suffix). */
    readonly hs: string;
    readonly nameCn: string;
    readonly nameEn: string;
    readonly unit: 'PCS' | 'SET' | 'PAIR' | 'PACK';
    /** Typical unit price range, US cents. */
    readonly minCents: number;
    readonly maxCents: number;
    readonly perCarton: number;
    readonly cartonKg: number;
    /** V16: statutory inspection goods, never merged into a chapter line. */
    readonly itemiseAlways?: boolean;
}

export interface Category {
    readonly key: string;
    readonly district: number;
    readonly cn: string;
    readonly en: string;
    /** Where the producers of this category are (county-level admin code for USCCs, names). */
    readonly producerRegion: { readonly code: string; readonly cn: string; readonly en: string };
    readonly items: readonly CatalogItem[];
}

const item = (
    hs: string,
    nameCn: string,
    nameEn: string,
    unit: CatalogItem['unit'],
    minCents: number,
    maxCents: number,
    perCarton: number,
    cartonKg: number,
    itemiseAlways = false,
): CatalogItem => ({
    hs,
    nameCn,
    nameEn,
    unit,
    minCents,
    maxCents,
    perCarton,
    cartonKg,
    ...(itemiseAlways ? { itemiseAlways } : {}),
});

const YIWU = { code: '330782', cn: '义乌市', en: 'Yiwu' };

export const CATEGORIES: readonly Category[] = [
    {
        key: 'toys',
        district: 1,
        cn: '玩具',
        en: 'Toys',
        producerRegion: { code: '440515', cn: '汕头市澄海区', en: 'Shantou Chenghai' },
        items: [
            item('9503002100', '毛绒动物玩具', 'Plush animal toy', 'PCS', 80, 600, 60, 6),
            item('9503006000', '拼图', 'Jigsaw puzzle', 'SET', 50, 400, 48, 9),
            item('9503008900', '塑料玩具车', 'Plastic toy car', 'PCS', 30, 800, 96, 8),
            item('9503001000', '儿童滑板车', "Kids' kick scooter", 'PCS', 1200, 4500, 6, 14),
            item('9503004000', '积木玩具', 'Building block set', 'SET', 200, 1500, 24, 10),
            item('9504400000', '扑克牌', 'Playing cards', 'PACK', 15, 120, 288, 12),
        ],
    },
    {
        key: 'xmas',
        district: 1,
        cn: '节庆用品',
        en: 'Festive Goods',
        producerRegion: YIWU,
        items: [
            item('9505100000', '圣诞挂球', 'Christmas bauble set', 'SET', 40, 300, 48, 5),
            item('9505100000', '仿真圣诞树', 'Artificial Christmas tree', 'PCS', 300, 2500, 4, 12),
            item('9505900000', '派对装饰套装', 'Party decoration set', 'SET', 20, 250, 100, 6),
        ],
    },
    {
        key: 'jewellery',
        district: 1,
        cn: '饰品',
        en: 'Fashion Jewellery',
        producerRegion: YIWU,
        items: [
            item('7117190000', '合金耳环', 'Alloy earrings', 'PAIR', 10, 150, 1200, 8),
            item('7117900000', '树脂手链', 'Resin bracelet', 'PCS', 10, 120, 1000, 9),
        ],
    },
    {
        key: 'flowers',
        district: 1,
        cn: '仿真花',
        en: 'Artificial Flowers',
        producerRegion: YIWU,
        items: [
            item('6702900000', '仿真丝花', 'Artificial silk flower', 'PCS', 5, 200, 500, 6),
            item('6702100000', '塑料仿真植物', 'Plastic artificial plant', 'PCS', 30, 600, 100, 7),
        ],
    },
    {
        key: 'hair',
        district: 1,
        cn: '发饰假发',
        en: 'Hair Accessories',
        producerRegion: { code: '411002', cn: '许昌市魏都区', en: 'Xuchang Weidu' },
        items: [
            item('9615110000', '塑料梳子', 'Plastic comb', 'PCS', 5, 80, 1200, 10),
            item('9615900000', '发夹', 'Hair clip', 'PCS', 3, 60, 2000, 9),
            item('6704110000', '化纤假发', 'Synthetic wig', 'PCS', 300, 2500, 50, 8),
            item('6704190000', '假睫毛', 'False eyelashes', 'PAIR', 20, 200, 2000, 5),
        ],
    },
    {
        key: 'umbrellas',
        district: 2,
        cn: '雨伞',
        en: 'Umbrellas',
        producerRegion: { code: '330604', cn: '绍兴市上虞区', en: 'Shaoxing Shangyu' },
        items: [
            item('6601910000', '三折伞', 'Folding umbrella', 'PCS', 120, 500, 60, 18),
            item('6601990000', '直杆伞', 'Straight umbrella', 'PCS', 200, 800, 48, 20),
            item('6601100000', '沙滩伞', 'Beach umbrella', 'PCS', 300, 1200, 10, 16),
        ],
    },
    {
        key: 'bags',
        district: 2,
        cn: '箱包',
        en: 'Bags',
        producerRegion: { code: '130684', cn: '高碑店市白沟', en: 'Gaobeidian Baigou' },
        items: [
            item('4202220000', '女士手提包', "Ladies' handbag", 'PCS', 200, 1500, 40, 16),
            item('4202920000', '双肩背包', 'Backpack', 'PCS', 300, 1800, 30, 15),
            item('4202320000', '钱包', 'Wallet', 'PCS', 80, 600, 200, 12),
        ],
    },
    {
        key: 'hardware',
        district: 2,
        cn: '五金工具',
        en: 'Hardware Tools',
        producerRegion: { code: '330784', cn: '永康市', en: 'Yongkang' },
        items: [
            item('8205200000', '羊角锤', 'Claw hammer', 'PCS', 80, 500, 48, 22),
            item('8205400000', '螺丝刀套装', 'Screwdriver set', 'SET', 20, 300, 100, 15),
            item('8205510000', '家用手工具', 'Household hand tool', 'PCS', 30, 400, 120, 14),
        ],
    },
    {
        key: 'electrical',
        district: 2,
        cn: '小家电',
        en: 'Small Appliances',
        producerRegion: { code: '330282', cn: '慈溪市', en: 'Cixi' },
        items: [
            item('8513101000', 'LED手电筒', 'LED flashlight', 'PCS', 60, 600, 100, 12),
            item('8516310000', '电吹风', 'Hair dryer', 'PCS', 400, 1800, 20, 14, true),
            item('8516710000', '咖啡机', 'Drip coffee maker', 'PCS', 800, 3500, 8, 16, true),
        ],
    },
    {
        key: 'stationery',
        district: 3,
        cn: '文具',
        en: 'Stationery',
        producerRegion: { code: '330226', cn: '宁海县', en: 'Ninghai' },
        items: [
            item('9608100000', '圆珠笔', 'Ballpoint pen', 'PCS', 3, 40, 2000, 11),
            item('9608200000', '记号笔', 'Marker pen', 'PCS', 10, 120, 1000, 12),
            item('4820100000', '笔记本', 'Notebook', 'PCS', 20, 250, 200, 18),
            item('4820200000', '练习本', 'Exercise book', 'PCS', 10, 80, 400, 20),
        ],
    },
    {
        key: 'eyewear',
        district: 3,
        cn: '眼镜',
        en: 'Eyewear',
        producerRegion: { code: '330304', cn: '温州市瓯海区', en: 'Wenzhou Ouhai' },
        items: [item('9004100000', '太阳镜', 'Sunglasses', 'PCS', 50, 400, 600, 14)],
    },
    {
        key: 'household',
        district: 4,
        cn: '日用百货',
        en: 'Household Goods',
        producerRegion: { code: '331003', cn: '台州市黄岩区', en: 'Taizhou Huangyan' },
        items: [
            item('3924100000', '塑料餐具套装', 'Plastic tableware set', 'SET', 15, 300, 100, 10),
            item('3924900000', '塑料收纳盒', 'Plastic storage box', 'PCS', 20, 400, 48, 9),
        ],
    },
    {
        key: 'socks',
        district: 4,
        cn: '袜子',
        en: 'Socks',
        producerRegion: { code: '330681', cn: '诸暨市大唐', en: 'Zhuji Datang' },
        items: [item('6115950000', '棉袜', 'Cotton socks', 'PAIR', 15, 150, 600, 16)],
    },
    {
        key: 'textiles',
        district: 5,
        cn: '床上用品',
        en: 'Home Textiles',
        producerRegion: { code: '330603', cn: '绍兴市柯桥区', en: 'Shaoxing Keqiao' },
        items: [
            item('6302101000', '棉制针织床品', 'Knitted cotton bed set', 'SET', 300, 2000, 20, 18),
            item('6302211000', '棉制印花床单', 'Printed cotton bed sheet', 'PCS', 200, 1200, 40, 20),
            item('6302221000', '化纤印花床单', 'Printed polyester bed sheet', 'PCS', 120, 800, 50, 18),
        ],
    },
];

/** Goods on the negative list; only the labelled fraud case tries to trade them. */
export const BARRED_ITEMS: readonly CatalogItem[] = [
    item('6307900010', '一次性口罩', 'Disposable face mask', 'PCS', 2, 30, 2000, 8),
];

/**
 * Goods a later negative-list version bars (the F8 case: registered and bought before the list, declared after it,
 * hidden among merged lines). Illustrative: lithium power banks, not a real listing.
 */
export const LATER_BARRED_ITEMS: readonly CatalogItem[] = [
    item('8507600090', '锂离子移动电源', 'Lithium-ion power bank', 'PCS', 250, 1200, 40, 12),
];

/** V11: prepackaged food a vendor also sells (chapters 17 and 21): one from a qualified supplier, one not. */
export const FOOD_ITEMS: readonly CatalogItem[] = [
    item('1704900000', '袋装硬糖', 'Hard candy, bagged', 'PACK', 80, 400, 120, 14),
    item('2106909090', '固体饮料冲剂', 'Instant drink powder, boxed', 'PACK', 150, 900, 60, 12),
];

/** Every commodity code the generator may use. */
export const HS_TABLE: ReadonlySet<string> = new Set(
    [...CATEGORIES.flatMap((c) => c.items), ...BARRED_ITEMS, ...LATER_BARRED_ITEMS, ...FOOD_ITEMS].map((i) => i.hs),
);

/** V05: COVID-19 medical supplies barred from mode 1039 from 10 May 2020 (domain.md §5). */
export const NEGATIVE_LIST = {
    version: 1,
    validFrom: '2020-05-10',
    entries: [
        { hsPrefix: '630790', reason: 'face masks barred from mode 1039 (COVID-19 export controls, 2020-05-10)' },
        { hsPrefix: '621010', reason: 'protective clothing barred from mode 1039 (2020-05-10)' },
        { hsPrefix: '901920', reason: 'ventilators barred from mode 1039 (2020-05-10)' },
        { hsPrefix: '902519', reason: 'infrared thermometers barred from mode 1039 (2020-05-10)' },
        { hsPrefix: '3822', reason: 'COVID-19 test kits barred from mode 1039 (2020-05-10)' },
    ],
} as const;

export const DISTRICTS: readonly { readonly no: number; readonly cn: string; readonly en: string }[] = [
    { no: 1, cn: '国际商贸城一区', en: 'District 1' },
    { no: 2, cn: '国际商贸城二区', en: 'District 2' },
    { no: 3, cn: '国际商贸城三区', en: 'District 3' },
    { no: 4, cn: '国际商贸城四区', en: 'District 4' },
    { no: 5, cn: '国际商贸城五区', en: 'District 5' },
];

export const CLUSTER = {
    clusterId: 'YIWU-ITC',
    name: 'Yiwu International Trade City (义乌国际商贸城)',
    city: 'Yiwu',
    /** Yiwu customs office code as used across this project (assumption). */
    customsOffice: '2920',
    /** Mode 1039 in force from 1 November 2014 (assumption: platform acceptance on that day). */
    acceptanceDate: '2014-11-01',
} as const;

export const AUTHORITIES = { operatorId: 'OP-YIWU', customsId: 'CUSTOMS-YIWU' } as const;

/** Yiwu subdistricts and towns, for sole traders' registered names. */
export const SUBDISTRICTS: readonly (readonly [string, string])[] = [
    ['稠城', 'Choucheng'],
    ['北苑', 'Beiyuan'],
    ['稠江', 'Choujiang'],
    ['江东', 'Jiangdong'],
    ['后宅', 'Houzhai'],
    ['城西', 'Chengxi'],
    ['福田', 'Futian'],
    ['佛堂', 'Fotang'],
    ['廿三里', 'Niansanli'],
    ['苏溪', 'Suxi'],
];

export const SURNAMES: readonly (readonly [string, string])[] = [
    ['陈', 'Chen'],
    ['王', 'Wang'],
    ['楼', 'Lou'],
    ['金', 'Jin'],
    ['吴', 'Wu'],
    ['朱', 'Zhu'],
    ['何', 'He'],
    ['傅', 'Fu'],
    ['龚', 'Gong'],
    ['骆', 'Luo'],
    ['张', 'Zhang'],
    ['李', 'Li'],
    ['刘', 'Liu'],
    ['黄', 'Huang'],
    ['周', 'Zhou'],
    ['徐', 'Xu'],
    ['杨', 'Yang'],
    ['冯', 'Feng'],
];

export const GIVEN_NAMES: readonly (readonly [string, string])[] = [
    ['建华', 'Jianhua'],
    ['丽娟', 'Lijuan'],
    ['伟', 'Wei'],
    ['秀英', 'Xiuying'],
    ['晓东', 'Xiaodong'],
    ['国强', 'Guoqiang'],
    ['美玲', 'Meiling'],
    ['海燕', 'Haiyan'],
    ['志明', 'Zhiming'],
    ['小芳', 'Xiaofang'],
    ['俊杰', 'Junjie'],
    ['雪梅', 'Xuemei'],
    ['春华', 'Chunhua'],
    ['勇', 'Yong'],
    ['敏', 'Min'],
    ['亮', 'Liang'],
    ['静', 'Jing'],
    ['永平', 'Yongping'],
];

/** Trade-name words for companies (agents, forwarders, brokers, producers). */
export const FIRM_WORDS: readonly (readonly [string, string])[] = [
    ['华艺', 'Huayi'],
    ['商通', 'Shangtong'],
    ['丝路', 'Silu'],
    ['环球', 'Huanqiu'],
    ['鸿运', 'Hongyun'],
    ['浙贸', 'Zhemao'],
    ['新欧', 'Xinou'],
    ['恒达', 'Hengda'],
    ['金桥', 'Jinqiao'],
    ['远航', 'Yuanhang'],
    ['通达', 'Tongda'],
    ['盛世', 'Shengshi'],
    ['星辉', 'Xinghui'],
    ['鑫源', 'Xinyuan'],
    ['永盛', 'Yongsheng'],
    ['华美', 'Huamei'],
    ['宏图', 'Hongtu'],
    ['锦绣', 'Jinxiu'],
];

export interface Country {
    readonly code: string;
    readonly weight: number;
    readonly given: readonly string[];
    readonly surnames: readonly string[];
    /** Passport number pattern (Rng.pattern): D digit, L letter, X either. Format-plausible, fictional. */
    readonly passport: string;
    /** Share of trades settled in RMB (CIPS). */
    readonly rmbShare: number;
    /** Exported by the Yiwu–Europe/Central Asia rail instead of by sea from Ningbo. */
    readonly rail?: boolean;
}

const country = (
    code: string,
    weight: number,
    given: string,
    surnames: string,
    passport: string,
    rmbShare = 0.05,
    rail = false,
): Country => ({
    code,
    weight,
    given: given.split(','),
    surnames: surnames.split(','),
    passport,
    rmbShare,
    ...(rail ? { rail } : {}),
});

/** Buyers' countries, weighted roughly like Yiwu's export destinations. */
export const COUNTRIES: readonly Country[] = [
    country('AE', 8, 'Ahmed,Mohammed,Khalid', 'Al Mansoori,Al Hashimi,Al Suwaidi', 'LDDDDDDD'),
    country('SA', 5, 'Faisal,Abdullah,Omar', 'Al Qahtani,Al Harbi,Al Ghamdi', 'LDDDDDDD'),
    country('IQ', 4, 'Ali,Hussein,Mustafa', 'Al Jubouri,Al Obaidi,Kadhim', 'LDDDDDDD'),
    country('EG', 3, 'Mahmoud,Youssef,Tarek', 'Hassan,Abdel Rahman,Fathy', 'LDDDDDDDD'),
    country('NG', 5, 'Chinedu,Emeka,Oluwaseun', 'Okafor,Adeyemi,Nwosu', 'LDDDDDDDD'),
    country('GH', 2, 'Kwame,Kofi,Ama', 'Mensah,Owusu,Boateng', 'LDDDDDDD'),
    country('KE', 2, 'Brian,Wanjiru,Otieno', 'Kamau,Odhiambo,Mutua', 'LDDDDDDD'),
    country('ZA', 2, 'Thabo,Sipho,Lerato', 'Nkosi,Dlamini,Mokoena', 'LDDDDDDDD'),
    country('IN', 5, 'Rajesh,Amit,Priya', 'Sharma,Patel,Gupta', 'LDDDDDDD'),
    country('PK', 3, 'Imran,Bilal,Usman', 'Khan,Qureshi,Malik', 'LLDDDDDDD', 0.2),
    country('BD', 2, 'Rahim,Karim,Nusrat', 'Hossain,Rahman,Chowdhury', 'LLDDDDDDD'),
    country('RU', 6, 'Dmitry,Sergey,Olga', 'Ivanov,Smirnov,Kuznetsova', 'DDDDDDDDD', 0.5, true),
    country('KZ', 3, 'Nursultan,Aigerim,Yerlan', 'Abenov,Nurlanova,Seitkali', 'LDDDDDDDD', 0.4, true),
    country('UZ', 2, 'Bekzod,Dilshod,Malika', 'Karimov,Yusupov,Rakhimova', 'LLDDDDDDD', 0.4, true),
    country('PL', 2, 'Piotr,Katarzyna,Tomasz', 'Nowak,Kowalski,Wisniewski', 'LLDDDDDDD', 0.05, true),
    country('ES', 4, 'Javier,Lucia,Carlos', 'Garcia,Fernandez,Lopez', 'LLLDDDDDD', 0.05, true),
    country('IT', 3, 'Marco,Giulia,Luca', 'Rossi,Russo,Ferrari', 'LLDDDDDDD'),
    country('DE', 2, 'Lukas,Anna,Jonas', 'Mueller,Schmidt,Schneider', 'CXXXXXXXX', 0.05, true),
    country('FR', 2, 'Julien,Camille,Nicolas', 'Martin,Bernard,Dubois', 'DDLLDDDDD'),
    country('GB', 2, 'James,Emily,Oliver', 'Smith,Jones,Taylor', 'DDDDDDDDD'),
    country('US', 4, 'Michael,Jessica,David', 'Johnson,Williams,Brown', 'DDDDDDDDD'),
    country('MX', 3, 'Jose,Alejandro,Maria', 'Hernandez,Gonzalez,Ramirez', 'LDDDDDDDD'),
    country('BR', 3, 'Joao,Lucas,Ana', 'Silva,Santos,Oliveira', 'LLDDDDDD'),
    country('CL', 2, 'Matias,Sofia,Diego', 'Munoz,Rojas,Diaz', 'LDDDDDDDD'),
    country('PE', 1, 'Luis,Rosa,Jorge', 'Quispe,Flores,Huaman', 'DDDDDDDDD'),
    country('CO', 1, 'Andres,Camila,Juan', 'Rodriguez,Gomez,Martinez', 'LLDDDDDD'),
    country('TR', 3, 'Mehmet,Ayse,Emre', 'Yilmaz,Kaya,Demir', 'LDDDDDDDD'),
    country('JO', 1, 'Omar,Rania,Zaid', 'Haddad,Nasser,Khoury', 'LDDDDDDD'),
    country('LB', 1, 'Georges,Rami,Nour', 'Khalil,Haddad,Saade', 'LLDDDDDDD'),
    country('DZ', 2, 'Karim,Yacine,Amina', 'Benali,Bouzid,Haddad', 'DDDDDDDDD'),
    country('MA', 2, 'Youssef,Hamza,Fatima', 'El Amrani,Benjelloun,Alaoui', 'LLDDDDDDD'),
    country('SN', 1, 'Moussa,Aminata,Cheikh', 'Diop,Ndiaye,Fall', 'LDDDDDDDD'),
    country('CI', 1, 'Koffi,Aya,Yao', 'Kouassi,Konan,Kouame', 'DDLLDDDDD'),
    country('ET', 1, 'Abebe,Tigist,Dawit', 'Tesfaye,Bekele,Girma', 'LLDDDDDDD'),
    country('TZ', 1, 'Juma,Neema,Baraka', 'Mwakyusa,Massawe,Mushi', 'LLDDDDDDD'),
    country('TH', 1, 'Somchai,Siriporn,Anan', 'Srisuk,Chaiyaporn,Wongsawat', 'LLDDDDDDD'),
    country('VN', 2, 'Minh,Lan,Tuan', 'Nguyen,Tran,Le', 'LDDDDDDD'),
    country('MY', 1, 'Ahmad,Nurul,Hafiz', 'Abdullah,Ismail,Rahman', 'LDDDDDDDD'),
    country('ID', 2, 'Budi,Siti,Agus', 'Santoso,Wijaya,Hidayat', 'LDDDDDDD'),
    country('PH', 1, 'Joel,Mariel,Mark', 'Santos,Reyes,Cruz', 'LDDDDDDDL'),
    country('KR', 1, 'Minjun,Seoyeon,Jihoon', 'Kim,Lee,Park', 'LDDDDDDDD'),
    country('AU', 1, 'Jack,Chloe,Liam', 'Wilson,Thompson,White', 'LLDDDDDDD'),
    country('AF', 1, 'Ahmad,Farid,Zahra', 'Ahmadzai,Popal,Noori', 'LDDDDDDDD', 0.1),
];

/** Container owner prefixes (ISO 6346 owner code + equipment category U). */
export const CONTAINER_OWNERS: readonly string[] = ['MSCU', 'MAEU', 'CMAU', 'COSU', 'OOLU', 'EGLU', 'HLXU', 'TGHU'];

/** ISO 6346 size-type codes with a plausible tare range (kg). */
export const CONTAINER_TYPES: readonly { readonly type: string; readonly tare: readonly [number, number] }[] = [
    { type: '22G1', tare: [2200, 2350] },
    { type: '42G1', tare: [3700, 3800] },
    { type: '45G1', tare: [3800, 3950] },
];

/** USD per CNY, as recorded on declarations and receipts (a decimal string, as the chaincode wants). */
export const CNY_USD_RATE = '0.140845';
/** CNY per USD, for pricing RMB trades. */
export const USD_CNY = 7.1;
