/**
 * Cheap input checks shared by the metric functions. Every failure is a RangeError whose message starts with the
 * public function's name, so a caller sees which metric rejected which argument.
 */

export function fail(where: string, message: string): never {
  throw new RangeError(`${where}: ${message}`);
}

export function requireFinite(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(where, `${name} must be a finite number (got ${value})`);
}

export function requireInteger(where: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    fail(where, `${name} must be an integer >= ${min} (got ${value})`);
}

export function requireUnitInterval(where: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1))
    fail(where, `${name} must be in [0, 1] (got ${value})`);
}

/** A confidence level strictly between 0 and 1. */
export function requireLevel(where: string, level: number): void {
  if (typeof level !== "number" || !(level > 0 && level < 1))
    fail(where, `level must be in (0, 1) (got ${level})`);
}

export function requireNonEmpty(where: string, name: string, values: ArrayLike<unknown>): void {
  if (values.length === 0) fail(where, `${name} must not be empty`);
}

export function requireFiniteArray(where: string, name: string, values: readonly number[]): void {
  values.forEach((value, index) => {
    requireFinite(where, `${name}[${index}]`, value);
  });
}
