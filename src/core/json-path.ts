/** A key as a step of a JSON path: `.key`, or `["a key"]` when it is not an identifier. */
export function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
