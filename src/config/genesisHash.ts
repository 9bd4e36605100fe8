/** The canonical encoding of a genesis and its hash (the chain's identity beside its chain id). */
import { sha256Stream } from "../crypto/hash.js";
import { encodeMessage, pb, toLong } from "../types/proto.js";
import type { GenesisFile } from "./genesis.js";

type Unhashed = Omit<GenesisFile, "hash">;
type Fields = Omit<Unhashed, "balances">;
type Balance = GenesisFile["balances"][number];

function sortedValues(values: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.keys(values)
    .sort()
    .map((name) => ({ name, value: values[name]! }));
}

const balanceMessages = (balances: Balance[]) =>
  balances.map((b) => ({ address: b.address, amount: toLong(b.amount) }));

/** The Genesis message's fields numbered below `balances` (6) and above it, as protobufjs takes them. */
function fieldsOf(g: Fields): { before: Record<string, unknown>; after: Record<string, unknown> } {
  return {
    before: {
      chainId: g.chainId,
      genesisTimeMs: toLong(BigInt(g.genesisTimeMs)),
      blockTimeMs: toLong(BigInt(g.blockTimeMs)),
      finalityDepth: toLong(BigInt(g.finalityDepth)),
      validators: g.validators.map((v) => ({ address: v.address, publicKey: v.publicKey })),
    },
    after: {
      treasuryBalance: toLong(g.treasuryBalance),
      params: sortedValues(g.values.param),
      features: sortedValues(g.values.feature),
      govRules: sortedValues(g.values.rule),
      fiatUnlock: {
        startHeight: toLong(BigInt(g.fiatUnlock.startHeight)),
        autoUnlockHeight: toLong(BigInt(g.fiatUnlock.autoUnlockHeight)),
        minVotes: toLong(g.fiatUnlock.minVotes),
        supportBps: toLong(g.fiatUnlock.supportBps),
        quorumBps: toLong(g.fiatUnlock.quorumBps),
      },
    },
  };
}

/** Canonical protobuf encoding of a genesis (what its hash is taken over). */
export function encodeGenesis(g: Unhashed): Uint8Array {
  const { before, after } = fieldsOf(g);
  return encodeMessage(pb.Genesis, { ...before, balances: balanceMessages(g.balances), ...after });
}

const CHUNK = 32;

/**
 * sha256 of encodeGenesis(g), encoded and hashed in parts: the fields before the balances, the
 * balances 32 at a time (under 4 KiB each), the fields after them. Protobuf writes a message's fields in field
 * order and a repeated field's elements one after another, so the parts concatenate to the same
 * bytes (a test compares), without 100,000 balance messages and a 7 MB encoding at once (issue 10).
 */
export function genesisHash(g: Unhashed): Uint8Array {
  const { before, after } = fieldsOf(g);
  function* parts(): Generator<Uint8Array> {
    yield encodeMessage(pb.Genesis, before);
    // Hashed where protobufjs wrote it (a slice of Node's buffer pool below 4 KiB), not copied.
    for (let i = 0; i < g.balances.length; i += CHUNK)
      yield pb.Genesis.encode({ balances: balanceMessages(g.balances.slice(i, i + CHUNK)) }).finish();
    yield encodeMessage(pb.Genesis, after);
  }
  return sha256Stream(parts());
}

/**
 * sha256 of the genesis's encoding without its balances (the fields before them, then those after):
 * what a node keeps beside the digest of a checked genesis.json (src/node/genesisFile.ts), so a
 * release that would read the same bytes into other values parses them whole again.
 */
export function genesisFieldsHash(g: Fields): Uint8Array {
  const { before, after } = fieldsOf(g);
  return sha256Stream([encodeMessage(pb.Genesis, before), encodeMessage(pb.Genesis, after)]);
}
