/**
 * HTTP client of one node run: reads, and transactions signed in-process with the dev keys
 * (harness/txs.ts) and posted to their route (SPEC §5). A request to a killed node throws.
 */

import { routeOf, signTx } from "../../harness/txs.js";
import type { KeyPair } from "../../src/crypto/keys.js";
import type { Payload } from "../../src/types/tx.js";

/** What a node answered. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The answer to a submission: accepted (202) or refused with a code. */
export type Sent = { ok: true; id: string; proposalId?: string } | { ok: false; code: string };

/** The client of the node at `api` (one run: a restarted node has a new address). */
export class NodeClient {
  private fee: bigint | null = null;

  /** `refused` counts refusals by code (expected ones too: say a vote after the voting window). */
  constructor(
    readonly api: string,
    readonly chainId: string,
    readonly refused = new Map<string, number>(),
  ) {}

  async get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    const res = await fetch(`${this.api}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  }

  /** GET that must answer 200. */
  async get200<T = Record<string, unknown>>(path: string): Promise<T> {
    const a = await this.get<T>(path);
    if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }

  /** Signs `payload` with `key` (the node's next nonce and minimum fee) and posts it to its route. */
  async send(key: KeyPair, payload: Payload): Promise<Sent> {
    if (this.fee === null)
      this.fee = BigInt((await this.get200<{ min_tx_fee: string }>("/status")).min_tx_fee);
    const account = await this.get200<{ next_nonce: string }>(`/accounts/${key.address}`);
    const tx = signTx(key, payload, {
      chainId: this.chainId,
      nonce: BigInt(account.next_nonce),
      fee: this.fee,
    });
    const res = await fetch(`${this.api}${routeOf(payload)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: Buffer.from(tx.bytes).toString("base64") }),
    });
    const body = (await res.json()) as { tx_id?: string; proposal_id?: string; error?: { code: string } };
    if (res.status === 202)
      return { ok: true, id: body.tx_id!, ...(body.proposal_id ? { proposalId: body.proposal_id } : {}) };
    const code = `${payload.type} ${body.error?.code ?? res.status}`;
    this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
    return { ok: false, code };
  }

  /** A transaction's state: included (with its receipt), pending, or unknown (never seen, or lost with the mempool). */
  async txState(
    id: string,
  ): Promise<{ state: "included"; height: number; result: string } | { state: "pending" | "unknown" }> {
    const a = await this.get<{ status?: string; receipt?: { height: number; result: string } }>(`/tx/${id}`);
    if (a.status === 404) return { state: "unknown" };
    if (a.status !== 200) throw new Error(`GET /tx/${id}: ${a.status} ${JSON.stringify(a.body)}`);
    if (a.body.status === "included" && a.body.receipt)
      return { state: "included", height: a.body.receipt.height, result: a.body.receipt.result };
    return { state: "pending" };
  }
}
