/** The CLI's error codes and RemoteError live with the client library (src/client/errors.ts). */
export { CliErrorCode, isRemoteError, RemoteError } from "../client/errors.js";
