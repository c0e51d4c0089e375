/**
 * The bare client the harness is compared with: a plain Node `fetch` loop, non-streaming, keeping `inFlight`
 * requests open until `total` have been answered. Runs in its own process and prints one JSON line with its CPU.
 * Usage: node bare-client.js <base-url-with-/v1> <total> <inFlight>
 */
const [base, totalArg, inFlightArg] = process.argv.slice(2);
const total = Number(totalArg);
const inFlight = Number(inFlightArg);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let next = 0;
let ok = 0;
let failed = 0;

async function worker(): Promise<void> {
  while (next < total) {
    const i = next++;
    const response = await fetch(`${base}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "perf-model",
        messages: [
          { role: "system", content: "You are a patient mathematics teacher." },
          { role: "user", content: `Problem ${i}: what is ${i} + 1?\n\nPlease reason step by step.` },
        ],
        max_tokens: 4096,
        temperature: 0,
        seed: i,
      }),
    });
    const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
    if (response.ok && typeof body.choices?.[0]?.message?.content === "string") ok++;
    else failed++;
  }
}

await Promise.all(Array.from({ length: inFlight }, worker));
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({ ok, failed, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, processCpuMs: (() => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; })(), maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
