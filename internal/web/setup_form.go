package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// The setup forms: what a form page shows (setupForm, fieldView) and how a
// form sent is read (formReader). A form's inputs are named as the API's
// JSON fields where they are one ("name", "price", "duration_minutes"), and
// "closures.2.from", "hours.monday", "shifts.{location}.tuesday" where a
// form spreads a list over rows or days; the reader maps the store's field
// paths ("closures[1].reason") back to the inputs they came from.

// setupForm is the data of a form page.
type setupForm struct {
	*setupEnv
	Heading  string
	Action   string // where the form is sent
	Delete   string // where a delete is sent; "" for a new row
	What     string // what is deleted: "location"
	Values   url.Values
	Errors   map[string]string // by input name
	Problems []string          // what no one field is to blame for
	code     int
}

func newSetupForm(e *setupEnv, heading, action string, v url.Values) *setupForm {
	return &setupForm{setupEnv: e, Heading: heading, Action: action, Values: v, Errors: map[string]string{}}
}

// took shows what the reader found wrong.
func (p *setupForm) took(f *formReader) {
	for k, m := range f.errs {
		p.Errors[k] = m
	}
	p.Problems = append(p.Problems, f.problems...)
}

// failed shows on the form what the store or the validation refused, and
// returns any other error.
func (p *setupForm) failed(f *formReader, err error) error {
	var ce *clinic.Error
	if !errors.As(err, &ce) || ce.Code == clinic.EInternal {
		return err
	}
	if err == errUnread {
		p.took(f)
		return nil
	}
	for _, fe := range ce.Fields {
		if name := f.input(fe.Field); name != "" {
			f.fail(name, fieldMessage(fe.Message))
		} else {
			f.problems = append(f.problems, fieldMessage(strings.ReplaceAll(fe.Field, "_", " ")+": "+fe.Message))
		}
	}
	if len(ce.Fields) == 0 {
		f.problems = append(f.problems, ce.Message)
	}
	if ce.Code == clinic.EConflict {
		p.code = http.StatusConflict
	}
	p.took(f)
	return nil
}

func (p *setupForm) status() int {
	switch {
	case p.code != 0:
		return p.code
	case len(p.Errors) > 0 || len(p.Problems) > 0:
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// fieldView is one labelled input with its hint and its error.
type fieldView struct {
	ID, Name, Label, Value, Hint, Error string
	Type, Mode, Auto, List, Class       string
	Describe                            string // the id of a hint shared by several inputs
	Required, Multiline                 bool
}

// Described lists the ids that describe the input.
func (f fieldView) Described() string {
	var ids []string
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Describe != "" {
		ids = append(ids, f.Describe)
	}
	return strings.Join(ids, " ")
}

// fieldID is the id of an input: its name, dots made dashes.
func fieldID(name string) string { return strings.ReplaceAll(name, ".", "-") }

// Field describes the input name, labelled label, as typed or stored. The
// options are "type=date", "mode=decimal", "hint=...", "auto=off",
// "list=id", "class=short", "describe=id" (a hint shared with other
// inputs), "required" and "textarea".
func (p *setupForm) Field(name, label string, opts ...string) fieldView {
	f := fieldView{ID: fieldID(name), Name: name, Label: label, Value: p.Values.Get(name), Error: p.Errors[name]}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			f.Type = v
		case "mode":
			f.Mode = v
		case "hint":
			f.Hint = v
		case "auto":
			f.Auto = v
		case "list":
			f.List = v
		case "class":
			f.Class = v
		case "describe":
			f.Describe = v
		case "required":
			f.Required = true
		case "textarea":
			f.Multiline = true
		default:
			panic("web: unknown field option " + o)
		}
	}
	return f
}

// Group describes a group of inputs (checkboxes, radios) sent as name, for
// its fieldset's error.
func (p *setupForm) Group(name string) fieldView {
	return fieldView{ID: fieldID(name), Name: name, Error: p.Errors[name]}
}

// Has reports whether the form holds value among name's values.
func (p *setupForm) Has(name, value string) bool { return slices.Contains(p.Values[name], value) }

// Get is the form's value of name.
func (p *setupForm) Get(name string) string { return p.Values.Get(name) }

// rowView is one row of a list spread over inputs "prefix.I.field".
type rowView struct {
	I, N int  // its index, and its number to show
	New  bool // the empty row to add one
}

// Rows are the rows of a list spread over inputs "prefix.I.field": every
// row up to the last one holding anything, and one empty row to add.
func (p *setupForm) Rows(prefix string) []rowView {
	n := 0
	for k, vs := range p.Values {
		if i, ok := rowIndex(prefix, k); ok && i+1 > n && strings.TrimSpace(strings.Join(vs, "")) != "" {
			n = i + 1
		}
	}
	out := make([]rowView, n+1)
	for i := range out {
		out[i] = rowView{I: i, N: i + 1, New: i == n}
	}
	return out
}

// maxRows bounds the rows a form may send for one list.
const maxRows = 400

func rowIndex(prefix, key string) (int, bool) {
	rest, ok := strings.CutPrefix(key, prefix+".")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, ".")
	i, err := strconv.Atoi(num)
	return i, ok && err == nil && i >= 0 && i < maxRows
}

// Invalid counts the fields to fix.
func (p *setupForm) Invalid() int { return len(p.Errors) }

// setupDay is a weekday as the forms name it.
type setupDay struct{ Key, Name string }

// Days are the weekdays, Monday first.
func (p *setupForm) Days() []setupDay {
	out := make([]setupDay, len(weekOrder))
	for i, d := range weekOrder {
		out[i] = setupDay{civil.WeekdayKey(d), d.String()}
	}
	return out
}

// formReader reads a form sent: each of its methods reads one input,
// noting under the input's name what is wrong with it, and where the
// store's field path differs from the input's name, which input it is.
type formReader struct {
	v        url.Values
	errs     map[string]string
	problems []string
	paths    map[string]string
}

func newFormReader(v url.Values) *formReader {
	return &formReader{v: v, errs: map[string]string{}, paths: map[string]string{}}
}

// errUnread stands for the mistakes a reader noted, which it holds.
var errUnread = &clinic.Error{Code: clinic.EInvalid, Message: "The form has invalid fields."}

// err is errUnread when the reader noted a mistake, and nil otherwise.
func (f *formReader) err() error {
	if len(f.errs) > 0 || len(f.problems) > 0 {
		return errUnread
	}
	return nil
}

// fail notes the first thing wrong with the input name.
func (f *formReader) fail(name, msg string) {
	if _, seen := f.errs[name]; !seen {
		f.errs[name] = msg
	}
}

// at says that the store's field path was read from the input name.
func (f *formReader) at(path, name string) { f.paths[path] = name }

// input is the input a store's field path came from: its own, or its
// parent's ("hours.monday[0].end" is "hours.monday"); "" for none.
func (f *formReader) input(path string) string {
	for path != "" {
		if name, ok := f.paths[path]; ok {
			return name
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return ""
}

// text reads a line of text, trimmed.
func (f *formReader) text(name string) string {
	f.at(name, name)
	return strings.TrimSpace(f.v.Get(name))
}

// list reads the values of a group of checkboxes.
func (f *formReader) list(name string) []string {
	f.at(name, name)
	var out []string
	for _, s := range f.v[name] {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// whole reads a whole number; empty is 0.
func (f *formReader) whole(name string) int {
	s := f.text(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 9 {
		f.fail(name, fmt.Sprintf("“%s” is not a whole number: write digits only, such as 60.", s))
	}
	return n
}

// decimal reads a number with decimals, such as a latitude; example shows
// one.
func (f *formReader) decimal(name, example string) float64 {
	s := f.text(name)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !decimalRE.MatchString(s) {
		f.fail(name, "Write a number in decimal degrees, such as "+example+".")
	}
	return x
}

// money reads an amount in a currency's major unit, "95.00", as minor units.
func (f *formReader) money(name string) int64 {
	minor, err := parseMoney(f.text(name))
	if err != nil {
		f.fail(name, err.Error())
	}
	return minor
}

// ranges reads clock ranges, "09:00-13:00, 14:00-19:00"; empty is none.
func (f *formReader) ranges(name string) []civil.Range {
	f.at(name, name)
	rs, err := parseRanges(f.v.Get(name))
	if err != nil {
		f.fail(name, err.Error())
	}
	return rs
}

// date reads a date, YYYY-MM-DD (as a date input sends it); empty is zero.
func (f *formReader) date(name string) civil.Date {
	s := f.text(name)
	if s == "" {
		return civil.Date{}
	}
	d, err := civil.ParseDate(s)
	if err != nil {
		f.fail(name, fmt.Sprintf("“%s” is not a date: write it as YYYY-MM-DD, such as 2027-12-24.", s))
	}
	return d
}

// local reads a date and time in zone, as a datetime-local input sends it.
func (f *formReader) local(name string, zone *time.Location) time.Time {
	s := f.text(name)
	if s == "" {
		f.fail(name, "Give a date and time.")
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t
		}
	}
	f.fail(name, fmt.Sprintf("“%s” is not a date and time: write it as YYYY-MM-DD HH:MM, such as 2027-12-24 09:00.", s))
	return time.Time{}
}

// rows lists the rows of the list prefix that hold anything, in order.
func (f *formReader) rows(prefix string) []int {
	var out []int
	for k, vs := range f.v {
		if i, ok := rowIndex(prefix, k); ok && strings.TrimSpace(strings.Join(vs, "")) != "" && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// row is the input name of a row's field: "closures.2.from".
func row(prefix string, i int, field string) string { return fmt.Sprintf("%s.%d.%s", prefix, i, field) }

// fieldMessage makes a validation message a sentence to show by its field:
// "is required" is "This is required."
func fieldMessage(msg string) string {
	msg = strings.TrimSpace(msg)
	for _, verb := range []string{"is ", "must ", "needs ", "overlaps "} {
		if strings.HasPrefix(msg, verb) {
			msg = "This " + msg
			break
		}
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// ---- the formats the forms accept

var (
	moneyRE     = regexp.MustCompile(`^\d{1,9}(\.\d{1,2})?$`)
	moneyLongRE = regexp.MustCompile(`^\d{1,9}\.\d{3,}$`)
	decimalRE   = regexp.MustCompile(`^[-+]?\d{1,3}(\.\d{1,12})?$`)
	clockRE     = regexp.MustCompile(`^(\d{1,2})(?:[:.h](\d{2}))?$`)
	rangeSepRE  = regexp.MustCompile(`\s*(?:-|–|—|\bto\b)\s*`)
)

// parseMoney reads "95", "95.5" or "95.00" as minor units (9500): a
// currency with cents. Anything else is an error saying how to write it.
func parseMoney(s string) (int64, error) {
	switch {
	case s == "":
		return 0, errors.New("Give an amount, such as 95.00.")
	case moneyLongRE.MatchString(s):
		return 0, fmt.Errorf("“%s” has more than two decimals: write the amount to the cent, such as 95.00.", s)
	case !moneyRE.MatchString(s):
		return 0, fmt.Errorf("“%s” is not an amount: write digits with at most two decimals after a dot, such as 95.00.", s)
	}
	whole, cents, _ := strings.Cut(s, ".")
	major, _ := strconv.ParseInt(whole, 10, 64)
	var minor int64
	if cents != "" {
		minor, _ = strconv.ParseInt(cents, 10, 64)
		if len(cents) == 1 {
			minor *= 10
		}
	}
	if major*100+minor > maxPrice {
		return 0, fmt.Errorf("%s is more than %s, the most knead takes.", s, moneyValue(maxPrice))
	}
	return major*100 + minor, nil
}

// maxPrice is the highest price a service may have (see clinic.Service.Validate).
const maxPrice = 100_000_000

// moneyValue writes minor units as the forms show them: "95.00".
func moneyValue(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

// parseRanges reads "09:00-13:00, 14:00-19:00" (also "9-13; 14:00–19:00"),
// sorted; "" or "closed" is none. Ranges must not overlap.
func parseRanges(s string) ([]civil.Range, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") {
		return nil, nil
	}
	var out []civil.Range
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		ends := rangeSepRE.Split(part, -1)
		if len(ends) != 2 {
			return nil, fmt.Errorf("“%s” is not a range: write start-end, as in 09:00-17:00.", part)
		}
		var r [2]civil.Clock
		for i, e := range ends {
			c, err := parseClock(e)
			if err != nil {
				return nil, fmt.Errorf("“%s” is not a time of day: use 00:00 to 24:00, as in 09:00-17:00.", e)
			}
			r[i] = c
		}
		switch {
		case r[1] < r[0]:
			return nil, fmt.Errorf("%s-%s ends before it starts.", r[0], r[1])
		case r[1] == r[0]:
			return nil, fmt.Errorf("%s-%s ends as it starts.", r[0], r[1])
		}
		out = append(out, civil.Range{Start: r[0], End: r[1]})
	}
	slices.SortFunc(out, func(a, b civil.Range) int { return int(a.Start - b.Start) })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			return nil, fmt.Errorf("%s-%s overlaps %s-%s.", out[i].Start, out[i].End, out[i-1].Start, out[i-1].End)
		}
	}
	return out, nil
}

// parseClock reads "9", "09", "9:30", "09:30" or "24:00".
func parseClock(s string) (civil.Clock, error) {
	m := clockRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, errors.New("not a time")
	}
	h, _ := strconv.Atoi(m[1])
	if m[2] == "" {
		m[2] = "00"
	}
	return civil.ParseClock(fmt.Sprintf("%02d:%s", h, m[2]))
}

// rangesValue writes ranges as the forms show them: "09:00-13:00, 14:00-19:00".
func rangesValue(rs []civil.Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Start.String() + "-" + r.End.String()
	}
	return strings.Join(parts, ", ")
}
