/** A proposal's reviews and implementation approvals (with their power) and its votes, paginated. */
import { useState } from "preact/hooks";
import { useJson } from "../data.js";
import { bps, pct, short, xai } from "../format.js";
import { Bar } from "../parts.js";
import type { Proposal } from "./proposal.js";

interface Review {
  reviewer: string;
  approved: boolean;
  comment: string;
  power: string;
  height: number;
}
interface ImplVote {
  voter: string;
  approved: boolean;
  height: number;
}
interface Vote {
  voter: string;
  option: string;
  power: string;
  counted_power: string;
  height: number;
  replaced: number;
}

const PAGE = 10;

export function Approvals({ p }: { p: Proposal }) {
  const base = `/governance/proposals/${p.id}`;
  const { data: r } = useJson<{ reviews: Review[] }>(`${base}/reviews?limit=100`);
  const { data: iv } = useJson<{ implementation_votes: ImplVote[] }>(
    `${base}/implementation-votes?limit=100`,
  );
  const rv = p.review;
  const im = p.implementation;
  const reviewShare = bps(rv.approve_power!, rv.total_power!);
  const implShare = bps(im.approve_power!, im.required_power!);
  return (
    <section aria-labelledby="appr-h">
      <h2 id="appr-h">Reviews and implementation approvals</h2>
      <Bar
        label="Review approval"
        kind="yes"
        value={reviewShare}
        text={`${rv.approvals} of ${rv.reviewers} reviewers, ${pct(reviewShare)} of review power (needs ${pct(p.rules.review_approval_bps ?? 0)}, at least ${p.rules.min_code_reviewers ?? "?"} reviewers)`}
        lines={[{ at: Number(p.rules.review_approval_bps ?? 0), label: "approval" }]}
        testid="bar-review"
      />
      <Bar
        label="Implementation"
        kind="yes"
        value={implShare}
        text={`${im.approvals} approvals, ${xai(im.approve_power)} of ${xai(im.required_power)} required`}
        testid="bar-implementation"
      />
      <div class="two">
        <table data-testid="reviews">
          <caption>Reviews</caption>
          <thead>
            <tr>
              <th scope="col">Reviewer</th>
              <th scope="col">Verdict</th>
              <th scope="col">Power</th>
              <th scope="col">Height</th>
            </tr>
          </thead>
          <tbody>
            {(r?.reviews ?? []).map((x) => (
              <tr key={x.reviewer}>
                <td>
                  <code title={x.reviewer}>{short(x.reviewer, 14)}</code>
                </td>
                <td title={x.comment}>{x.approved ? "approve" : "reject"}</td>
                <td>{xai(x.power)}</td>
                <td>{x.height}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table data-testid="implementation-votes">
          <caption>Implementation votes</caption>
          <thead>
            <tr>
              <th scope="col">Voter</th>
              <th scope="col">Verdict</th>
              <th scope="col">Height</th>
            </tr>
          </thead>
          <tbody>
            {(iv?.implementation_votes ?? []).map((x) => (
              <tr key={x.voter}>
                <td>
                  <code title={x.voter}>{short(x.voter, 14)}</code>
                </td>
                <td>{x.approved ? "approve" : "reject"}</td>
                <td>{x.height}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Votes({ p }: { p: Proposal }) {
  // cursors[i] is the cursor of page i (page 0: none).
  const [cursors, setCursors] = useState<string[]>([""]);
  const page = cursors.length - 1;
  const cursor = cursors[page]!;
  const { data } = useJson<{ votes: Vote[]; next_cursor: string | null }>(
    `/governance/proposals/${p.id}/votes?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`,
  );
  return (
    <section aria-labelledby="votes-h">
      <h2 id="votes-h">Votes</h2>
      <div class="scroll">
        <table data-testid="votes">
          <thead>
            <tr>
              <th scope="col">Voter</th>
              <th scope="col">Option</th>
              <th scope="col">Power</th>
              <th scope="col">Counted</th>
              <th scope="col">Height</th>
            </tr>
          </thead>
          <tbody>
            {(data?.votes ?? []).map((v) => (
              <tr key={v.voter} data-option={v.option}>
                <td>
                  <code title={v.voter}>{short(v.voter, 14)}</code>
                </td>
                <td>{v.option}</td>
                <td>{xai(v.power)}</td>
                <td>{xai(v.counted_power)}</td>
                <td>{v.height}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Votes pages">
        <button type="button" disabled={page === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <span>Page {page + 1}</span>
        <button
          type="button"
          disabled={!data?.next_cursor}
          onClick={() => data?.next_cursor && setCursors([...cursors, data.next_cursor])}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
