package store

import (
	"encoding/json"
	"fmt"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// Nested value lists are stored as JSON text in storage shapes of their own,
// kept apart from the domain types' JSON (which is the API's business and
// may change): dates as [year, month, day] and clock times as minutes, which
// round-trip every value exactly, the zero date included; instants as unix
// seconds like every other column.

type storedRange [2]int // clock minutes [start, end)

type storedClosure struct {
	From   [3]int `json:"from"`
	To     [3]int `json:"to"`
	Reason string `json:"reason,omitempty"`
}

type storedCredential struct {
	Kind    string `json:"kind"`
	Number  string `json:"number,omitempty"`
	Issuer  string `json:"issuer,omitempty"`
	Expires [3]int `json:"expires"`
}

type storedShift struct {
	Location string `json:"location"`
	Weekday  int    `json:"weekday"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

type storedTimeOff struct {
	Start  int64  `json:"start"`
	End    int64  `json:"end"`
	Reason string `json:"reason,omitempty"`
}

func dateOut(d civil.Date) [3]int { return [3]int{d.Year, int(d.Month), d.Day} }
func dateIn(a [3]int) civil.Date  { return civil.Date{Year: a[0], Month: time.Month(a[1]), Day: a[2]} }

// mapSlice converts each element; an empty list comes back nil, so that a
// value read from the store compares equal whichever way it was written.
func mapSlice[A, B any](in []A, f func(A) B) []B {
	if len(in) == 0 {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

// encodeJSON writes v, with nil lists as [].
func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the storage shapes above reach here: plain ints, strings
		// and slices of them, which always marshal.
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

func decodeJSON(s, column string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode column %s: %w", column, err)
	}
	return nil
}

func encodeHours(w civil.Weekly) string {
	var days [7][]storedRange
	for i, rs := range w {
		days[i] = mapSlice(rs, func(r civil.Range) storedRange { return storedRange{int(r.Start), int(r.End)} })
		if days[i] == nil {
			days[i] = []storedRange{}
		}
	}
	return encodeJSON(days)
}

func decodeHours(s string) (civil.Weekly, error) {
	var days [7][]storedRange
	if err := decodeJSON(s, "hours", &days); err != nil {
		return civil.Weekly{}, err
	}
	var w civil.Weekly
	for i, rs := range days {
		w[i] = mapSlice(rs, func(r storedRange) civil.Range {
			return civil.Range{Start: civil.Clock(r[0]), End: civil.Clock(r[1])}
		})
	}
	return w, nil
}

func encodeClosures(cs []clinic.Closure) string {
	return encodeJSON(mapSlice(cs, func(c clinic.Closure) storedClosure {
		return storedClosure{From: dateOut(c.From), To: dateOut(c.To), Reason: c.Reason}
	}))
}

func decodeClosures(s string) ([]clinic.Closure, error) {
	var stored []storedClosure
	if err := decodeJSON(s, "closures", &stored); err != nil {
		return nil, err
	}
	return mapSlice(stored, func(c storedClosure) clinic.Closure {
		return clinic.Closure{From: dateIn(c.From), To: dateIn(c.To), Reason: c.Reason}
	}), nil
}

func encodeCredentials(cs []clinic.Credential) string {
	return encodeJSON(mapSlice(cs, func(c clinic.Credential) storedCredential {
		return storedCredential{Kind: c.Kind, Number: c.Number, Issuer: c.Issuer, Expires: dateOut(c.Expires)}
	}))
}

func decodeCredentials(s string) ([]clinic.Credential, error) {
	var stored []storedCredential
	if err := decodeJSON(s, "credentials", &stored); err != nil {
		return nil, err
	}
	return mapSlice(stored, func(c storedCredential) clinic.Credential {
		return clinic.Credential{Kind: c.Kind, Number: c.Number, Issuer: c.Issuer, Expires: dateIn(c.Expires)}
	}), nil
}

func encodeShifts(ss []clinic.Shift) string {
	return encodeJSON(mapSlice(ss, func(s clinic.Shift) storedShift {
		return storedShift{Location: s.LocationID, Weekday: int(s.Weekday), Start: int(s.Start), End: int(s.End)}
	}))
}

func decodeShifts(s string) ([]clinic.Shift, error) {
	var stored []storedShift
	if err := decodeJSON(s, "shifts", &stored); err != nil {
		return nil, err
	}
	return mapSlice(stored, func(s storedShift) clinic.Shift {
		return clinic.Shift{LocationID: s.Location, Weekday: civil.Weekday(s.Weekday),
			Start: civil.Clock(s.Start), End: civil.Clock(s.End)}
	}), nil
}

func encodeTimeOff(ts []clinic.TimeOff) string {
	return encodeJSON(mapSlice(ts, func(t clinic.TimeOff) storedTimeOff {
		return storedTimeOff{Start: unix(t.Start), End: unix(t.End), Reason: t.Reason}
	}))
}

func decodeTimeOff(s string) ([]clinic.TimeOff, error) {
	var stored []storedTimeOff
	if err := decodeJSON(s, "time_off", &stored); err != nil {
		return nil, err
	}
	return mapSlice(stored, func(t storedTimeOff) clinic.TimeOff {
		return clinic.TimeOff{Start: fromUnix(t.Start), End: fromUnix(t.End), Reason: t.Reason}
	}), nil
}

func encodeStrings(ss []string) string { return encodeJSON(ss) }

func decodeStrings(s, column string) ([]string, error) {
	var out []string
	if err := decodeJSON(s, column, &out); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
