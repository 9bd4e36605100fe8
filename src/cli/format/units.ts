/** Amounts for people: base units (SPEC §6: amounts are integer base units) as XAI, 1 XAI = 10^8 units. */
import { UNITS_PER_XAI } from "../../config/registry.js";

/** `123456789` → `1.23456789 XAI`; trailing zeros dropped, thousands grouped: `1,000,000 XAI`. */
export function formatXai(units: string | bigint): string {
  const u = BigInt(units);
  const neg = u < 0n;
  const a = neg ? -u : u;
  const whole = (a / UNITS_PER_XAI).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (a % UNITS_PER_XAI).toString().padStart(8, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""} XAI`;
}
