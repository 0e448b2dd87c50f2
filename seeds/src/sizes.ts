import type { SizeName } from './model';

/** How big a market to generate. `small` is the demo; `full` is for load and read-model work. */
export interface SizeProfile {
    readonly vendors: number;
    readonly buyers: number;
    readonly agents: number;
    readonly consolidators: number;
    readonly brokers: number;
    readonly producersPerCategory: number;
    readonly streetsPerDistrict: number;
    readonly stallsPerStreet: number;
    readonly goodsPerVendor: readonly [number, number];
    /** Regular buyer shipments (each: one consolidation order, one declaration). */
    readonly shipments: number;
    readonly tradesPerShipment: readonly [number, number];
    /** Regular shipment value, USD; kept below 90 % of the cap so only the F4 case looks like splitting. */
    readonly shipmentUsd: readonly [number, number];
    /** Trades per declaration in the F4 (splitting) case. */
    readonly splitTrades: number;
}

export const SIZES: Readonly<Record<SizeName, SizeProfile>> = {
    small: {
        vendors: 20,
        buyers: 10,
        agents: 3,
        consolidators: 2,
        brokers: 2,
        producersPerCategory: 1,
        streetsPerDistrict: 1,
        stallsPerStreet: 12,
        goodsPerVendor: [2, 3],
        shipments: 7,
        tradesPerShipment: [3, 5],
        shipmentUsd: [12_000, 60_000],
        splitTrades: 2,
    },
    full: {
        vendors: 400,
        buyers: 240,
        agents: 12,
        consolidators: 6,
        brokers: 5,
        producersPerCategory: 4,
        streetsPerDistrict: 6,
        stallsPerStreet: 40,
        goodsPerVendor: [2, 5],
        shipments: 600,
        tradesPerShipment: [3, 8],
        shipmentUsd: [15_000, 120_000],
        splitTrades: 4,
    },
};

export const SIZE_NAMES = Object.keys(SIZES) as SizeName[];
