/** This node: height, finalized height, peers, syncing. */
import { useJson, useLive } from "../data.js";
import { Facts, Loading } from "../parts.js";

export function NodePage() {
  const live = useLive();
  const { data: s, error } = useJson<Record<string, unknown>>("/status");
  if (!s) return <Loading error={error} />;
  return (
    <section data-testid="node">
      <h1>Node</h1>
      <Facts
        rows={[
          ["Chain", String(s.chain_id)],
          ["Version", String(s.version)],
          [
            "Height",
            <span key="h" data-testid="node-height">
              {String(s.height)}
            </span>,
          ],
          ["Finalized height", String(s.finalized_height)],
          ["Peers", String(s.peers)],
          ["Syncing", s.syncing ? "yes" : "no"],
          ["Mempool", `${s.mempool_size} transactions`],
          ["Block time", `${s.block_time_ms} ms`],
          ["Head", <code key="x">{String(s.head_hash)}</code>],
          ["Updates", live.mode === "stream" ? "event stream" : live.mode],
          ["Validator", s.validator ? <code key="v">{String(s.validator)}</code> : "none"],
        ]}
      />
    </section>
  );
}
