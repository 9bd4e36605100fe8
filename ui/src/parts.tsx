/** Small pieces the pages share: links, status badges, bars, tables, copyable commands. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { stageName } from "./format.js";

export function ProposalLink({
  number,
  id,
  children,
}: {
  number?: unknown;
  id?: unknown;
  children?: ComponentChildren;
}) {
  const ref = number ?? id;
  return <a href={`#/proposals/${String(ref)}`}>{children ?? `#${String(ref)}`}</a>;
}

export function Status({ status }: { status: string | null | undefined }) {
  return <span class={`badge st-${status ?? "none"}`}>{stageName(status)}</span>;
}

export function Loading({ error }: { error?: string | undefined }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : (
    <p aria-busy="true">Loading…</p>
  );
}

/**
 * A horizontal bar of `value` out of 10,000 basis points, with optional threshold lines. A native
 * (visually hidden) <meter> carries the value and its text for screen readers; the drawing is hidden.
 */
export function Bar(props: {
  label: string;
  value: number;
  text: string;
  kind?: string;
  lines?: Array<{ at: number; label: string }>;
  testid?: string;
}) {
  const w = Math.min(10_000, Math.max(0, props.value)) / 100;
  return (
    <div class="bar-row">
      <span class="bar-label">{props.label}</span>
      <meter
        class="sr-only"
        min={0}
        max={100}
        value={w}
        aria-label={props.label}
        aria-valuetext={props.text}
        data-testid={props.testid}
        data-value={props.value}
      >
        {props.text}
      </meter>
      <div class="bar" aria-hidden="true">
        <div class={`fill ${props.kind ?? ""}`} style={{ width: `${w}%` }} />
        {props.lines?.map((l) => (
          <div
            key={l.label}
            class="line"
            style={{ left: `${Math.min(100, l.at / 100)}%` }}
            title={l.label}
            aria-hidden="true"
          >
            <span>{l.label}</span>
          </div>
        ))}
      </div>
      <span class="bar-text">{props.text}</span>
    </div>
  );
}

/** A command line with a copy button. */
export function Command({ label, cmd }: { label: string; cmd: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="cmd">
      <span class="cmd-label">{label}</span>
      <pre>
        <code>{cmd}</code>
      </pre>
      <button
        type="button"
        onClick={async () => {
          await navigator.clipboard?.writeText(cmd).catch(() => undefined);
          setCopied(true);
        }}
        aria-label={`Copy: ${label}`}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

/** A definition list from pairs. */
export function Facts({ rows, testid }: { rows: Array<[string, ComponentChildren]>; testid?: string }) {
  return (
    <dl class="facts" data-testid={testid}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
