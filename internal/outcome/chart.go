package outcome

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"knead/internal/clinic"
)

// Point is one visit's score on a progress chart.
type Point struct {
	// Date is the visit date. Only its calendar date, in its own location,
	// is shown.
	Date   time.Time
	Result Result
}

// ChartOptions are the caller's choices for Chart. The zero value is usable.
type ChartOptions struct {
	// Title heads the chart and is its accessible name; "" means the
	// instrument's name ("Oswestry Disability Index"). It is escaped, so a
	// client's name may be part of it.
	Title string
	// ID prefixes the ids of the <title> and <desc> elements that
	// aria-labelledby points at, so that several charts inlined in one page
	// stay distinct. "" means "outcome-" and the instrument ("outcome-odi").
	// It must match [A-Za-z][A-Za-z0-9_-]*.
	ID string
}

// ChartRow is one visit of a chart as a row of the accessible HTML table
// that accompanies it, with the same numbers, rounded as on the chart.
type ChartRow struct {
	Visit    int // 1 for the baseline
	Date     time.Time
	DateText string // "2 Mar 2026"
	// Score is Result.Score rounded to 2 decimals; ScoreText adds the unit
	// ("35.56%" for ODI).
	Score     float64
	ScoreText string
	// ChangeText is the change from baseline, signed ("-14", "+2"), and ""
	// for the baseline row itself.
	ChangeText string
	// Verdict compares this visit with the baseline, as MeaningfulChange
	// does; "" for the baseline row.
	Verdict Verdict
}

// The chart's geometry, in viewBox units. The viewBox scales with the
// page (width="100%"), so these are proportions, not pixels.
const (
	chartW, chartH = 640, 320
	plotLeft       = 56  // room for the score ticks
	plotRight      = 624 // chartW - 16
	plotTop        = 64  // room for the title, the scale and the direction
	plotBottom     = 280 // room for the dates
	pointInset     = 28  // keeps the first and last value labels inside
	maxDateLabels  = 8
)

var chartIDRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// Chart renders the progress of one outcome measure over visits as a
// self-contained SVG document: the instrument's whole score range on the y
// axis, the visits' scores joined by a line and each labelled with its
// value, the visit dates on the x axis, and a dashed meaningful-improvement
// line at spec.ImprovementLine of the first (baseline) score, labelled with
// the direction of "better".
//
// Visits are spaced evenly by visit, not by date: visits come in irregular
// bursts (twice in a week, then a month apart), and a date scale would pile
// their points and labels on top of each other on a phone. The dates are
// still stated: under the points (at most 8 labels, the first and last
// always), in each point's tooltip and in Rows. A single visit is
// drawn as one point with the improvement line from it: the target the
// client works towards.
//
// The chart has its own white background and dark text, so it reads the
// same inlined in a dark page or shown as an <img>. It has no script and no
// style (neither elements nor attributes): colours and dashes are
// presentation attributes, allowed by a CSP of style-src 'self'. It has role="img" and a <title> and <desc> (Summary) as
// its accessible name and description; Rows gives the same data for a table.
// The same input gives the same bytes.
//
// Points must be in date order (equal dates allowed), which Chart checks
// rather than sorting them, since the first is the baseline every other
// score is judged against; they must all be results of spec's instrument and
// version with scores on its scale. Every problem is reported in one
// EInvalid *clinic.Error.
func Chart(spec Spec, points []Point, opts ChartOptions) ([]byte, error) {
	if err := checkChart(spec, points, opts); err != nil {
		return nil, err
	}
	title := opts.Title
	if title == "" {
		title = spec.Name
	}
	id := opts.ID
	if id == "" {
		id = "outcome-" + string(spec.Instrument)
	}

	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title %s-desc" font-family="sans-serif" font-size="12" fill="#222">`+"\n",
		chartW, chartH, id, id)
	w(`<title id="%s-title">%s</title>`+"\n", id, esc(title))
	w(`<desc id="%s-desc">%s</desc>`+"\n", id, esc(summary(spec, points)))
	// Its own background, so the chart reads the same on a dark page.
	w(`<rect width="%d" height="%d" fill="#fff"/>`+"\n", chartW, chartH)

	// Heading: the title, then the scale and which way is better.
	w(`<text x="%d" y="22" font-size="16" font-weight="bold">%s</text>`+"\n", plotLeft-40, esc(title))
	w(`<text x="%d" y="42">%s</text>`+"\n", plotLeft-40, esc(scaleText(spec)))

	// The score axis: the instrument's whole range, with grid lines.
	step := tickStep(spec.ScoreMax - spec.ScoreMin)
	for i := 0; ; i++ {
		v := spec.ScoreMin + float64(i)*step
		if v > spec.ScoreMax+tolerance {
			break
		}
		y := yOf(spec, v)
		w(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#222" stroke-opacity="0.15"/>`+"\n", plotLeft, num(y), plotRight, num(y))
		w(`<text x="%d" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", plotLeft-6, num(y), esc(scoreText(spec, v)))
	}
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#222"/>`+"\n", plotLeft, plotTop, plotLeft, plotBottom)
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#222"/>`+"\n", plotLeft, plotBottom, plotRight, plotBottom)

	// The meaningful-improvement line from the baseline, with its key at the
	// top right, where no point's value label can run into it.
	baseline := points[0].Result.Score
	key := improvementKey(spec, baseline)
	if line, ok := spec.ImprovementLine(baseline); ok {
		y := yOf(spec, line)
		w(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#2e7d32" stroke-width="2" stroke-dasharray="6 4"/>`+"\n", plotLeft, num(y), plotRight, num(y))
		w(`<line x1="%d" y1="38" x2="%d" y2="38" stroke="#2e7d32" stroke-width="2" stroke-dasharray="6 4"/>`+"\n", plotRight-266, plotRight-240)
	}
	w(`<text x="%d" y="42" text-anchor="end" fill="#2e7d32">%s</text>`+"\n", plotRight, esc(key))

	// The dates, thinned to at most maxDateLabels, always the first and last.
	xs := make([]float64, len(points))
	for i := range points {
		xs[i] = xOf(i, len(points))
	}
	layout := "2 Jan"
	if points[0].Date.Year() != points[len(points)-1].Date.Year() {
		layout = "2 Jan 2006"
	}
	every := (len(points) + maxDateLabels - 1) / maxDateLabels
	for i, p := range points {
		if i != len(points)-1 && (i%every != 0 || i+every > len(points)-1) {
			continue
		}
		w(`<text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n", num(xs[i]), plotBottom+20, esc(p.Date.Format(layout)))
	}

	// The series: a line through the points (none for a single visit), then
	// the points, each with its value.
	if len(points) > 1 {
		var pts []string
		for i, p := range points {
			pts = append(pts, num(xs[i])+","+num(yOf(spec, p.Result.Score)))
		}
		w(`<polyline points="%s" fill="none" stroke="#1f5fa8" stroke-width="2.5" stroke-linejoin="round"/>`+"\n", strings.Join(pts, " "))
	}
	for i, p := range points {
		y := yOf(spec, p.Result.Score)
		value := scoreText(spec, p.Result.Score)
		w(`<circle cx="%s" cy="%s" r="4.5" fill="#1f5fa8" stroke="#fff" stroke-width="1.5"><title>%s</title></circle>`+"\n",
			num(xs[i]), num(y), esc(p.Date.Format("2 Jan 2006")+": "+value))
		ly := y - 10 // above the point, unless at the top of the plot
		if ly < plotTop+4 {
			ly = y + 20
		}
		w(`<text x="%s" y="%s" text-anchor="middle" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">%s</text>`+"\n",
			num(xs[i]), num(ly), esc(value))
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// Rows returns the data of Chart as the rows of an accessible table, one
// per visit in order, after the same checks. Summary is its caption.
func Rows(spec Spec, points []Point) ([]ChartRow, error) {
	if err := checkChart(spec, points, ChartOptions{}); err != nil {
		return nil, err
	}
	baseline := points[0].Result.Score
	rows := make([]ChartRow, len(points))
	for i, p := range points {
		s := p.Result.Score
		rows[i] = ChartRow{
			Visit: i + 1, Date: p.Date, DateText: p.Date.Format("2 Jan 2006"),
			Score: clean(Round2(s)), ScoreText: scoreText(spec, s),
		}
		if i > 0 {
			rows[i].ChangeText = signed(s - baseline)
			rows[i].Verdict = spec.change(baseline, s).Verdict
		}
	}
	return rows, nil
}

// Summary is the chart's <desc>: the series in words, for a screen reader
// and as the caption of the table of Rows.
func Summary(spec Spec, points []Point) (string, error) {
	if err := checkChart(spec, points, ChartOptions{}); err != nil {
		return "", err
	}
	return summary(spec, points), nil
}

func summary(spec Spec, points []Point) string {
	const day = "2 Jan 2006"
	first, last := points[0], points[len(points)-1]
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s), %s. ", spec.Name, spec.Version, scaleText(spec))
	if len(points) == 1 {
		fmt.Fprintf(&s, "One visit, on %s: score %s. ", first.Date.Format(day), scoreText(spec, first.Result.Score))
	} else {
		c := spec.change(first.Result.Score, last.Result.Score)
		fmt.Fprintf(&s, "%d visits from %s to %s. First score %s, last score %s: a change of %s, %s. ",
			len(points), first.Date.Format(day), last.Date.Format(day),
			scoreText(spec, c.Before), scoreText(spec, c.After), signed(c.Delta), verdictText(c.Verdict))
	}
	s.WriteString(improvementText(spec, first.Result.Score) + ".")
	return s.String()
}

// checkChart reports every problem with a chart's input at once.
func checkChart(spec Spec, points []Point, opts ChartOptions) error {
	var v clinic.Validation
	scale := spec.ScoreMax - spec.ScoreMin
	if spec.Instrument == "" || !(scale > 0) || math.IsInf(scale, 0) {
		// Nothing else can be checked against it.
		v.Add("spec", "has no instrument or no score range (%v to %v)", spec.ScoreMin, spec.ScoreMax)
		return fmt.Errorf("outcome: chart: %w", v.Err())
	}
	v.Check(opts.ID == "" || chartIDRE.MatchString(opts.ID), "id",
		"must be a letter then letters, digits, - or _, not %q", opts.ID)
	v.Check(len(points) > 0, "points", "a chart needs at least one visit")
	for i, p := range points {
		field := fmt.Sprintf("points[%d]", i)
		spec.checkComparable(&v, field, p.Result)
		switch {
		case p.Date.IsZero():
			v.Add(field+".date", "visit %d has no date", i+1)
		case i > 0 && p.Date.Before(points[i-1].Date):
			v.Add(field+".date", "visit %d on %s is before visit %d on %s: give the visits in date order",
				i+1, p.Date.Format("2 Jan 2006"), i, points[i-1].Date.Format("2 Jan 2006"))
		}
	}
	if err := v.Err(); err != nil {
		return fmt.Errorf("outcome: chart: %w", err)
	}
	return nil
}

// xOf spaces n visits evenly; a single visit is in the middle.
func xOf(i, n int) float64 {
	if n == 1 {
		return (plotLeft + plotRight) / 2.0
	}
	left, right := float64(plotLeft+pointInset), float64(plotRight-pointInset)
	return left + (right-left)*float64(i)/float64(n-1)
}

// yOf maps a score to the plot, the scale's minimum at the bottom (for
// every instrument: "better" is stated in words, not by flipping the axis).
func yOf(spec Spec, score float64) float64 {
	score = max(spec.ScoreMin, min(spec.ScoreMax, score)) // within tolerance of the scale
	return plotBottom - (score-spec.ScoreMin)/(spec.ScoreMax-spec.ScoreMin)*(plotBottom-plotTop)
}

// tickStep divides the range into at most 6 whole steps where it can: 0-10
// by 2, ODI 0-100 by 20 (the band limits), NDI 0-50 by 10, RMDQ 0-24 by 4.
func tickStep(scale float64) float64 {
	for _, s := range []float64{1, 2, 4, 5, 10, 20, 25, 50, 100} {
		if scale/s <= 6 && math.Mod(scale, s) == 0 {
			return s
		}
	}
	return scale / 5
}

func scaleText(spec Spec) string {
	dir := "lower is better"
	if spec.HigherIsBetter {
		dir = "higher is better"
	}
	return fmt.Sprintf("Score %s to %s, %s", scoreText(spec, spec.ScoreMin), scoreText(spec, spec.ScoreMax), dir)
}

// improvementText says where the improvement line is, for the desc:
// "Meaningful improvement: 30% or less".
func improvementText(spec Spec, baseline float64) string {
	if _, ok := spec.ImprovementLine(baseline); !ok {
		return fmt.Sprintf("No meaningful improvement is possible on the scale from the baseline of %s", scoreText(spec, baseline))
	}
	return improvementKey(spec, baseline)
}

// improvementKey labels the line on the chart, where there is room for
// less: "Meaningful improvement: 30% or less", or "...: off the scale from 9".
func improvementKey(spec Spec, baseline float64) string {
	line, ok := spec.ImprovementLine(baseline)
	if !ok {
		return "Meaningful improvement: off the scale from " + scoreText(spec, baseline)
	}
	beyond := "or less"
	if spec.HigherIsBetter {
		beyond = "or more"
	}
	return fmt.Sprintf("Meaningful improvement: %s %s", scoreText(spec, line), beyond)
}

func verdictText(v Verdict) string {
	switch v {
	case MeaningfulImprovement:
		return "a meaningful improvement"
	case MeaningfulWorsening:
		return "a meaningful worsening"
	}
	return "not a meaningful change"
}

// scoreText is a score with at most 2 decimals and its unit: "35.56%", "7".
func scoreText(spec Spec, score float64) string {
	s := num(score)
	if spec.ScoreUnit == Percent {
		s += "%"
	}
	return s
}

// signed is a change with its sign: "+2", "-14", "0".
func signed(delta float64) string {
	s := num(delta)
	if clean(Round2(delta)) > 0 {
		s = "+" + s
	}
	return s
}

// num formats x with at most 2 decimals and no trailing zeros: 30, 8.4,
// 35.56; never "-0".
func num(x float64) string {
	return strconv.FormatFloat(clean(Round2(x)), 'f', -1, 64)
}

// clean turns -0 into 0.
func clean(x float64) float64 {
	if x == 0 {
		return 0
	}
	return x
}

// esc escapes text for XML element content (and attribute values): &, <,
// >, quotes, and characters XML cannot hold (as U+FFFD).
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
