/**
 * The governance dashboard (issue 13): a read-only view of this node, served by it at /ui/. Pages
 * are addressed by the URL hash (`#/proposals/3`), so every page can be linked and reloaded.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLive } from "./data.js";
import { startLive } from "./live.js";
import { NodePage } from "./pages/node.js";
import { ProposalPage } from "./pages/proposal.js";
import { ProposalsPage } from "./pages/proposals.js";
import { RegistryPage } from "./pages/registry.js";
import { FiatPage, HistoryPage, TimelockPage } from "./pages/timelock.js";
import { UpgradePage } from "./pages/upgrade.js";
import { ThemeToggle } from "./theme.js";

const NAV: Array<[string, string]> = [
  ["#/proposals", "Proposals"],
  ["#/parameters", "Parameters"],
  ["#/timelock", "Timelock"],
  ["#/history", "History"],
  ["#/fiat-unlock", "Fiat unlock"],
  ["#/upgrade", "Upgrade & validators"],
  ["#/node", "Node"],
];

function route(): string {
  return location.hash.replace(/^#/, "") || "/proposals";
}

function Page({ path }: { path: string }) {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  switch (parts[0]) {
    case "proposals":
      return parts[1] ? <ProposalPage ref_={decodeURIComponent(parts[1])} /> : <ProposalsPage />;
    case "parameters":
      return <RegistryPage />;
    case "timelock":
      return <TimelockPage />;
    case "history":
      return <HistoryPage />;
    case "fiat-unlock":
      return <FiatPage />;
    case "upgrade":
      return <UpgradePage />;
    case "node":
      return <NodePage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No page at <code>{path}</code>. <a href="#/proposals">All proposals</a>
          </p>
        </section>
      );
  }
}

function LiveBadge() {
  const live = useLive();
  const label = live.mode === "stream" ? "live" : live.mode === "polling" ? "polling" : "connecting";
  return (
    <output class={`live live-${live.mode}`} data-testid="live" data-mode={live.mode} aria-live="off">
      <span class="dot" aria-hidden="true" /> {label} · height{" "}
      <span data-testid="head-height">{live.height}</span>
    </output>
  );
}

function App() {
  const [path, setPath] = useState(route());
  useEffect(() => {
    const on = () => setPath(route());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const top = `#/${path.split("/").filter(Boolean)[0] ?? "proposals"}`;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href="#/proposals">
          XAI governance
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={href === top ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <LiveBadge />
        <ThemeToggle />
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
      <footer>Read-only view of this node. Transactions are signed with the CLI, never here.</footer>
    </>
  );
}

startLive();
render(<App />, document.getElementById("app")!);
