//! Charts over virtual time, drawn with plotters' SVG backend into a
//! string the page inlines: series as points or lines, with fault periods
//! shaded behind them.

use plotters::prelude::*;

/// How a chart draws its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    /// A dot per value (one run's operations).
    Points,
    /// A line through the values (percentiles per second).
    Lines,
}

/// One chart: `series` are `(name, [(seconds, value)])`; `shaded` are
/// `(from, to)` periods in seconds.
pub(crate) struct Chart<'a> {
    /// The caption.
    pub title: &'a str,
    /// The y axis's label.
    pub y_label: &'a str,
    /// The series.
    pub series: Vec<(String, Vec<(f64, f64)>)>,
    /// Fault periods.
    pub shaded: Vec<(f64, f64)>,
    /// Points or lines.
    pub mark: Mark,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(43, 108, 176),
    RGBColor(221, 107, 32),
    RGBColor(47, 133, 90),
    RGBColor(197, 48, 48),
    RGBColor(128, 90, 213),
    RGBColor(113, 128, 150),
];

/// The chart as SVG text.
pub(crate) fn svg(chart: &Chart<'_>) -> Result<String, String> {
    let mut out = String::new();
    draw(chart, &mut out).map_err(|e| format!("cannot draw the chart {}: {e}", chart.title))?;
    Ok(out)
}

fn draw(chart: &Chart<'_>, out: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let values = chart.series.iter().flat_map(|(_, v)| v.iter());
    let x_max = values
        .clone()
        .map(|p| p.0)
        .chain(chart.shaded.iter().map(|s| s.1))
        .fold(1.0f64, f64::max);
    let y_max = values.map(|p| p.1).fold(1e-3f64, f64::max) * 1.05;
    let root = SVGBackend::with_string(out, (900, 320)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut c = ChartBuilder::on(&root)
        .caption(chart.title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
    c.configure_mesh()
        .x_desc("virtual time (s)")
        .y_desc(chart.y_label)
        .light_line_style(WHITE)
        .draw()?;
    let shade = RGBColor(128, 90, 213).mix(0.15);
    c.draw_series(
        chart
            .shaded
            .iter()
            .map(|&(a, b)| Rectangle::new([(a, 0.0), (b, y_max)], shade.filled())),
    )?;
    for (i, (name, points)) in chart.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let drawn = match chart.mark {
            Mark::Points => c.draw_series(
                points
                    .iter()
                    .map(move |&p| Circle::new(p, 2, color.mix(0.6).filled())),
            )?,
            Mark::Lines => c.draw_series(LineSeries::new(points.iter().copied(), color))?,
        };
        drawn
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], color.filled()));
    }
    if !chart.series.is_empty() {
        c.configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_svg_with_its_title_and_shading() {
        let chart = Chart {
            title: "response time",
            y_label: "ms",
            series: vec![("get".into(), vec![(0.5, 3.0), (1.5, 9.0)])],
            shaded: vec![(1.0, 2.0)],
            mark: Mark::Lines,
        };
        let s = svg(&chart).expect("draws");
        assert!(s.starts_with("<svg"), "{}", &s[..40.min(s.len())]);
        assert!(s.contains("response time"));
        assert!(s.contains("<rect"));
    }
}
