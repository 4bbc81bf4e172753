// Reads one Lighthouse JSON report and prints, on one line separated by spaces: the performance
// score (0-100), LCP (ms), TBT (ms), CLS, and the total byte weight (bytes). A figure
// Lighthouse could not measure prints as "n/a".
//
// node bench/lighthouse-summary.mjs report.json
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const audit = (id) => report.audits?.[id]?.numericValue;
const shown = (value, digits) =>
  typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "n/a";
const score = report.categories?.performance?.score;

console.log(
  [
    shown(typeof score === "number" ? score * 100 : undefined, 0),
    shown(audit("largest-contentful-paint"), 0),
    shown(audit("total-blocking-time"), 0),
    shown(audit("cumulative-layout-shift"), 3),
    shown(audit("total-byte-weight"), 0),
  ].join(" "),
);
if (report.runtimeError) {
  console.error(`lighthouse: ${report.runtimeError.code}: ${report.runtimeError.message}`);
}
