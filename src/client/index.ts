/**
 * `xai-gov/client`: a small typed client of the node's HTTP API (SPEC §5) for scripts. It holds
 * no key of the node's and lets no node choose what it signs: the chain id is the caller's, and
 * the fee is capped (`maxFee`, default 100,000 units). See docs/examples/vote-from-script.mjs.
 */
import { GOV_TX_ROUTES } from "../api/governanceTxRoutes.js";
import { toHex } from "../crypto/bytes.js";
import type { KeyPair } from "../crypto/keys.js";
import type { Payload, Tx } from "../types/tx.js";
import { apiGet, DEFAULT_NODE } from "./http.js";
import {
  type BatchItem,
  buildBody,
  DEFAULT_MAX_FEE,
  decodeBody,
  type PreparedBody,
  type Receipt,
  type SubmitAnswer,
  signBody,
  submitBatch,
  submitTx,
  waitForReceipt,
} from "./tx.js";

export { CliErrorCode as ClientErrorCode, isRemoteError, RemoteError } from "./errors.js";
export { apiGet, apiPost, DEFAULT_NODE } from "./http.js";
export * from "./keys.js";
export * from "./tx.js";
export type { Payload, Tx };

/** Options of a client. */
export interface ClientOptions {
  /** Node API URL (default http://127.0.0.1:8545). */
  node?: string;
  /** The chain to sign for: required to sign; the node's must equal it. */
  chainId?: string;
  /** Ceiling on the fee signed, in base units. */
  maxFee?: bigint;
}

/** What sending one transaction takes besides its payload. */
export interface SendOptions {
  fee?: bigint;
  nonce?: bigint;
  /** Wait for inclusion and return the receipt too. */
  wait?: boolean;
  /** How long `wait` waits, in ms (default 60,000). */
  timeoutMs?: number;
}

/** The write route of a payload type: its governance route, else POST /tx. */
export function routeOf(type: Payload["type"]): string {
  return (GOV_TX_ROUTES as Partial<Record<string, string>>)[type] ?? "/tx";
}

const enc = encodeURIComponent;
type Json = Record<string, unknown>;

/** A client of one node, pinned to one chain. */
export class XaiClient {
  readonly node: string;
  readonly chainId: string | undefined;
  readonly maxFee: bigint;

  constructor(o: ClientOptions = {}) {
    this.node = o.node ?? DEFAULT_NODE;
    this.chainId = o.chainId;
    this.maxFee = o.maxFee ?? DEFAULT_MAX_FEE;
  }

  get<T = Json>(path: string): Promise<T> {
    return apiGet<T>(this.node, path);
  }
  status(): Promise<Json> {
    return this.get("/status");
  }
  account(
    address: string,
  ): Promise<{ address: string; balance: string; nonce: number; next_nonce: string } & Json> {
    return this.get(`/accounts/${enc(address)}`);
  }
  block(height: number | "latest"): Promise<Json> {
    return this.get(`/blocks/${enc(String(height))}`);
  }
  tx(id: string): Promise<Json> {
    return this.get(`/tx/${enc(id)}`);
  }
  /** A proposal by id or number. */
  proposal(ref: string | number): Promise<Json> {
    return this.get(`/governance/proposals/${enc(String(ref))}`);
  }
  proposals(q: { status?: string; limit?: number; cursor?: string } = {}): Promise<Json> {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) s.set(k, String(v));
    return this.get(`/governance/proposals?${s}`);
  }
  votes(ref: string | number, q: { limit?: number; cursor?: string } = {}): Promise<Json> {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) s.set(k, String(v));
    return this.get(`/governance/proposals/${enc(String(ref))}/votes${s.size ? `?${s}` : ""}`);
  }
  params(): Promise<Json> {
    return this.get("/governance/params");
  }
  features(): Promise<Json> {
    return this.get("/governance/features");
  }
  validators(): Promise<Json> {
    return this.get("/validators");
  }

  private pinned(): string {
    if (this.chainId === undefined) throw new Error("XaiClient: give chainId to sign");
    return this.chainId;
  }

  /** Builds the body of `payload` for `publicKey` (the node is asked for the fee and nonce left open). */
  build(
    publicKey: Uint8Array,
    payload: Payload,
    o: { fee?: bigint; nonce?: bigint } = {},
  ): Promise<PreparedBody> {
    return buildBody(
      { node: this.node, chainId: this.pinned(), maxFee: this.maxFee, ...o },
      publicKey,
      payload,
    );
  }

  /** Builds and signs: SignedTx bytes and the transaction's id. */
  async sign(key: KeyPair, payload: Payload, o: { fee?: bigint; nonce?: bigint } = {}) {
    const p = await this.build(key.publicKey, payload, o);
    const bytes = signBody(p.bodyBytes, key);
    return {
      bytes,
      txId: decodeBody(p.bodyBytes).id,
      fee: p.fee,
      nonce: p.nonce,
      publicKey: toHex(key.publicKey),
    };
  }

  submit(bytes: Uint8Array, type: Payload["type"] = "TRANSFER"): Promise<SubmitAnswer> {
    return submitTx(this.node, bytes, routeOf(type));
  }
  submitBatch(txs: readonly Uint8Array[]): Promise<BatchItem[]> {
    return submitBatch(this.node, txs);
  }
  wait(txId: string, timeoutMs = 60_000): Promise<Receipt> {
    return waitForReceipt(this.node, txId, timeoutMs);
  }

  /** Signs, submits and (with `wait`) waits: the node's answer and the receipt. */
  async send(
    key: KeyPair,
    payload: Payload,
    o: SendOptions = {},
  ): Promise<{ answer: SubmitAnswer; receipt?: Receipt }> {
    const signed = await this.sign(key, payload, o);
    const answer = await this.submit(signed.bytes, payload.type);
    if (!o.wait) return { answer };
    return { answer, receipt: await this.wait(signed.txId, o.timeoutMs) };
  }
}
