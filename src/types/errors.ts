/** Error codes of transaction validity (mempool, gossip, API and block application share them). */
export enum TxErrorCode {
  /** Bytes do not decode as a SignedTx/TxBody, or a field is missing or out of its domain. */
  MALFORMED = "TX_MALFORMED",
  /** Bytes decode, but their canonical re-encoding differs from the bytes received. */
  NON_CANONICAL = "TX_NON_CANONICAL",
  /** Encoded transaction is larger than `max_tx_bytes`. */
  TOO_LARGE = "TX_TOO_LARGE",
  /** Public key is not an acceptable ed25519 key (wrong length, non-canonical, small order). */
  BAD_PUBLIC_KEY = "TX_BAD_PUBLIC_KEY",
  /** Signature does not verify over the domain tag and the body bytes. */
  BAD_SIGNATURE = "TX_BAD_SIGNATURE",
  /** Body's chain id is not this chain's. */
  WRONG_CHAIN = "TX_WRONG_CHAIN",
  /** Nonce is below the account's next nonce (already used). */
  NONCE_TOO_LOW = "TX_NONCE_TOO_LOW",
  /** Nonce is above the account's next nonce (a gap). */
  NONCE_TOO_HIGH = "TX_NONCE_TOO_HIGH",
  /** Fee is below `min_tx_fee`. */
  FEE_TOO_LOW = "TX_FEE_TOO_LOW",
  /** Balance does not cover fee plus what the transaction spends. */
  INSUFFICIENT_BALANCE = "TX_INSUFFICIENT_BALANCE",
  /** TRANSFER while the `transfers` feature is off. */
  TRANSFERS_DISABLED = "TX_TRANSFERS_DISABLED",
  /**
   * Recipient is not an address (refused at decoding; `data.address_fault` says why), or is a module
   * account (the deposit escrow).
   */
  INVALID_RECIPIENT = "TX_INVALID_RECIPIENT",
  /** Transfer of zero units. */
  ZERO_AMOUNT = "TX_ZERO_AMOUNT",
  /** TRANSFER amount below `min_transfer_amount` (a parameter the test upgrade v2-test adds). */
  BELOW_MIN_TRANSFER = "TX_BELOW_MIN_TRANSFER",
  /** No module handles this payload. */
  UNSUPPORTED = "TX_UNSUPPORTED",
  /** The same transaction is already in the mempool or on chain. */
  DUPLICATE = "TX_DUPLICATE",
  /** A transaction with the same sender and nonce is pending and the new fee does not replace it. */
  REPLACEMENT_UNDERPRICED = "TX_REPLACEMENT_UNDERPRICED",
  /** The mempool is full and the transaction does not pay enough to evict another. */
  MEMPOOL_FULL = "TX_MEMPOOL_FULL",
  /** Amount arithmetic left the uint64 range. */
  OVERFLOW = "TX_OVERFLOW",
}

/** Error codes of block validity. */
export enum BlockErrorCode {
  /** Bytes do not decode as a Block/BlockHeader, or a field is out of its domain. */
  MALFORMED = "BLOCK_MALFORMED",
  /** Canonical re-encoding differs from the bytes received. */
  NON_CANONICAL = "BLOCK_NON_CANONICAL",
  /** Header's chain id is not this chain's. */
  WRONG_CHAIN = "BLOCK_WRONG_CHAIN",
  /** Parent block is not known to this node. */
  UNKNOWN_PARENT = "BLOCK_UNKNOWN_PARENT",
  /**
   * The proposer owns the block's slot under none of the validator sets this node knows, and the
   * parent, on whose state it could be judged, is not stored (SPEC §4.8): it may be fine on a
   * branch this node has not seen, or forged; its signature was not checked.
   */
  UNKNOWN_PROPOSER = "BLOCK_UNKNOWN_PROPOSER",
  /** Height is not parent height + 1. */
  BAD_HEIGHT = "BLOCK_BAD_HEIGHT",
  /** Slot is not after the parent's slot. */
  BAD_SLOT = "BLOCK_BAD_SLOT",
  /** Slot starts in the future by more than the allowed clock disparity. */
  FUTURE_SLOT = "BLOCK_FUTURE_SLOT",
  /** Proposer is not the validator of that slot. */
  WRONG_PROPOSER = "BLOCK_WRONG_PROPOSER",
  /** Proposer's signature over the header does not verify. */
  BAD_SIGNATURE = "BLOCK_BAD_SIGNATURE",
  /** tx_root does not commit to the block's transactions. */
  BAD_TX_ROOT = "BLOCK_BAD_TX_ROOT",
  /** state_root differs from the root this node computes. */
  BAD_STATE_ROOT = "BLOCK_BAD_STATE_ROOT",
  /** A transaction in the block is invalid (data.txCode says why). */
  INVALID_TX = "BLOCK_INVALID_TX",
  /** More transactions than `max_block_txs`. */
  TOO_MANY_TXS = "BLOCK_TOO_MANY_TXS",
  /** More bytes than `max_block_bytes`. */
  TOO_LARGE = "BLOCK_TOO_LARGE",
  /** Adopting the block would revert a final block. */
  REVERTS_FINALIZED = "BLOCK_REVERTS_FINALIZED",
  /** The block is already known. */
  KNOWN = "BLOCK_KNOWN",
  /** The block or one of its ancestors was found invalid before. */
  KNOWN_INVALID = "BLOCK_KNOWN_INVALID",
}

declare module "../errors.js" {
  interface ErrorCodes {
    tx: TxErrorCode;
    block: BlockErrorCode;
  }
}
