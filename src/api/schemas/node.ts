/** Schemas of /upgrade, /validators and the admin routes (SPEC §4.7, §4.8, §5); see common.ts. */
import { address, answers, doc, height, hex, nullableString, obj } from "./common.js";

const str = { type: "string" } as const;
const strings = { type: "array", items: str } as const;
const plan = { name: str, height, info: str };

export const upgradeSchema = {
  ...doc("node", "getUpgrade", "The pending upgrade plan (with an estimated time) and applied upgrades"),
  response: answers(
    obj({
      height,
      pending: {
        anyOf: [
          { type: "null" },
          obj({
            ...plan,
            release_sha256: nullableString,
            proposal_id: hex,
            number: { type: "integer", minimum: 1 },
            scheduled_height: height,
            blocks_left: height,
            estimated_time: { type: "string", format: "date-time" },
          }),
        ],
      },
      applied: {
        type: "array",
        items: obj({ ...plan, proposal_id: hex, number: { type: "integer", minimum: 1 } }),
      },
      upgrade_needed: { anyOf: [{ type: "null" }, obj(plan)] },
    }),
  ),
};

export const validatorsSchema = {
  ...doc("node", "getValidators", "The validator set in rotation order and its scheduled changes"),
  response: answers(
    obj({
      height,
      validators: { type: "array", items: obj({ address, public_key: hex }) },
      pending: {
        type: "array",
        items: obj({
          action: { type: "string", enum: ["add", "remove"] },
          address,
          public_key: { type: ["string", "null"] },
          activation_height: height,
          blocks_left: height,
          proposal_id: hex,
        }),
      },
    }),
  ),
};

/** network.ts info(): `listen` and `syncing` are optional (a stand-in network may lack them). */
const peersInfo = obj(
  {
    peer_id: str,
    listen: strings,
    peers: strings,
    allowed: { anyOf: [{ type: "null" }, strings] },
    banned: strings,
    syncing: { type: "boolean" },
  },
  ["listen", "syncing"],
);

export const adminPeersSchema = {
  ...doc("admin", "getAdminPeers", "Peer links of this node (loopback only)"),
  response: answers(peersInfo),
};

export const setAdminPeersSchema = {
  ...doc("admin", "setAdminPeers", "Allow only the given peers (null: every peer) (loopback only)"),
  body: {
    type: "object",
    required: ["allow"],
    additionalProperties: false,
    properties: {
      allow: {
        anyOf: [
          { type: "null" },
          { type: "array", maxItems: 1000, items: { type: "string", maxLength: 128 } },
        ],
      },
    },
  },
  response: answers(peersInfo),
};
