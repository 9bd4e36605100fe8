/**
 * Network namespaces for the chaos harness (iproute2's `ip netns` and `ip link`, as root): node i
 * lives in namespace `xchaos<i>` with one veth pair, 10.77.i.2/24 on its side and 10.77.i.1/24 on
 * the root side, and no default route, so from inside it reaches only 10.77.i.1 — where the
 * proxies of its links listen. One run at a time holds the namespaces (a lock file with its pid);
 * a run whose holder is gone first removes what it left (stale clean-up).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const PREFIX = "xchaos";
const LOCK = "/tmp/xai-chaos-netns.lock";

/** Namespace of node i. */
export const nsName = (i: number): string => `${PREFIX}${i}`;
/** Address of node i inside its namespace. */
export const nodeAddr = (i: number): string => `10.77.${i}.2`;
/** Address of the root side of node i's veth (its proxies listen here). */
export const hostAddr = (i: number): string => `10.77.${i}.1`;

function ip(args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why namespaces cannot be used here, or undefined when they can (tries one and removes it). */
export function namespacesUnavailable(): string | undefined {
  if (process.platform !== "linux") return `platform ${process.platform}`;
  if (process.getuid?.() !== 0) return "not root";
  const probe = `${PREFIX}probe${process.pid}`;
  try {
    ip(["netns", "add", probe]);
    ip(["netns", "del", probe]);
    return undefined;
  } catch (err) {
    return `ip netns add failed: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** Our namespaces that exist now. */
function ours(): string[] {
  let out = "";
  try {
    out = ip(["netns", "list"]);
  } catch {
    return [];
  }
  return out
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter((n) => new RegExp(`^${PREFIX}\\d+$`).test(n));
}

/** Kills every process left in our namespaces (relays, nodes), then deletes them and their veths. */
export function removeNamespaces(): string[] {
  const names = ours();
  for (const ns of names) {
    let pids: number[] = [];
    try {
      pids = ip(["netns", "pids", ns]).split("\n").filter(Boolean).map(Number);
    } catch {}
    for (const pid of pids)
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    try {
      ip(["netns", "del", ns]);
    } catch {}
  }
  return names;
}

/** Takes the lock (clearing what a dead holder left); throws if a live run holds it. */
export function lockNamespaces(log: (m: string) => void): void {
  if (existsSync(LOCK)) {
    const holder = Number(readFileSync(LOCK, "utf8").trim());
    if (holder && holder !== process.pid && alive(holder))
      throw new Error(`another chaos run (pid ${holder}) holds the namespaces (${LOCK})`);
  }
  const stale = removeNamespaces();
  if (stale.length > 0) log(`removed stale namespaces: ${stale.join(" ")}`);
  writeFileSync(LOCK, `${process.pid}\n`);
}

/** Removes our namespaces and the lock (synchronous: it also runs from an exit handler). */
export function releaseNamespaces(): void {
  removeNamespaces();
  if (existsSync(LOCK) && Number(readFileSync(LOCK, "utf8").trim()) === process.pid) rmSync(LOCK);
}

/** Creates node i's namespace and veth pair, with loopback up inside. */
export function createNamespace(i: number): void {
  const ns = nsName(i);
  const host = `xch${i}`;
  const inner = `xch${i}n`;
  ip(["netns", "add", ns]);
  ip(["link", "add", host, "type", "veth", "peer", "name", inner]);
  ip(["link", "set", inner, "netns", ns]);
  ip(["addr", "add", `${hostAddr(i)}/24`, "dev", host]);
  ip(["link", "set", host, "up"]);
  ip(["-n", ns, "addr", "add", `${nodeAddr(i)}/24`, "dev", inner]);
  ip(["-n", ns, "link", "set", inner, "up"]);
  ip(["-n", ns, "link", "set", "lo", "up"]);
}

// The admin API answers on loopback only; inside the namespace this relay forwards
// nodeAddr(i):port to the node's API on 127.0.0.1, so the harness reaches every route over the veth.
const RELAY = `const net=require("node:net");const [h,p,th,tp]=process.argv.slice(1);
net.createServer((s)=>{const u=net.connect(+tp,th);const x=()=>{s.destroy();u.destroy()};
s.on("error",x);u.on("error",x);s.on("close",x);u.on("close",x);s.pipe(u);u.pipe(s)}).listen(+p,h);`;

/** Starts the API relay of node i's namespace. */
export function startRelay(i: number, port: number, apiPort: number): ChildProcess {
  return spawn(
    "ip",
    [
      "netns",
      "exec",
      nsName(i),
      process.execPath,
      "-e",
      RELAY,
      nodeAddr(i),
      String(port),
      "127.0.0.1",
      String(apiPort),
    ],
    { stdio: "ignore" },
  );
}

/**
 * Whether node i's namespace fails to open a TCP connection to node j's own address (the check
 * that every byte between them must cross a proxy): the error code, or "connected".
 */
export function directDial(i: number, j: number, port: number): string {
  const probe = `const s=require("node:net").connect(${port},"${nodeAddr(j)}");
s.on("connect",()=>{console.log("connected");process.exit(0)});
s.on("error",(e)=>{console.log(e.code);process.exit(0)});setTimeout(()=>{console.log("timeout");process.exit(0)},5000);`;
  return execFileSync("ip", ["netns", "exec", nsName(i), process.execPath, "-e", probe], {
    encoding: "utf8",
  }).trim();
}
