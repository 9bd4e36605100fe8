import type { FastifyInstance, FastifyRequest } from "fastify";
import { xaiError } from "../errors.js";
import type { P2PNetwork } from "../network/network.js";
import { ApiErrorCode } from "./errors.js";
import { adminPeersSchema, setAdminPeersSchema } from "./schemas/node.js";

function isLoopback(req: FastifyRequest): boolean {
  const ip = req.socket.remoteAddress ?? "";
  return ip === "::1" || ip.startsWith("127.") || ip.startsWith("::ffff:127.");
}

/**
 * Admin control of the peer links, answered on loopback only (the harness cuts and restores links
 * with it): GET /admin/peers; POST /admin/peers {"allow": [peer ids] | null}.
 */
export function adminRoutes(network: P2PNetwork) {
  return (app: FastifyInstance): void => {
    // A hook on each admin route (not a URL prefix test, which percent-encoding would get past).
    const onRequest = async (req: FastifyRequest) => {
      if (!isLoopback(req)) throw xaiError(ApiErrorCode.FORBIDDEN, "admin routes answer on loopback only");
    };
    app.get("/admin/peers", { onRequest, schema: adminPeersSchema }, async () => network.info());
    app.post<{ Body: { allow: string[] | null } }>(
      "/admin/peers",
      { onRequest, schema: setAdminPeersSchema },
      async (req) => {
        await network.setAllowedPeers(req.body.allow);
        return network.info();
      },
    );
  };
}
