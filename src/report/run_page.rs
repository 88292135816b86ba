//! The report of one run: a self-contained HTML page (inline style and
//! script, no fetches) with the space-time diagram, the failure placed on
//! it, the fault plan linked to the diagram, and a linearizability
//! counterexample drawn as history bars.

use super::diagram::{diagram, Diagram};
use super::history_bars::{history_bars, ms};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sim::artifact::Artifact;
use sim::model::RunSummary;

/// The page's style and script, inlined into every report.
pub(crate) const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("diagram.js");

/// What a run's report shows besides the run.
pub(crate) struct RunContext<'a> {
    /// The artifact the run replays.
    pub artifact: &'a Artifact,
    /// Cluster size.
    pub nodes: usize,
}

/// The report's HTML.
pub(crate) fn run_page(cx: &RunContext<'_>, run: &RunSummary) -> String {
    let a = cx.artifact;
    let data = diagram(run, cx.nodes);
    let title = format!("faultline: {} seed {}", a.model, a.seed);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (title) }
                (summary(a, run, &data))
                (failure(run))
                (diagram_section(&data))
                (plan_table(run))
                (counterexample(run))
                @if let Some(c) = run.detail.as_deref().and_then(|d| d.cycle.as_ref()) {
                    (super::cycle::cycle_section(c))
                }
                script type="application/json" #run-data { (PreEscaped(json_for_script(&data))) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

/// JSON that is safe inside a script element: no `</` can end it.
pub(crate) fn json_for_script<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .expect("report data serializes")
        .replace("</", "<\\/")
}

fn summary(a: &Artifact, run: &RunSummary, d: &Diagram) -> Markup {
    html! {
        table.meta {
            tr { th { "model" } td { (a.model) } }
            tr { th { "bug switch" } td { (a.bug.as_deref().unwrap_or("none")) } }
            tr { th { "fault mix" } td { (a.faults) } }
            tr { th { "seed" } td { (a.seed) } }
            tr { th { "trace hash" } td { (sim::trace::hash_hex(run.trace_hash)) " (artifact: " (a.trace_hash) ")" } }
            tr { th { "events" } td { (run.trace.as_ref().map_or(0, Vec::len)) } }
            tr { th { "lanes" } td { (d.nodes) " nodes, " (d.processes.len()) " client processes" } }
            @if !run.buggified.is_empty() {
                tr { th { "fault points fired" } td { (run.buggified.join(", ")) } }
            }
            @if run.trace.is_none() {
                tr { th { "note" } td { "this host records no engine trace: the diagram shows the plan's faults and the client operations only" } }
            }
        }
    }
}

fn failure(run: &RunSummary) -> Markup {
    html! {
        section #failure-section {
            h2 { "Failure" }
            @match &run.failure {
                Some(f) => {
                    p #failure data-at=(f.at.0) {
                        strong { (f.kind.name()) } " at " (ms(f.at.0)) " "
                        a href="#diagram" data-goto=(f.at.0) { "(show on the diagram)" }
                    }
                    pre.message { (f.message) }
                }
                None => p #no-failure { "This replay did not fail." }
            }
        }
    }
}

fn diagram_section(d: &Diagram) -> Markup {
    html! {
        section #diagram-section {
            h2 { "Space-time diagram" }
            div.controls {
                button #whole type="button" { "whole run" }
                button #around type="button" { "around the failure" }
                button #zoom-in type="button" { "zoom in" }
                button #zoom-out type="button" { "zoom out" }
                label { "from (ms) " input #from type="number" step="any"; }
                label { " to (ms) " input #to type="number" step="any"; }
                button #apply type="button" { "show" }
                span #shown {}
            }
            details.filters open {
                summary { "filters" }
                div #lane-filters { "lanes: " }
                div #kind-filters { "message kinds: " }
                div {
                    label { input #show-timers type="checkbox" checked; " timers" }
                    label { input #show-clients type="checkbox" checked; " client operations" }
                }
            }
            div #diagram-wrap { svg #diagram {} }
            pre #hover { "Hover over an event to see it in full. Drag to pan, wheel to zoom." }
            p.legend {
                span.swatch.delivered {} " delivered "
                span.swatch.dropped {} " dropped (ends in a cross) "
                span.swatch.duplicate {} " a duplicated message's copies "
                span.swatch.client {} " client attempt and reply "
                span.swatch.opok {} " an operation, invoke to answer (ok; red: failed; yellow: no answer) "
                span.swatch.crash {} " crashed "
                span.swatch.pause {} " paused "
                span.swatch.partition {} " partitioned "
                span.swatch.clog {} " clogged "
                span.swatch.left {} " left the cluster "
                " | ticks: timers (grey), starts (green), storage syncs (brown), other faults (purple)"
            }
            p.note { (d.msgs.len()) " messages, " (d.attempts.len()) " client attempts in the run; the diagram draws the window shown." }
        }
    }
}

fn plan_table(run: &RunSummary) -> Markup {
    html! {
        section #plan {
            h2 { "Fault plan (" (run.plan.faults.len()) " faults)" }
            table.plan {
                tr { th { "at" } th { "fault" } th { "target" } }
                @for f in &run.plan.faults {
                    tr {
                        td { a href="#diagram" data-goto=(f.at.0) { (ms(f.at.0)) } }
                        td { code { (serde_json::to_string(&f.fault).unwrap_or_default()) } }
                        td { @if let Some(e) = f.focus_episode { "the focus (episode " (e) ")" } @else { "as named" } }
                    }
                }
            }
        }
    }
}

fn counterexample(run: &RunSummary) -> Markup {
    let Some(detail) = run.detail.as_deref() else {
        return html! {};
    };
    let Some(c) = &detail.counterexample else {
        return html! {};
    };
    html! {
        section #counterexample {
            h2 { "Not linearizable" @if let Some(k) = &c.key { " (key " (k) ")" } }
            (history_bars(&detail.ops, c))
            p { "State after the prefix: " code { (c.state_after_prefix) } }
            ul.stuck-list {
                @for s in &c.stuck {
                    li.stuck-op { code { (s.op) } ": " (s.reason) }
                }
            }
        }
    }
}
