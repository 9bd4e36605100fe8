/**
 * Errors that the HTTP framework raises itself, before any route or error handler runs, in the SPEC
 * §5 shape `{"error": {"code", "message"}}` (SPEC §5 v2, review B1). Fastify answers two kinds on
 * its own: router errors (a malformed percent-encoding, `FST_ERR_BAD_URL`; a path parameter over
 * 100 characters, `FST_ERR_MAX_PARAM_LENGTH`; an async constraint failure), which go to
 * `frameworkErrors`, and requests that Node's HTTP parser refuses (a bad
 * header, bad framing, headers too large), which go to `clientErrorHandler` on the raw socket.
 * Everything else Fastify raises (content type, body size, JSON syntax) reaches the error handler
 * of `server.ts`.
 */
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiErrorCode, errorBody } from "./errors.js";

/** Fastify's `frameworkErrors` option: the router's own errors, answered in the SPEC shape. */
export function frameworkErrors(
  err: { code?: string; message: string; statusCode?: number },
  _req: FastifyRequest,
  reply: FastifyReply,
): void {
  if (err.code === "FST_ERR_BAD_URL") {
    reply
      .code(400)
      .send(errorBody(ApiErrorCode.BAD_URL, "the URL is not valid (malformed percent-encoding)"));
    return;
  }
  // A path parameter over the router's maxParamLength (100): no id or address of this API is that long.
  if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
    reply
      .code(414)
      .send(errorBody(ApiErrorCode.URL_TOO_LONG, "a path parameter is longer than 100 characters"));
    return;
  }
  // FST_ERR_ASYNC_CONSTRAINT (no route of this API has an async constraint) or a code of a later
  // Fastify: a 4xx stays a bad request, anything else is a bug.
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500)
    reply.code(status).send(errorBody(ApiErrorCode.BAD_REQUEST, err.message));
  else reply.code(500).send(errorBody(ApiErrorCode.INTERNAL, "internal error"));
}

/**
 * Fastify's `clientErrorHandler` option: a request that Node's HTTP parser refused. There is no
 * request object, only the socket: write a complete HTTP response with the SPEC body and close.
 * The parser's own code (HPE_INVALID_HEADER_TOKEN, HPE_HEADER_OVERFLOW, …) goes in the message.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || !socket.writable) return;
  const body = JSON.stringify(
    errorBody(ApiErrorCode.MALFORMED_REQUEST, `the HTTP request is malformed (${err.code ?? "parse error"})`),
  );
  socket.end(
    [
      "HTTP/1.1 400 Bad Request",
      "Connection: close",
      "Content-Type: application/json; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "",
      body,
    ].join("\r\n"),
  );
}
