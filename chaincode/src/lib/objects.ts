/** A copy of `value` without `key` (records drop optional fields instead of storing undefined). */
export function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
    const entries = Object.entries(value).filter(([name]) => name !== key);
    return Object.fromEntries(entries) as Omit<T, K>;
}
