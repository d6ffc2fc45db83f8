package outcome

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"knead/internal/clinic"
)

func day(month time.Month, d int) time.Time {
	return time.Date(2026, month, d, 0, 0, 0, 0, time.UTC)
}

// series scores each answer set as a visit a week apart from 2 March 2026.
func series(t *testing.T, instrument Instrument, answers ...[]Answer) []Point {
	t.Helper()
	points := make([]Point, len(answers))
	for i, a := range answers {
		points[i] = Point{Date: day(time.March, 2+7*i), Result: mustScore(t, instrument, a)}
	}
	return points
}

func mustSpec(t *testing.T, instrument Instrument) Spec {
	t.Helper()
	spec, err := SpecOf(instrument)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// parsedSVG is what the tests read back from a chart.
type parsedSVG struct {
	root     xml.StartElement
	title    string
	desc     string
	circles  int
	polyline int
	dashed   []xml.StartElement // stroke-dasharray lines
	texts    []string
	elements map[string]bool
	attrs    map[string]bool
}

// parseSVG decodes the whole output as XML, failing the test on any error.
func parseSVG(t *testing.T, svg []byte) parsedSVG {
	t.Helper()
	p := parsedSVG{elements: map[string]bool{}, attrs: map[string]bool{}}
	d := xml.NewDecoder(bytes.NewReader(svg))
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				p.root = tok.Copy()
			}
			stack = append(stack, tok.Name.Local)
			p.elements[tok.Name.Local] = true
			for _, a := range tok.Attr {
				p.attrs[a.Name.Local] = true
			}
			switch tok.Name.Local {
			case "circle":
				p.circles++
			case "polyline":
				p.polyline++
			case "line":
				if attr(tok, "stroke-dasharray") != "" {
					p.dashed = append(p.dashed, tok.Copy())
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) < 2 { // only the root's own children count below
				continue
			}
			parent, top := stack[len(stack)-2], stack[len(stack)-1]
			switch {
			case parent == "svg" && top == "title":
				p.title += string(tok)
			case parent == "svg" && top == "desc":
				p.desc += string(tok)
			case top == "text":
				p.texts = append(p.texts, string(tok))
			}
		}
	}
	return p
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func mustChart(t *testing.T, spec Spec, points []Point, opts ChartOptions) parsedSVG {
	t.Helper()
	svg, err := Chart(spec, points, opts)
	if err != nil {
		t.Fatal(err)
	}
	return parseSVG(t, svg)
}

func hasText(texts []string, want string) bool {
	for _, s := range texts {
		if s == want {
			return true
		}
	}
	return false
}

func TestChartAxisRange(t *testing.T) {
	tests := []struct {
		instrument Instrument
		answers    []Answer
		ticks      []string // the score axis, bottom to top
		direction  string
	}{
		{NPRS, AllGiven(7), []string{"0", "2", "4", "6", "8", "10"}, "Score 0 to 10, lower is better"},
		{ODI, sections(20, 0), []string{"0%", "20%", "40%", "60%", "80%", "100%"}, "Score 0% to 100%, lower is better"},
		{NDI, sections(20, 0), []string{"0", "10", "20", "30", "40", "50"}, "Score 0 to 50, lower is better"},
		{RMDQ, rmdq(12, 0), []string{"0", "4", "8", "12", "16", "20", "24"}, "Score 0 to 24, lower is better"},
		{PSFS, AllGiven(4, 4, 4), []string{"0", "2", "4", "6", "8", "10"}, "Score 0 to 10, higher is better"},
	}
	for _, tc := range tests {
		t.Run(string(tc.instrument), func(t *testing.T) {
			spec := mustSpec(t, tc.instrument)
			svg, err := Chart(spec, series(t, tc.instrument, tc.answers), ChartOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p := parseSVG(t, svg)
			for i, tick := range tc.ticks {
				y := num(yOf(spec, spec.ScoreMin+(spec.ScoreMax-spec.ScoreMin)*float64(i)/float64(len(tc.ticks)-1)))
				want := `y="` + y + `" text-anchor="end" dominant-baseline="middle">` + tick + `</text>`
				if !bytes.Contains(svg, []byte(want)) {
					t.Errorf("no tick %q at y %s", tick, y)
				}
			}
			if n := bytes.Count(svg, []byte(`dominant-baseline="middle"`)); n != len(tc.ticks) {
				t.Errorf("%d ticks, want %d", n, len(tc.ticks))
			}
			if !hasText(p.texts, tc.direction) || !strings.Contains(p.desc, tc.direction) {
				t.Errorf("the chart and its desc do not say %q: %q", tc.direction, p.desc)
			}
		})
	}
}

func TestChartImprovementLine(t *testing.T) {
	tests := []struct {
		name       string
		instrument Instrument
		baseline   []Answer
		line       float64 // NaN: none
		label      string  // in the desc, and on the chart when there is a line
	}{
		// 10 points beats 30% of 40 (12): the smaller step is the line.
		{"ODI 40", ODI, sections(20, 0), 30, "Meaningful improvement: 30% or less"},
		{"ODI 20: 30% rule", ODI, sections(10, 0), 14, "Meaningful improvement: 14% or less"},
		{"ODI 16/45", ODI, sections(16, 1), 25.56, "Meaningful improvement: 25.56% or less"},
		{"NPRS 8", NPRS, AllGiven(8), 6, "Meaningful improvement: 6 or less"},
		{"RMDQ 12", RMDQ, rmdq(12, 0), 8.4, "Meaningful improvement: 8.4 or less"},
		{"NDI 20", NDI, sections(20, 0), 15, "Meaningful improvement: 15 or less"},
		{"PSFS 4: upward", PSFS, AllGiven(4, 4, 4), 6, "Meaningful improvement: 6 or more"},
		{"PSFS 0", PSFS, AllGiven(0, 0, 0), 2, "Meaningful improvement: 2 or more"},
		{"PSFS 9: off the scale", PSFS, AllGiven(9, 9, 9), math.NaN(),
			"No meaningful improvement is possible on the scale from the baseline of 9"},
		{"NPRS 0: off the scale", NPRS, AllGiven(0), math.NaN(),
			"No meaningful improvement is possible on the scale from the baseline of 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := mustSpec(t, tc.instrument)
			p := mustChart(t, spec, series(t, tc.instrument, tc.baseline), ChartOptions{})
			if !strings.Contains(p.desc, tc.label) {
				t.Errorf("desc %q does not say %q", p.desc, tc.label)
			}
			if math.IsNaN(tc.line) {
				key := "Meaningful improvement: off the scale from " + tc.label[len(tc.label)-1:]
				if !hasText(p.texts, key) {
					t.Errorf("no key %q in %q", key, p.texts)
				}
				if len(p.dashed) != 0 {
					t.Errorf("%d dashed lines, want none", len(p.dashed))
				}
				return
			}
			if len(p.dashed) != 2 { // the line and its key
				t.Fatalf("%d dashed lines, want 2", len(p.dashed))
			}
			line := p.dashed[0]
			y1, _ := strconv.ParseFloat(attr(line, "y1"), 64)
			y2, _ := strconv.ParseFloat(attr(line, "y2"), 64)
			exact, _ := spec.ImprovementLine(series(t, tc.instrument, tc.baseline)[0].Result.Score)
			if math.Abs(exact-tc.line) > 0.005 {
				t.Errorf("ImprovementLine %v, want %v", exact, tc.line)
			}
			if want := Round2(yOf(spec, exact)); y1 != want || y2 != want {
				t.Errorf("line at y %v..%v, want %v (score %v)", y1, y2, want, tc.line)
			}
			if !hasText(p.texts, tc.label) {
				t.Errorf("no label %q in %q", tc.label, p.texts)
			}
		})
	}

	// Upward for PSFS: the line is above (smaller y) the baseline point; for
	// ODI below it.
	psfs := mustSpec(t, PSFS)
	if yOf(psfs, 6) >= yOf(psfs, 4) {
		t.Error("PSFS: the improvement line is not above the baseline")
	}
	odi := mustSpec(t, ODI)
	if yOf(odi, 30) <= yOf(odi, 40) {
		t.Error("ODI: the improvement line is not below the baseline")
	}
}

func TestChartSeries(t *testing.T) {
	tests := []struct {
		name       string
		instrument Instrument
		answers    [][]Answer
		circles    int
		polylines  int
		values     []string
		desc       []string
	}{
		{
			"ODI improving", ODI,
			[][]Answer{sections(20, 0), sections(16, 1), sections(15, 0), sections(13, 0)},
			4, 1, []string{"40%", "35.56%", "30%", "26%"},
			[]string{
				"Oswestry Disability Index (ODI 2.1a), Score 0% to 100%, lower is better.",
				"4 visits from 2 Mar 2026 to 23 Mar 2026.",
				"First score 40%, last score 26%: a change of -14, a meaningful improvement.",
				"Meaningful improvement: 30% or less.",
			},
		},
		{
			"NPRS not meaningful", NPRS,
			[][]Answer{AllGiven(8), AllGiven(7)},
			2, 1, []string{"8", "7"},
			[]string{"First score 8, last score 7: a change of -1, not a meaningful change."},
		},
		{
			"PSFS up", PSFS,
			[][]Answer{AllGiven(3, 4, 6), AllGiven(5, 6, 8)},
			2, 1, []string{"4.33", "6.33"},
			[]string{
				"higher is better",
				"First score 4.33, last score 6.33: a change of +2, a meaningful improvement.",
				"Meaningful improvement: 6.33 or more.",
			},
		},
		{
			"RMDQ worse", RMDQ,
			[][]Answer{rmdq(14, 0), rmdq(19, 0)},
			2, 1, []string{"14", "19"},
			[]string{"a change of +5, a meaningful worsening."},
		},
		{
			// One visit: the point and the line from it, no series line.
			"one visit", ODI,
			[][]Answer{sections(20, 0)},
			1, 0, []string{"40%"},
			[]string{"One visit, on 2 Mar 2026: score 40%.", "Meaningful improvement: 30% or less."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := mustSpec(t, tc.instrument)
			points := series(t, tc.instrument, tc.answers...)
			p := mustChart(t, spec, points, ChartOptions{})
			if p.circles != tc.circles || p.polyline != tc.polylines {
				t.Errorf("%d circles and %d polylines, want %d and %d", p.circles, p.polyline, tc.circles, tc.polylines)
			}
			if p.title != spec.Name {
				t.Errorf("title %q, want %q", p.title, spec.Name)
			}
			for _, v := range tc.values {
				if !hasText(p.texts, v) {
					t.Errorf("no value label %q in %q", v, p.texts)
				}
			}
			for _, d := range tc.desc {
				if !strings.Contains(p.desc, d) {
					t.Errorf("desc %q\ndoes not say %q", p.desc, d)
				}
			}
			if len(points) > 1 && !hasText(p.texts, "2 Mar") {
				t.Errorf("no date label 2 Mar in %q", p.texts)
			}
			summary, err := Summary(spec, points)
			if err != nil || summary != p.desc {
				t.Errorf("Summary = %q, %v; want the desc %q", summary, err, p.desc)
			}
		})
	}
}

func TestChartAccessibleAndCSPSafe(t *testing.T) {
	spec := mustSpec(t, ODI)
	svg, err := Chart(spec, series(t, ODI, sections(20, 0), sections(15, 0)), ChartOptions{ID: "odi-2"})
	if err != nil {
		t.Fatal(err)
	}
	p := parseSVG(t, svg)
	root := p.root
	for name, want := range map[string]string{
		"role": "img", "viewBox": "0 0 640 320", "width": "100%",
		"aria-labelledby": "odi-2-title odi-2-desc", "xmlns": "http://www.w3.org/2000/svg",
	} {
		if got := attr(root, name); got != want {
			t.Errorf("svg %s=%q, want %q", name, got, want)
		}
	}
	if root.Name.Local != "svg" {
		t.Errorf("root is %s", root.Name.Local)
	}
	for _, ids := range []string{`<title id="odi-2-title">`, `<desc id="odi-2-desc">`} {
		if !bytes.Contains(svg, []byte(ids)) {
			t.Errorf("no %s", ids)
		}
	}
	for _, banned := range []string{"script", "style", "foreignObject", "a"} {
		if p.elements[banned] {
			t.Errorf("has a <%s> element", banned)
		}
	}
	for a := range p.attrs {
		if a == "style" || strings.HasPrefix(strings.ToLower(a), "on") || a == "href" {
			t.Errorf("has a %s attribute", a)
		}
	}
	// At most 2 decimals in every number.
	if m := regexp.MustCompile(`\d\.\d{3,}`).Find(svg); m != nil {
		t.Errorf("a number with more than 2 decimals: %s", m)
	}
}

func TestChartEscapesText(t *testing.T) {
	spec := mustSpec(t, NPRS)
	hostile := `Jo </title><script>alert("x")</script> & 'co' ]]> <!-- ` + "\x00\x1b"
	svg, err := Chart(spec, series(t, NPRS, AllGiven(6), AllGiven(3)), ChartOptions{Title: hostile})
	if err != nil {
		t.Fatal(err)
	}
	p := parseSVG(t, svg)
	if p.elements["script"] {
		t.Fatal("the title injected a <script>")
	}
	want := strings.ReplaceAll(hostile, "\x00", "\uFFFD")
	want = strings.ReplaceAll(want, "\x1b", "\uFFFD")
	if p.title != want || !hasText(p.texts, want) {
		t.Errorf("title %q, want %q", p.title, want)
	}
	if bytes.Contains(svg, []byte("<script")) || bytes.Contains(svg, []byte("<!--")) {
		t.Errorf("unescaped markup in\n%s", svg)
	}

	// A hand-built spec's names are text too.
	spec.Name = `<b>&`
	p = mustChart(t, spec, series(t, NPRS, AllGiven(6)), ChartOptions{})
	if p.title != `<b>&` || p.elements["b"] || !strings.HasPrefix(p.desc, `<b>& (NPRS 0-10)`) {
		t.Errorf("spec name not escaped: title %q, desc %q", p.title, p.desc)
	}
}

func TestChartDeterministic(t *testing.T) {
	spec := mustSpec(t, ODI)
	points := series(t, ODI, sections(20, 0), sections(16, 1), sections(15, 0))
	first, err := Chart(spec, points, ChartOptions{Title: "Back pain"})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := Chart(spec, points, ChartOptions{Title: "Back pain"})
		if err != nil || !bytes.Equal(again, first) {
			t.Fatalf("second rendering differs (%v)", err)
		}
	}
	// The points slice is not changed.
	if !points[0].Date.Equal(day(time.March, 2)) || points[1].Result.Score != 16.0*100/45 {
		t.Error("Chart changed its input")
	}
}

func TestChartDates(t *testing.T) {
	spec := mustSpec(t, NPRS)
	var points []Point
	for i := range 20 { // more visits than date labels
		points = append(points, Point{Date: day(time.November, 1).AddDate(0, 0, 7*i), Result: mustScore(t, NPRS, AllGiven(8-i%8))})
	}
	p := mustChart(t, spec, points, ChartOptions{})
	if p.circles != 20 {
		t.Errorf("%d circles, want 20", p.circles)
	}
	// Across a new year the labels have years; first and last always shown.
	var dates []string
	for _, s := range p.texts {
		if strings.HasSuffix(s, " 2026") || strings.HasSuffix(s, " 2027") {
			dates = append(dates, s)
		}
	}
	if len(dates) > maxDateLabels || len(dates) < 2 || dates[0] != "1 Nov 2026" || dates[len(dates)-1] != "14 Mar 2027" {
		t.Errorf("date labels %q", dates)
	}
	// Visits are evenly spaced by visit, whatever their dates.
	for i := 1; i < len(points); i++ {
		if gap := xOf(i, len(points)) - xOf(i-1, len(points)); math.Abs(gap-xOf(1, len(points))+xOf(0, len(points))) > 1e-9 {
			t.Fatalf("uneven spacing at %d", i)
		}
	}
	// Two visits on one day are allowed.
	same := series(t, NPRS, AllGiven(8), AllGiven(6))
	same[1].Date = same[0].Date
	if _, err := Chart(spec, same, ChartOptions{}); err != nil {
		t.Errorf("two visits on one day: %v", err)
	}
}

func TestChartErrors(t *testing.T) {
	odi := mustSpec(t, ODI)
	good := func() []Point { return series(t, ODI, sections(20, 0), sections(15, 0), sections(10, 0)) }
	tests := []struct {
		name   string
		spec   Spec
		points func() []Point
		opts   ChartOptions
		fields []string
	}{
		{"no points", odi, func() []Point { return nil }, ChartOptions{}, []string{"points"}},
		{"another instrument", odi, func() []Point {
			p := good()
			p[1].Result = mustScore(t, NDI, sections(15, 0))
			return p
		}, ChartOptions{}, []string{"points[1]"}},
		{"another version", odi, func() []Point {
			p := good()
			p[2].Result.Version = "ODI 1.0"
			return p
		}, ChartOptions{}, []string{"points[2]"}},
		{"unsorted", odi, func() []Point {
			p := good()
			p[1].Date, p[2].Date = p[2].Date, p[1].Date
			return p
		}, ChartOptions{}, []string{"points[2].date"}},
		{"no date", odi, func() []Point {
			p := good()
			p[0].Date = time.Time{}
			return p
		}, ChartOptions{}, []string{"points[0].date"}},
		{"score off the scale", odi, func() []Point {
			p := good()
			p[0].Result.Score = 101
			return p
		}, ChartOptions{}, []string{"points[0]"}},
		{"NaN score", odi, func() []Point {
			p := good()
			p[1].Result.Score = math.NaN()
			return p
		}, ChartOptions{}, []string{"points[1]"}},
		{"bad id", odi, good, ChartOptions{ID: `x" onload="alert(1)`}, []string{"id"}},
		{"no spec", Spec{}, good, ChartOptions{}, []string{"spec"}},
		{"every problem at once", odi, func() []Point {
			p := good()
			p[0].Result.Score = -1
			p[2].Date = p[0].Date.AddDate(0, 0, -1)
			return p
		}, ChartOptions{ID: "1"}, []string{"id", "points[0]", "points[2].date"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			points := tc.points()
			svg, err := Chart(tc.spec, points, tc.opts)
			if svg != nil {
				t.Error("output with an error")
			}
			var e *clinic.Error
			if !errors.As(err, &e) || e.Code != clinic.EInvalid {
				t.Fatalf("error %v, want EInvalid", err)
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("fields %q, want %q (%v)", fields, tc.fields, e.Fields)
			}
			if tc.opts.ID == "" {
				if _, err := Rows(tc.spec, points); err == nil {
					t.Error("Rows: no error")
				}
				if _, err := Summary(tc.spec, points); err == nil {
					t.Error("Summary: no error")
				}
			}
		})
	}
}

func TestRows(t *testing.T) {
	spec := mustSpec(t, ODI)
	points := series(t, ODI, sections(20, 0), sections(16, 1), sections(15, 0), sections(22, 0))
	rows, err := Rows(spec, points)
	if err != nil {
		t.Fatal(err)
	}
	want := []ChartRow{
		{1, day(time.March, 2), "2 Mar 2026", 40, "40%", "", ""},
		{2, day(time.March, 9), "9 Mar 2026", 35.56, "35.56%", "-4.44", NoMeaningfulChange},
		{3, day(time.March, 16), "16 Mar 2026", 30, "30%", "-10", MeaningfulImprovement},
		{4, day(time.March, 23), "23 Mar 2026", 44, "44%", "+4", NoMeaningfulChange},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	// The verdicts are MeaningfulChange's.
	for i := 1; i < len(points); i++ {
		c, err := MeaningfulChange(ODI, points[0].Result, points[i].Result)
		if err != nil || c.Verdict != rows[i].Verdict {
			t.Errorf("row %d verdict %s, MeaningfulChange %s (%v)", i, rows[i].Verdict, c.Verdict, err)
		}
	}
}

func TestNum(t *testing.T) {
	for x, want := range map[float64]string{
		0: "0", math.Copysign(0, -1): "0", -0.001: "0", 30: "30", 8.4: "8.4",
		35.555555: "35.56", 128.125: "128.13", -14: "-14", 2.0000000001: "2",
	} {
		if got := num(x); got != want {
			t.Errorf("num(%v) = %q, want %q", x, got, want)
		}
	}
}

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.svg from the current output")

// The golden files are real charts to look at in a browser, and pin the
// bytes: a change to the drawing shows in review as a diff of them.
func TestChartGolden(t *testing.T) {
	tests := []struct {
		file       string
		instrument Instrument
		answers    [][]Answer
		title      string
	}{
		{"odi.svg", ODI, [][]Answer{sections(20, 0), sections(16, 1), sections(15, 0), sections(13, 0), sections(14, 0), sections(9, 0)}, "Back pain (ODI): Jo Smith"},
		{"psfs.svg", PSFS, [][]Answer{AllGiven(3, 4, 6), AllGiven(4, 5, 6), AllGiven(5, 6, 8), AllGiven(8, 9, 10)}, ""},
		{"nprs-one-visit.svg", NPRS, [][]Answer{AllGiven(7)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			svg, err := Chart(mustSpec(t, tc.instrument), series(t, tc.instrument, tc.answers...), ChartOptions{Title: tc.title})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, svg, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestChartGolden -update)", err)
			}
			if !bytes.Equal(svg, want) {
				t.Errorf("%s differs from the output:\n%s", path, svg)
			}
		})
	}
}
