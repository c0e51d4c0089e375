/** Decoding settings of a task block, as resolved (camelCase) and as written in benchmark files (snake_case). */
export interface Decoding {
  temperature: number;
  topP: number;
  topK?: number;
  maxTokens: number;
  seed: number;
  /** Context window to request (Ollama num_ctx); unset leaves the server's default. */
  contextLength?: number;
}

export interface DecodingFile {
  temperature: number;
  top_p: number;
  top_k?: number;
  max_tokens: number;
  seed: number;
  context_length?: number;
}

export function toDecoding(decoding: DecodingFile): Decoding {
  const result: Decoding = {
    temperature: decoding.temperature,
    topP: decoding.top_p,
    maxTokens: decoding.max_tokens,
    seed: decoding.seed,
  };
  if (decoding.top_k !== undefined) result.topK = decoding.top_k;
  if (decoding.context_length !== undefined) result.contextLength = decoding.context_length;
  return result;
}
