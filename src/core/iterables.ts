/**
 * Groups of `size` from any iterable, the last one shorter; an array is sliced, anything else is read once as it
 * comes (a plan's items are streamed, never materialised).
 */
export function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  if (Array.isArray(items)) {
    for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
    return;
  }
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
