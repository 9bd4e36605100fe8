import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGenesisJson, parseGenesis, proposerOfSlot } from "../../src/config/genesis.js";
import { sha256, utf8 } from "../../src/crypto/hash.js";
import { devKeyPair, keyPairFromSecret, sign } from "../../src/crypto/keys.js";
import type { Verifier } from "../../src/crypto/verify.js";
import { verifyNode } from "../../src/crypto/verify.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { createModules } from "../../src/node/modules.js";
import {
  applyBlock,
  blockContext,
  buildBlock,
  genesisState,
  txRootOf,
} from "../../src/state-transition/applyBlock.js";
import { assembleBlock, type Block, blockSigningMessage, encodeHeader } from "../../src/types/block.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";
import { fastSigner } from "./fastSign.js";
import type { BenchRow } from "./report.js";

const BLOCKS = 10;
const TXS_PER_BLOCK = 2000;

/** Makes blocks of signed transfers from the ten dev accounts on a scratch database. */
async function makeBlocks(dir: string) {
  const validator = keyPairFromSecret(sha256(utf8("bench-validator")));
  const genesis = parseGenesis(
    createGenesisJson({
      chainId: "xai-devnet-bench",
      preset: "dev",
      dev: true,
      validatorPublicKeys: [validator.publicKey],
      genesisTimeMs: 0,
    }),
  );
  const modules = createModules();
  const rules = { modules, verifier: null };
  const db = await ChainDb.open(join(dir, "make"));
  const g = await genesisState(genesis, rules);
  await db.batch().applyState(g.overlay.changes()).write();
  const devs = Array.from({ length: 10 }, (_, i) => devKeyPair(i));
  const signers = devs.map((k) => fastSigner(k.secretKey));
  const nonces = devs.map(() => 0n);
  let root = g.stateRoot;
  let parentHash: Uint8Array = sha256(utf8("bench-parent"));
  const blocks: Block[] = [];
  for (let b = 1; b <= BLOCKS; b++) {
    const txs = Array.from({ length: TXS_PER_BLOCK }, (_, i) => {
      const from = i % devs.length;
      const body = encodeTxBody({
        chainId: genesis.chainId,
        nonce: nonces[from]!++,
        publicKey: devs[from]!.publicKey,
        fee: 1000n,
        payload: {
          type: "TRANSFER",
          recipient: devs[(from + 1 + (i % 9)) % 10]!.address,
          amount: 1000n + BigInt(i),
        },
      });
      return decodeTx(encodeSignedTx(body, signers[from]!(txSigningMessage(body))));
    });
    const ctx = await blockContext(db.state, {
      chainId: genesis.chainId,
      height: b,
      slot: b,
      proposer: validator.address,
    });
    const res = await buildBlock(db.state, txs, ctx, root, rules);
    if (res.txs.length !== TXS_PER_BLOCK) throw new Error(`only ${res.txs.length} transfers fit`);
    const header = {
      chainId: genesis.chainId,
      height: b,
      slot: b,
      parentHash,
      proposer: proposerOfSlot(genesis, b).address,
      txRoot: txRootOf(res.txs),
      stateRoot: res.stateRoot,
    };
    const block = assembleBlock(
      header,
      sign(blockSigningMessage(encodeHeader(header)), validator.secretKey),
      res.txs.map((t) => t.bytes),
    );
    await db.batch().applyState(res.overlay.changes()).write();
    blocks.push(block);
    root = res.stateRoot;
    parentHash = block.hash;
  }
  await db.close();
  return { genesis, blocks, genesisRoot: g.stateRoot, genesisChanges: g.overlay.changes() };
}

async function applyAll(
  dir: string,
  name: string,
  made: Awaited<ReturnType<typeof makeBlocks>>,
  verifier: Verifier | null,
) {
  const db = await ChainDb.open(join(dir, name));
  await db.batch().applyState(made.genesisChanges).write();
  const rules = { modules: createModules(), verifier };
  let root = made.genesisRoot;
  let applyMs = 0;
  let totalMs = 0;
  for (const block of made.blocks) {
    const t0 = performance.now();
    const res = await applyBlock(db.state, block, root, rules);
    const t1 = performance.now();
    await db.batch().applyState(res.overlay.changes()).write();
    applyMs += t1 - t0;
    totalMs += performance.now() - t0;
    root = res.stateRoot;
  }
  await db.close();
  const n = BLOCKS * TXS_PER_BLOCK;
  return { applyRate: n / (applyMs / 1000), totalRate: n / (totalMs / 1000) };
}

/** Transfers applied per second through applyBlock on LevelDB, signature checks on and off. */
export async function benchTransfers(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "xai-bench-"));
  try {
    const made = await makeBlocks(dir);
    const on = await applyAll(dir, "on", made, verifyNode);
    const off = await applyAll(dir, "off", made, null);
    const detail = `${BLOCKS} blocks x ${TXS_PER_BLOCK} transfers, LevelDB`;
    return [
      { name: "transfers applyBlock, signatures on", value: on.applyRate, unit: "tx/s", detail },
      { name: "transfers applyBlock+commit, signatures on", value: on.totalRate, unit: "tx/s", detail },
      { name: "transfers applyBlock, signatures off", value: off.applyRate, unit: "tx/s", detail },
      { name: "transfers applyBlock+commit, signatures off", value: off.totalRate, unit: "tx/s", detail },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
