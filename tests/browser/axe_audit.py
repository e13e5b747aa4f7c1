"""axe-core in the test browser: inject the copy `.ci/run` installed from npm, run the WCAG 2.1 A/AA rules on the page
as it stands, and keep each violation as a flat row (screen, language, width, rule, impact, nodes, first target)."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.portal_process import ROOT

AXE_VERSION = "4.14.1"  # the exact version `.ci/run` installs; change both together
AXE_DIR = ROOT / ".ci" / "node"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = f"npm install --no-save --prefix .ci/node axe-core@{AXE_VERSION}"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

OPTIONS = {
    "runOnly": {"type": "tag", "values": TAGS},
    # WCAG 2.5.3 (label in name, level A) is tagged « experimental » in axe, so the tags alone leave it out.
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],  # only violations are gathered: less work, a smaller answer
}
# axe fetches the page's stylesheets (for css-orientation-lock), which shows Quasar's ajax bar, an unnamed progressbar,
# for the length of the run: the audit's own artefact, left out.
CONTEXT = {"exclude": [[".q-loading-bar"]]}

_RUN = """
const [context, options, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
axe.run(context, options)
  .then((r) => done(r.violations.map((v) => ({
    rule: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')), html: v.nodes[0].html,
  }))))
  .catch((e) => done({error: String(e)}));
"""

# No running transition (a dialog fading in, a drawer sliding): colours are final. The ajax bar's and NiceGUI's hidden
# « connection lost » popup's own transitions (on every load, and after each axe run) change nothing visible.
SETTLED = """
const running = document.getAnimations().filter((a) => a.playState === 'running'
  && a.effect && a.effect.getComputedTiming().iterations !== Infinity
  && !(a.effect.target && a.effect.target.closest && a.effect.target.closest('.q-loading-bar, .nicegui-error-popup')));
return document.readyState === 'complete' && running.length === 0;
"""


@dataclass(frozen=True)
class Finding:
    screen: str  # the path, and the dialog or widget opened on it
    lang: str
    width: int
    rule: str
    impact: str
    nodes: int
    target: str  # the first node's selector, cut short
    html: str  # the first node's opening tag, cut short
    help: str

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING


def axe_source() -> tuple[str | None, str]:
    """The npm package's axe.min.js at the pinned version, or None and why not (`.ci/run` installs it)."""
    manifest = AXE_JS.parent / "package.json"
    if not AXE_JS.is_file() or not manifest.is_file():
        return None, f"axe-core is not installed in .ci/node (.ci/run installs it: {INSTALL})"
    installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if installed != AXE_VERSION:
        return None, f"axe-core {installed} is in .ci/node, the audit pins {AXE_VERSION} ({INSTALL})"
    return AXE_JS.read_text(encoding="utf-8"), ""


def run_axe(driver, source: str, screen: str, lang: str, width: int) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Every WCAG 2.0/2.1 A and AA violation on the current page (each new document gets axe injected once)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(source)  # through DevTools: the page's Content-Security-Policy does not apply
    result = driver.execute_async_script(_RUN, CONTEXT, OPTIONS)
    if isinstance(result, dict):
        raise AssertionError(f"axe-core failed on {screen}: {result['error']}")
    return [
        Finding(
            screen,
            lang,
            width,
            v["rule"],
            v["impact"],
            len(v["targets"]),
            v["targets"][0][:90],
            v["html"][:200],
            v["help"],
        )
        for v in result
    ]


def table(findings: list[Finding]) -> str:
    """One line per rule, impact, screen and language, the widths and node counts side by side."""
    rows: dict[tuple[str, str, str, str], dict[int, int]] = {}
    for f in findings:
        rows.setdefault((f.impact, f.rule, f.screen, f.lang), {})[f.width] = f.nodes
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    lines = [f"{'impact':9} {'rule':30} {'lang':4} {'nodes by width':18} screen"]
    for (impact, rule, screen, lang), widths in sorted(rows.items(), key=lambda r: (order.get(r[0][0], 9), r[0][1:])):
        counts = ", ".join(f"{w}px: {n}" for w, n in sorted(widths.items(), reverse=True))
        lines.append(f"{impact:9} {rule:30} {lang:4} {counts:18} {screen}")
    return "\n".join(lines)


def write_report(path: Path, screens: int, findings: list[Finding]) -> None:
    report = {
        "axe_core": AXE_VERSION,
        "tags": TAGS,
        "screens_audited": screens,
        "serious_or_critical": sum(f.blocking for f in findings),
        "violations": [asdict(f) for f in findings],
    }
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
