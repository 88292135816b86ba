//! The report of a sweep (`explore --report OUT.html`): latency and
//! response time per operation kind, as percentiles and over virtual time
//! (one representative seed with its faults shaded, and all seeds per
//! second), availability per virtual second, the failures by kind with
//! links to their run reports, and the coverage probes.

use super::diagram::fault_periods;
use super::history_bars::ms;
use super::plot::{svg, Chart, Mark};
use super::run_page::STYLE;
use super::sweep::{Representative, SweepReport, SECOND};
use crate::histogram::Histogram;
use crate::summary::Summary;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// What the page's heading says of the sweep.
pub(crate) struct SweepContext<'a> {
    /// The model.
    pub model: &'a str,
    /// The bug switch, if any.
    pub bug: Option<&'a str>,
    /// The fault mix.
    pub faults: &'a str,
    /// The seeds, as `explore` printed them.
    pub seeds: String,
    /// Cluster size.
    pub nodes: usize,
}

/// Checks, before a sweep starts, that its report can be created at
/// `out`: its folder exists and nothing is there yet.
pub(crate) fn check_out(out: &std::path::Path) -> Result<std::path::PathBuf, String> {
    sim::files::check_new(out).map_err(|e| format!("--report {e}"))?;
    Ok(out.to_path_buf())
}

/// The report's HTML.
pub(crate) fn sweep_page(
    cx: &SweepContext<'_>,
    r: &SweepReport,
    summary: &Summary,
) -> Result<String, String> {
    let title = format!(
        "{me} explore: {} ({})",
        cx.model,
        cx.seeds,
        me = crate::arg::program()
    );
    let charts = charts(cx, r)?;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (title) } style { (PreEscaped(STYLE)) } }
            body {
                h1 { (title) }
                table.meta {
                    tr { th { "bug switch" } td { (cx.bug.unwrap_or("none")) } }
                    tr { th { "fault mix" } td { (cx.faults) } }
                    tr { th { "runs" } td { (r.runs) } }
                    tr { th { "operations" } td { (summary.ops) ", " (format!("{:.2}%", summary.availability * 100.0)) " completed ok" } }
                }
                h2 { "Latency and response time" }
                p.note { "Latency: from an operation's arrival at the node that served it to the start of its handling (a paused node holds what arrives). Response time: from the client's invoke to its answer. Both in virtual time, over every seed." }
                (kind_table(r))
                @for c in &charts { figure { (PreEscaped(c)) } }
                h2 { "Failures" }
                (failures(r))
                h2 { "Coverage probes" }
                (coverage(summary))
            }
        }
    };
    Ok(page.into_string())
}

fn kind_table(r: &SweepReport) -> Markup {
    let cells = |h: &Histogram| -> Markup {
        html! {
            @if h.is_empty() { td { "-" } td { "-" } td { "-" } } @else {
                td { (ms(h.percentile(50))) } td { (ms(h.percentile(99))) } td { (ms(h.max())) }
            }
        }
    };
    html! {
        table.stats #kinds {
            tr { th { "kind" } th { "answered" } th { "latency p50" } th { "p99" } th { "max" } th { "response p50" } th { "p99" } th { "max" } }
            @for (kind, t) in &r.kinds {
                tr { td { (kind) } td { (t.response.len()) } (cells(&t.wait)) (cells(&t.response)) }
            }
        }
    }
}

/// Reads one figure off an operation, if it has it.
type Pick = fn(&sim::model::OpStat) -> Option<u64>;

/// Seconds, for a chart's x axis.
fn secs(ns: u64) -> f64 {
    ns as f64 / SECOND as f64
}

/// The representative seed's charts: response time and latency per
/// operation, with its faults shaded.
fn representative_charts(
    cx: &SweepContext<'_>,
    rep: &Representative,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let shaded: Vec<(f64, f64)> = fault_periods(&rep.plan, cx.nodes)
        .into_iter()
        .map(|(a, b)| (secs(a), secs(b)))
        .collect();
    let series = |pick: Pick| {
        let mut by: std::collections::BTreeMap<&str, Vec<(f64, f64)>> = Default::default();
        for op in &rep.ops {
            if let Some(v) = pick(op) {
                by.entry(op.kind)
                    .or_default()
                    .push((secs(op.invoked_ns), v as f64 / 1e6));
            }
        }
        by.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    let picks: [(&str, Pick); 2] = [
        ("response time per operation (faults shaded)", |o| {
            o.latency_ns
        }),
        ("latency (wait at the node) per operation", |o| o.wait_ns),
    ];
    for (what, pick) in picks {
        let title = format!("seed {}: {what}", rep.seed);
        let chart = Chart {
            title: &title,
            y_label: "ms",
            series: series(pick),
            shaded: shaded.clone(),
            mark: Mark::Points,
        };
        out.push(svg(&chart)?);
    }
    Ok(out)
}

fn charts(cx: &SweepContext<'_>, r: &SweepReport) -> Result<Vec<String>, String> {
    let mut out = match &r.representative {
        Some(rep) => representative_charts(cx, rep)?,
        None => Vec::new(),
    };
    let mut percentiles = Vec::new();
    for (kind, t) in &r.kinds {
        for p in [50, 99] {
            let points = t
                .response_by_second
                .iter()
                .map(|(s, h)| (*s as f64 + 0.5, h.percentile(p) as f64 / 1e6))
                .collect();
            percentiles.push((format!("{kind} p{p}"), points));
        }
    }
    let title = format!("all {} seeds: response time per virtual second", r.runs);
    out.push(svg(&Chart {
        title: &title,
        y_label: "ms",
        series: percentiles,
        shaded: Vec::new(),
        mark: Mark::Lines,
    })?);
    let availability = r
        .availability
        .iter()
        .map(|(s, a)| {
            (
                *s as f64 + 0.5,
                100.0 * a.ok as f64 / a.invoked.max(1) as f64,
            )
        })
        .collect();
    let title = format!("all {} seeds: availability per virtual second (operations invoked that second that completed ok)", r.runs);
    out.push(svg(&Chart {
        title: &title,
        y_label: "% ok",
        series: vec![("all seeds".into(), availability)],
        shaded: Vec::new(),
        mark: Mark::Lines,
    })?);
    Ok(out)
}

fn failures(r: &SweepReport) -> Markup {
    html! {
        @if r.failures.is_empty() { p #no-failures { "No seed failed." } } @else {
            table.stats #failures-by-kind {
                tr { th { "kind" } th { "seeds" } }
                @for (kind, n) in r.failures_by_kind() { tr { td { (kind) } td { (n) } } }
            }
            table.stats #failures {
                tr { th { "seed" } th { "failure" } th { "artifact" } th { "report" } }
                @for f in &r.failures {
                    tr {
                        td { (f.seed) }
                        td { (crate::summary::first_line(&f.failure)) }
                        td { @if let Some(a) = &f.artifact { code { (a) } } @else { "(past --max-artifacts)" } }
                        td { @if let Some(p) = &f.report { a href=(p) { "run report" } } @else { "(replay --html)" } }
                    }
                }
            }
        }
    }
}

fn coverage(summary: &Summary) -> Markup {
    let c = &summary.coverage;
    html! {
        @if c.probes.is_empty() && c.never_reached.is_empty() { p { "The model declares no probes, and none was reached." } }
        table.stats #probes {
            tr { th { "probe" } th { "seeds that reached it" } }
            @for (name, n) in &c.probes { tr { td { (name) } td { (n) } } }
            @for name in &c.never_reached { tr.never { td { (name) } td { strong { "never reached" } } } }
        }
    }
}
