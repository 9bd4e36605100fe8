// The malloc settings a node process is launched with (src/node/mallocEnv.ts): added where the
// environment sets none, an operator's own value kept.
import assert from "node:assert/strict";
import { NODE_MALLOC_ENV, withNodeMalloc, withoutNodeMalloc } from "../../../src/node/mallocEnv.js";

describe("node malloc settings", () => {
  it("are two arenas and a fixed 128 KiB map and trim threshold", () => {
    assert.deepEqual(NODE_MALLOC_ENV, {
      MALLOC_ARENA_MAX: "2",
      MALLOC_MMAP_THRESHOLD_: "131072",
      MALLOC_TRIM_THRESHOLD_: "131072",
    });
  });

  it("are added to an environment without them, and leave the rest of it as it was", () => {
    const env = { PATH: "/bin", XAI_LOG_LEVEL: "warn" };
    assert.deepEqual(withNodeMalloc(env), { ...env, ...NODE_MALLOC_ENV });
    assert.deepEqual(env, { PATH: "/bin", XAI_LOG_LEVEL: "warn" });
  });

  it("keep an operator's own value of each", () => {
    const env = withNodeMalloc({ MALLOC_ARENA_MAX: "4", MALLOC_TRIM_THRESHOLD_: "0" });
    assert.equal(env.MALLOC_ARENA_MAX, "4");
    assert.equal(env.MALLOC_TRIM_THRESHOLD_, "0");
    assert.equal(env.MALLOC_MMAP_THRESHOLD_, "131072");
  });

  it("are all taken out for glibc's defaults, whoever set them", () => {
    assert.deepEqual(withoutNodeMalloc({ PATH: "/bin", ...NODE_MALLOC_ENV, MALLOC_ARENA_MAX: "4" }), {
      PATH: "/bin",
    });
  });
});
