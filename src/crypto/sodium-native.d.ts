// The one function of sodium-native (libsodium's bindings; the package ships no types) the node
// uses: the verify backend of src/crypto/verify.ts (loaded there with require, so that a platform
// without its binary falls back to node:crypto).
declare module "sodium-native" {
  /**
   * libsodium's crypto_sign_verify_detached: true iff `sig` (64 bytes) is valid for `m` under `pk`
   * (32 bytes). Undefined, not a verdict, for views of shared memory on Node 20 (verify.ts copies them).
   */
  export function crypto_sign_verify_detached(
    sig: Uint8Array,
    m: Uint8Array,
    pk: Uint8Array,
  ): boolean | undefined;
}
