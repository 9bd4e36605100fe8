/**
 * Targets without a chain: sync frames (both decoders, with the canonical round trip), genesis
 * files (loadGenesis on a file, then the genesis state of what parses) and the CLI's governance
 * payload JSON (parseAction, then a signed transaction's round trip of the action).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { parseAction } from "../../../src/cli/commands/governance.js";
import { GenesisErrorCode } from "../../../src/config/errors.js";
import { createGenesisJson } from "../../../src/config/genesis.js";
import { bytesEqual } from "../../../src/crypto/bytes.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { actionJson, PROPOSAL_KINDS } from "../../../src/governance/kinds/index.js";
import {
  decodeSyncRequest,
  decodeSyncStatus,
  encodeSyncRequest,
  encodeSyncStatus,
  MAX_BLOCKS_PER_REQUEST,
} from "../../../src/network/syncCodec.js";
import { loadGenesis } from "../../../src/node/genesisFile.js";
import { createModules } from "../../../src/node/modules.js";
import { genesisState } from "../../../src/state-transition/genesis.js";
import { decodeTx, encodeSignedTx, encodeTxBody } from "../../../src/types/txCodec.js";
import { action, FUZZ_CHAIN_ID, KEYS } from "../arbs.js";
import { binVector, FuzzFailure, type FuzzTarget, jsonVector } from "../engine.js";
import { mutatedBytes, mutatedJson, mutatedJsonText } from "../mutate.js";

const safe = fc.oneof(fc.constantFrom(0, 1, MAX_BLOCKS_PER_REQUEST, 2 ** 53 - 1), fc.nat());
const hash = fc.uint8Array({ minLength: 0, maxLength: 40 });

/** Real frames: status requests, range requests, statuses. */
function syncSeeds(): Uint8Array[] {
  const h = new Uint8Array(32).fill(7);
  return [
    encodeSyncRequest({ type: "status" }),
    encodeSyncRequest({ type: "blocks", startHeight: 1, count: 256 }),
    encodeSyncRequest({ type: "blocks", startHeight: 123_456, count: 3 }),
    encodeSyncStatus({ genesisHash: h, headHeight: 42, headHash: h, headSlot: 50, finalizedHeight: 10 }),
  ];
}

/** Sync frames: a frame that decodes re-encodes to itself (both decoders are strict). */
export const syncTarget: FuzzTarget<Uint8Array> = {
  name: "sync",
  ext: "bin",
  ...binVector,
  async setup() {
    const generated = fc.oneof(
      fc.record({ startHeight: safe, count: safe }).map((b) => encodeSyncRequest({ type: "blocks", ...b })),
      fc
        .record({
          genesisHash: hash,
          headHeight: safe,
          headHash: hash,
          headSlot: safe,
          finalizedHeight: safe,
        })
        .map(encodeSyncStatus),
      fc.uint8Array({ maxLength: 64 }),
    );
    return {
      arbitrary: fc.oneof({ weight: 3, arbitrary: mutatedBytes(syncSeeds()) }, generated),
      async run(bytes) {
        const codes: string[] = [];
        for (const [decode, encode] of [
          [decodeSyncRequest, encodeSyncRequest],
          [decodeSyncStatus, encodeSyncStatus],
        ] as const) {
          let msg: unknown;
          try {
            msg = decode(bytes);
          } catch (err) {
            if (!isXaiError(err)) throw err;
            codes.push(err.code);
            continue;
          }
          if (!bytesEqual((encode as (m: unknown) => Uint8Array)(msg), bytes))
            throw new FuzzFailure(`${decode.name} accepted bytes that do not re-encode to themselves`);
        }
        // Rejected only if neither decoder takes it (a request can also be a valid status).
        return codes.length === 2 ? { code: codes[0]! } : {};
      },
      async close() {},
    };
  },
};

/** Genesis files of the presets: 1 and 3 validators, dev and non-dev chain ids. */
export function genesisSeeds(): Record<string, unknown>[] {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => devKeyPair(40 + i).publicKey);
  return [
    createGenesisJson({
      chainId: FUZZ_CHAIN_ID,
      preset: "test",
      dev: true,
      validatorPublicKeys: keys(1),
      genesisTimeMs: 0,
    }),
    createGenesisJson({
      chainId: "xai-devnet",
      preset: "dev",
      dev: true,
      validatorPublicKeys: keys(3),
      genesisTimeMs: 1e12,
    }),
    createGenesisJson({
      chainId: "xai-main-1",
      preset: "dev",
      dev: false,
      validatorPublicKeys: keys(2),
      genesisTimeMs: 5,
    }),
  ];
}

/** Genesis files: loadGenesis on DIR/genesis.json; a genesis that loads has a genesis state. */
export const genesisTarget: FuzzTarget<string> = {
  name: "genesis",
  ext: "json",
  save: (text) => new TextEncoder().encode(text),
  load: (bytes) => new TextDecoder().decode(bytes),
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), "xai-fuzz-genesis-"));
    const modules = createModules();
    return {
      arbitrary: mutatedJsonText(genesisSeeds()),
      async run(text) {
        writeFileSync(join(dir, "genesis.json"), text);
        let g: ReturnType<typeof loadGenesis>;
        try {
          g = loadGenesis(dir);
        } catch (err) {
          // Counted by fault (data.reason) as well as code.
          if (isXaiError(err, GenesisErrorCode.INVALID)) return { code: `${err.code} ${err.data.reason}` };
          throw err;
        }
        try {
          await genesisState(g, { modules, verifier: null });
        } catch (err) {
          throw new FuzzFailure(`a genesis that loads has no genesis state: ${(err as Error).message}`);
        }
        return {};
      },
      async close() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A CLI payload input: --kind and --payload. */
export interface CliInput {
  kind: string;
  payload: string;
}

/** The action's transaction round trip: encode a SUBMIT_PROPOSAL with it, decode, compare. */
function roundTrip(a: ReturnType<typeof parseAction>): void {
  const k = KEYS[0]!;
  const payload = { type: "SUBMIT_PROPOSAL" as const, title: "t", description: "", deposit: 0n, action: a };
  const body = encodeTxBody({ chainId: FUZZ_CHAIN_ID, nonce: 0n, publicKey: k.publicKey, fee: 0n, payload });
  const back = decodeTx(encodeSignedTx(body, new Uint8Array(64))).body.payload;
  if (!isDeepStrictEqual(back, payload))
    throw new FuzzFailure(`the action does not survive its transaction: ${JSON.stringify(actionJson(a))}`);
}

/** The CLI's governance payload JSON (`tx governance submit --kind K --payload JSON`). */
export const cliTarget: FuzzTarget<CliInput> = {
  name: "cli",
  ext: "json",
  save: (i) => jsonVector.save(i),
  load: (b) => jsonVector.load<CliInput>(b),
  async setup() {
    const seeds = fc
      .sample(action, { seed: 1, numRuns: 60 })
      .map((a) => ({ kind: a.kind, payload: actionJson(a) }));
    const kind = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...PROPOSAL_KINDS) },
      fc.string({ maxLength: 20 }),
    );
    const generated = fc
      .tuple(kind, action)
      .map(([k, a]) => ({ kind: k, payload: JSON.stringify(actionJson(a)) }));
    // Structural edits of {kind, payload} (the kind too), or byte edits of the payload's text.
    const structural = mutatedJson(seeds).map((v) => {
      const o = (v ?? {}) as { kind?: unknown; payload?: unknown };
      return {
        kind: typeof o.kind === "string" ? o.kind : (JSON.stringify(o.kind) ?? ""),
        payload: JSON.stringify(o.payload) ?? "",
      };
    });
    const texts = seeds.map((s) => new TextEncoder().encode(JSON.stringify(s.payload)));
    const bytes = fc
      .tuple(fc.nat({ max: seeds.length - 1 }), mutatedBytes(texts))
      .map(([i, b]) => ({ kind: seeds[i]!.kind, payload: new TextDecoder().decode(b) }));
    const mutated = fc.oneof({ weight: 3, arbitrary: structural }, bytes);
    return {
      arbitrary: fc.oneof({ weight: 2, arbitrary: mutated }, generated),
      async run(i) {
        roundTrip(parseAction(i.kind, i.payload));
        return {};
      },
      async close() {},
    };
  },
};
