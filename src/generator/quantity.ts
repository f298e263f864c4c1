/**
 * Kubernetes resource quantities in canonical form. The API server stores `cpu: 1000m` as `"1"` and
 * `memory: 1024Mi` as `1Gi`; a manifest that writes the other spelling shows OutOfSync in Argo CD
 * forever. The generator writes every quantity through here.
 */
const BINARY: readonly (readonly [string, bigint])[] = [
  ['Ei', 1n << 60n],
  ['Pi', 1n << 50n],
  ['Ti', 1n << 40n],
  ['Gi', 1n << 30n],
  ['Mi', 1n << 20n],
  ['Ki', 1n << 10n],
];
const DECIMAL: readonly (readonly [string, bigint])[] = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['k', 10n ** 3n],
];
const QUANTITY = /^(\d+)(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** Canonical spelling of an integer-valued quantity (or a millicore count); throws on anything else. */
export function canonicalQuantity(value: string): string {
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`not a Kubernetes quantity: "${value}"`);
  const digits = BigInt(match[1]!);
  const suffix = match[2] ?? '';
  if (suffix === 'm') {
    // Millis: whole units drop the suffix ("1000m" → "1"), the rest stay millis ("500m").
    return digits % 1000n === 0n ? String(digits / 1000n) : `${digits}m`;
  }
  const binary = BINARY.find(([name]) => name === suffix);
  if (binary) return largestUnit(digits * binary[1], BINARY);
  const decimal = DECIMAL.find(([name]) => name === suffix);
  if (decimal) return largestUnit(digits * decimal[1], DECIMAL);
  return String(digits);
}

function largestUnit(bytes: bigint, units: readonly (readonly [string, bigint])[]): string {
  if (bytes === 0n) return '0';
  for (const [name, size] of units) {
    if (bytes % size === 0n) return `${bytes / size}${name}`;
  }
  return String(bytes);
}

/** Compares two quantities by value (for "refuse shrinking volumes" and similar). */
export function quantityValue(value: string): bigint {
  const canonical = canonicalQuantity(value);
  const match = QUANTITY.exec(canonical)!;
  const digits = BigInt(match[1]!);
  const suffix = match[2] ?? '';
  if (suffix === 'm') return digits;
  const unit = [...BINARY, ...DECIMAL].find(([name]) => name === suffix);
  return digits * (unit ? unit[1] : 1n) * 1000n;
}
