// RangeFetch (sync.ts's pipelining): frames handed out in order while the rest still arrive, the
// answer's end seen as `done` (when the next range may be asked for), an error after its frames.
import assert from "node:assert/strict";
import { RangeFetch } from "../../../src/network/rangeFetch.js";

/** A fake request whose frames the test releases one by one. */
function controlled() {
  let onFrame: ((f: Uint8Array) => Promise<boolean>) | undefined;
  let end: ((n: number) => void) | undefined;
  let fail: ((e: Error) => void) | undefined;
  const range = new RangeFetch((cb) => {
    onFrame = cb;
    return new Promise<number>((res, rej) => {
      end = res;
      fail = rej;
    });
  });
  return {
    range,
    send: (b: number) => onFrame!(new Uint8Array([b])),
    end: (n: number) => end!(n),
    fail: (e: Error) => fail!(e),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("network/RangeFetch", () => {
  it("hands out each frame as it arrives, in order, and is done only at the answer's end", async () => {
    const c = controlled();
    const it = c.range.frames();
    await c.send(1);
    assert.deepEqual([...(await it.next()).value!], [1]);
    assert.equal(c.range.done, false);
    const pending = it.next(); // waits for the next frame
    await c.send(2);
    assert.deepEqual([...(await pending).value!], [2]);
    await c.send(3);
    c.end(3);
    await tick();
    assert.equal(c.range.done, true);
    assert.equal(c.range.count, 3);
    assert.deepEqual([...(await it.next()).value!], [3]);
    assert.equal((await it.next()).done, true);
  });

  it("review B3: a range given up (close) drops what it holds and stops the request at its next frame", async () => {
    const c = controlled();
    assert.equal(await c.send(1), true);
    assert.equal(await c.send(2), true);
    const frames = c.range.frames();
    assert.deepEqual([...((await frames.next()).value as Uint8Array)], [1]);
    c.range.close();
    assert.equal(await c.send(3), false, "the request stops reading");
    assert.equal(c.range.count, 2, "frames received before the close still count");
    assert.deepEqual(await frames.next(), { done: true, value: undefined });
  });

  it("a failed request throws after the frames received before it", async () => {
    const c = controlled();
    await c.send(7);
    c.fail(new Error("timeout"));
    await tick();
    const got: number[] = [];
    await assert.rejects(async () => {
      for await (const f of c.range.frames()) got.push(f[0]!);
    }, /timeout/);
    assert.deepEqual(got, [7]);
  });

  it("an unused failed fetch is not an unhandled rejection", async () => {
    const c = controlled();
    c.fail(new Error("dropped"));
    await tick();
    assert.equal(c.range.done, true);
  });
});
