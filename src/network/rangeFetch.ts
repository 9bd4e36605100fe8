/**
 * One block range of a sync round being read (sync.ts): the answer's frames are buffered as they
 * arrive, and handed out in order while the rest still arrive, so blocks are imported as they
 * come and the round can ask for the next range as soon as this one is complete (`done`), while
 * its blocks are still being imported. A frame is dropped from the buffer once handed out; an
 * answer holds at most the request's caps (MAX_BLOCKS_PER_REQUEST frames, 64 MiB).
 */
export class RangeFetch {
  private readonly buf: Array<Uint8Array | undefined> = [];
  private error: unknown;
  private finished = false;
  private closed = false;
  private received = 0;
  private wake: (() => void) | undefined;

  /** `read` sends the request and calls `onFrame` per frame; it resolves when the answer ends. */
  constructor(read: (onFrame: (frame: Uint8Array) => Promise<boolean>) => Promise<number>) {
    // Once closed, the answer's reading stops at its next frame (false ends the request).
    read(async (frame) => {
      if (this.closed) return false;
      this.received++;
      this.buf.push(frame);
      this.poke();
      return true;
    })
      .catch((err: unknown) => {
        this.error = err;
      })
      .finally(() => {
        this.finished = true;
        this.poke();
      });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /**
   * Gives the range up: what is buffered is dropped and the request stops reading at its next
   * frame, so a range the round no longer wants holds no memory and no stream.
   */
  close(): void {
    this.closed = true;
    this.buf.length = 0;
    this.poke();
  }

  /** True once the whole answer has arrived (or failed). */
  get done(): boolean {
    return this.finished;
  }

  /** Frames received so far (handed out or not). */
  get count(): number {
    return this.received;
  }

  /** The frames in order, as they arrive; throws the request's error after the frames before it. */
  async *frames(): AsyncGenerator<Uint8Array> {
    for (let i = 0; ; ) {
      if (this.closed) return;
      if (i < this.buf.length) {
        const f = this.buf[i]!;
        this.buf[i++] = undefined;
        yield f;
      } else if (this.finished) {
        if (this.error !== undefined) throw this.error;
        return;
      } else await new Promise<void>((r) => (this.wake = r));
    }
  }
}
