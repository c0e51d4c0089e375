import type { TaskSectionFrame } from "../../../src/results/types.js";

/** The echo kind's results section: the frame, and one verdict per word ("1" echoed, "0" not, "-" no answer). */
export interface EchoSection extends TaskSectionFrame {
  kind: "echo";
  words: string[];
  outcomes: string;
}
