/** The store cannot be opened or used (bad path, newer schema, disk error). Light on purpose: the CLI imports it. */
export class StoreError extends Error {
  override readonly name = "StoreError";
}
