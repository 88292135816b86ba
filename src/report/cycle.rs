//! A transactional anomaly drawn as its cycle: the transactions on a
//! circle, each dependency an arrow to the next labelled with its kind
//! (ww, wr, rw, realtime), and the steps in words beneath.

use maud::{html, Markup};
use sim::txn::report::CycleReport;

/// The drawing's size, in SVG units.
const SIZE: f64 = 420.0;
const RADIUS: f64 = 150.0;

/// The control point of the curve from `a` to `b`: off the chord's middle
/// to its right, so the two arrows of a two-transaction cycle do not meet.
fn bend(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let off = 40.0;
    (
        (a.0 + b.0) / 2.0 - dy / len * off,
        (a.1 + b.1) / 2.0 + dx / len * off,
    )
}

/// The cycle's section.
pub(crate) fn cycle_section(c: &CycleReport) -> Markup {
    let n = c.steps.len().max(1);
    let centre = SIZE / 2.0;
    let at = |i: usize| {
        let angle = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (centre + RADIUS * angle.cos(), centre + RADIUS * angle.sin())
    };
    html! {
        section #cycle {
            h2 { "Transactional anomaly: " (c.kind) }
            svg #cycle-graph viewBox=(format!("0 0 {SIZE} {SIZE}")) width=(SIZE) {
                @for (i, s) in c.steps.iter().enumerate() {
                    @let (x0, y0) = at(i);
                    @let (x1, y1) = at((i + 1) % n);
                    @let (cx, cy) = bend((x0, y0), (x1, y1));
                    g.edge.(s.edge) {
                        title { (s.why) }
                        path d=(format!("M{x0} {y0}Q{cx} {cy} {} {}", x0 + (x1 - x0) * 0.85, y0 + (y1 - y0) * 0.85)) marker-end="url(#cycle-arrow)" {}
                        text x=(cx) y=(cy) text-anchor="middle" { (s.edge) }
                    }
                }
                @for (i, s) in c.steps.iter().enumerate() {
                    @let (x, y) = at(i);
                    g.txn {
                        title { (s.txn) ": " (s.mops) }
                        circle cx=(x) cy=(y) r="22" {}
                        text x=(x) y=(y + 4.0) text-anchor="middle" { "T" (i + 1) }
                    }
                }
                defs {
                    marker #cycle-arrow viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto" {
                        path d="M0 0L10 5L0 10z" {}
                    }
                }
            }
            ol.cycle-steps {
                @for (i, s) in c.steps.iter().enumerate() {
                    li { strong { "T" (i + 1) } " " (s.txn) " " code { (s.mops) } br; (s.why) " (T" ((i + 1) % n + 1) ")" }
                }
            }
        }
    }
}
