/**
 * glibc malloc settings for a node process, given by the launchers this project ships (the
 * supervisor of `start --upgrade-dir`, the systemd unit, the local-network launcher devnet.ts), and
 * by an operator who starts `xai-gov start` under another one (docs/RUNBOOK.md, "Memory"). They
 * must be in the environment before the process starts: glibc reads them at its first malloc.
 *
 * Why (issue 10, docs/BENCHMARKS.md): a node's live JavaScript heap after start is small (9 MiB
 * with 100,000 votes stored), yet it stayed at about 300 MiB resident, because glibc keeps what
 * the start-up allocated and freed. Its defaults give each thread that allocates an arena of its
 * own (LevelDB's threads, libuv's pool, V8's helpers, the signature workers: up to 8 per core),
 * and raise the size above which a block gets its own mapping to the largest one freed so far
 * (a 2.5 MiB block read once keeps every later allocation below that size in the heap, where a
 * freed one is not given back). Two arenas, and a fixed 128 KiB threshold for both mapping and
 * trimming, keep the same node at about 230 MiB.
 */
export const NODE_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "131072",
  MALLOC_TRIM_THRESHOLD_: "131072",
};

/** `env` with NODE_MALLOC_ENV added where it sets none of its own (an operator's value wins). */
export function withNodeMalloc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const [k, v] of Object.entries(NODE_MALLOC_ENV)) if (out[k] === undefined) out[k] = v;
  return out;
}

/** `env` without any of NODE_MALLOC_ENV's settings: glibc's defaults (the benchmark's comparison). */
export function withoutNodeMalloc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of Object.keys(NODE_MALLOC_ENV)) delete out[k];
  return out;
}
