/**
 * `GET /events`: the live stream of canonical heads and chain events as server-sent events,
 * resumable by `from_height` or `Last-Event-ID` (eventStream.ts does the streaming; docs/API.md
 * gives the format).
 */
import type { FastifyInstance } from "fastify";
import { xaiError } from "../errors.js";
import { ApiErrorCode, errorBody } from "./errors.js";
import { DEFAULT_EVENT_LIMITS, EventHub, type StreamStart } from "./eventStream.js";
import { doc, errorSchema } from "./schemas/common.js";
import type { ApiContext } from "./server.js";

const querySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    from_height: {
      type: "integer",
      minimum: 0,
      description: "First height to replay; absent: only blocks after the current head",
      examples: [1],
    },
  },
} as const;

/** The route's schema (for the OpenAPI document: the 200 answer is an event stream, errors JSON). */
const eventsSchema = {
  ...doc("node", "streamEvents", "Server-sent events: heads and chain events, resumable"),
  description:
    "Server-sent events (text/event-stream): one `head` message per canonical block and one per chain event, replayed from from_height or Last-Event-ID, then live; `reorg` when the chain reverts below what was sent.",
  querystring: querySchema,
  response: {
    200: {
      description: "An event stream that does not end (docs/API.md gives the messages)",
      content: { "text/event-stream": { schema: { type: "string" } } },
    },
    "4xx": errorSchema,
    "5xx": errorSchema,
  },
};

/** Where a stream starts: `Last-Event-ID` (`H:I` or `H:reorg`) over `from_height` over the head. */
export function streamStart(
  headHeight: number,
  fromHeight: number | undefined,
  lastEventId: string | undefined,
): StreamStart {
  if (lastEventId !== undefined) {
    const m = /^(0|[1-9][0-9]{0,14}):(0|[1-9][0-9]{0,8}|reorg)$/.exec(lastEventId.trim());
    if (!m) throw xaiError(ApiErrorCode.BAD_REQUEST, "Last-Event-ID must be <height>:<index>");
    const height = Number(m[1]);
    return m[2] === "reorg" ? { height: height + 1, afterIndex: -1 } : { height, afterIndex: Number(m[2]) };
  }
  return { height: fromHeight ?? headHeight + 1, afterIndex: -1 };
}

/** Registers `GET /events` (limits: ctx.eventLimits, else DEFAULT_EVENT_LIMITS). */
export function eventRoutes(app: FastifyInstance, ctx: ApiContext): EventHub {
  const hub = new EventHub(ctx.chain, { ...DEFAULT_EVENT_LIMITS, ...ctx.eventLimits });
  const untrack = ctx.metrics.addBounds(() => hub.bounds());
  app.addHook("preClose", async () => {
    untrack();
    hub.closeAll();
  });
  app.get<{ Querystring: { from_height?: number } }>(
    "/events",
    { schema: eventsSchema },
    async (req, reply) => {
      const lastId = req.headers["last-event-id"];
      const start = streamStart(ctx.chain.head.height, req.query.from_height, lastId?.toString());
      if (hub.size >= hub.limits.maxClients)
        return reply
          .code(503)
          .send(errorBody(ApiErrorCode.EVENT_STREAM_FULL, `at most ${hub.limits.maxClients} event streams`));
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      raw.write(": xai events\n\n");
      const client = hub.open(raw, start)!;
      raw.on("close", () => client.end("closed"));
    },
  );
  return hub;
}
