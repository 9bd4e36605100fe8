/**
 * JSON schemas shared by every route (issue 12): the one error body of SPEC §5 and the building
 * blocks of the answers. Fastify validates requests and serialises answers with them, and
 * `@fastify/swagger` publishes them at `GET /openapi.json` (openapi.ts). The serialiser drops any
 * property a response schema does not name: an open shape says `additionalProperties: true`.
 */

/** `{"error": {"code", "message", "data"?}}` (api/errors.ts errorBody). */
export const errorSchema = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: {
        code: { type: "string", examples: ["TX_BAD_SIGNATURE"] },
        message: { type: "string" },
        data: { type: "object", additionalProperties: true },
      },
    },
  },
} as const;

/** A decimal amount or count too large for a JSON number. */
export const decimal = { type: "string", pattern: "^(0|[1-9][0-9]*)$", examples: ["1000"] } as const;
export const height = { type: "integer", minimum: 0 } as const;
export const nullableHeight = { type: ["integer", "null"], minimum: 0 } as const;
export const hex = { type: "string", pattern: "^[0-9a-f]*$" } as const;
export const address = { type: "string", examples: ["xai1sen9gmpk340smrh6segzx25ng8fuvulndcdj9c"] } as const;
export const nullableString = { type: ["string", "null"] } as const;
export const openObject = { type: "object", additionalProperties: true } as const;

/** An object schema whose listed properties are all required. */
export function obj(properties: Record<string, unknown>, optional: string[] = []) {
  return {
    type: "object",
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
    properties,
  };
}

/** The `response` of a route: its success answer and the shared error body for 4xx and 5xx. */
export function answers(ok: unknown, status = 200) {
  return { [status]: ok, "4xx": errorSchema, "5xx": errorSchema };
}

/** Route documentation: tags, summary, operationId. */
export function doc(tag: string, operationId: string, summary: string) {
  return { tags: [tag], operationId, summary };
}
