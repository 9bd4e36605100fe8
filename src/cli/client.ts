/** The CLI's HTTP calls are the client library's (src/client/http.ts). */
export { apiGet, apiPost, DEFAULT_NODE } from "../client/http.js";
