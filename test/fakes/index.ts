export type {
  CapturedRequest,
  FakeOptions,
  FakeServer,
  FakeStats,
  Fault,
  Reply,
  RespondContext,
  RespondHook,
  RespondResult,
} from "./core.js";
export { pseudoText } from "./core.js";
export {
  type FakeOllama,
  type FakeOllamaModel,
  type FakeOllamaOptions,
  OLLAMA_BUSY,
  startFakeOllama,
} from "./fake-ollama.js";
export { type FakeOpenAI, type FakeOpenAIOptions, LLAMA_BUILD, startFakeOpenAI } from "./fake-openai.js";
export { faults } from "./faults.js";
