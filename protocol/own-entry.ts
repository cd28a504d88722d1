/**
 * Documents keyed by user names (symbols, accounts): `obj[name] = v` with the name `__proto__`
 * calls Object.prototype's setter and rewires the prototype instead of adding a key, so the entry
 * vanishes from JSON.stringify. A defined property is always a plain own key, whatever the name.
 */
export function setOwnEntry<V>(target: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
