/** The upgrade plan and the validator set. */
import { useJson } from "../data.js";
import { Facts, Loading, ProposalLink } from "../parts.js";

interface Upgrade {
  height: number;
  pending: Record<string, unknown> | null;
  applied: Array<Record<string, unknown>>;
  upgrade_needed: unknown;
}
interface Validators {
  height: number;
  validators: Array<{ address: string; public_key: string }>;
  pending: Array<{
    action: string;
    address: string;
    activation_height: number;
    blocks_left: number;
    proposal_id: string;
  }>;
}

const show = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v));

export function UpgradePage() {
  const { data: u, error } = useJson<Upgrade>("/upgrade");
  const { data: v } = useJson<Validators>("/validators");
  if (!u || !v) return <Loading error={error} />;
  return (
    <section>
      <h1>Upgrade plan and validators</h1>
      <section aria-labelledby="up-h" data-testid="upgrade">
        <h2 id="up-h">Upgrade</h2>
        {u.pending ? (
          <Facts rows={Object.entries(u.pending).map(([k, x]) => [k, show(x)])} />
        ) : (
          <p>No upgrade is scheduled.</p>
        )}
        {u.applied.length > 0 && (
          <ul>
            {u.applied.map((a) => (
              <li key={show(a)}>{show(a)}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="val-h">
        <h2 id="val-h">Validator set (rotation order)</h2>
        <ol data-testid="validators">
          {v.validators.map((x) => (
            <li key={x.address}>
              <code>{x.address}</code>
            </li>
          ))}
        </ol>
        {v.pending.length > 0 && (
          <table>
            <caption>Scheduled changes</caption>
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Address</th>
                <th scope="col">From height</th>
                <th scope="col">Proposal</th>
              </tr>
            </thead>
            <tbody>
              {v.pending.map((c) => (
                <tr key={`${c.action}${c.address}`}>
                  <td>{c.action}</td>
                  <td>
                    <code>{c.address}</code>
                  </td>
                  <td>
                    {c.activation_height} ({c.blocks_left} blocks)
                  </td>
                  <td>
                    <ProposalLink id={c.proposal_id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
