/**
 * Preloaded into a measured process (`node --import cpu-report.js dist/cli/bin.js ...`): at exit it writes the
 * whole process's CPU time and peak RSS to $PERF_REPORT_FILE, start-up included.
 */
import { writeFileSync } from "node:fs";

const file = process.env.PERF_REPORT_FILE;
if (file) {
  process.on("exit", () => {
    const cpu = process.cpuUsage();
    writeFileSync(
      file,
      JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }),
    );
  });
}
