// Package booking joins the store and the availability engine: it lists free
// slots, books, cancels and reschedules. Listing and booking build the
// engine's request with the same function and ask the same engine, so a time
// that was listed is booked only if it is still free by the same rules.
package booking

import (
	"slices"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/schedule"
)

// MaxRangeDays is the longest range of dates one availability query may span.
const MaxRangeDays = 62

// defaultStep is the grid of start times when a service does not set one.
const defaultStep = 15 * time.Minute

// zoneMargin widens a window given in local dates so that it covers those
// dates in any zone (UTC offsets lie within -12 h and +14 h), plus a day for
// visits whose buffers reach across midnight.
const zoneMargin = 40 * time.Hour

// windowFor returns instants that surely cover the local dates from..to in
// any zone, so the store can be asked before the location's zone is known.
func windowFor(from, to civil.Date) (time.Time, time.Time) {
	start := from.In(time.UTC, 0).Add(-zoneMargin)
	end := to.AddDays(1).In(time.UTC, 0).Add(zoneMargin)
	return start, end
}

// engineInput describes what to ask the engine beyond the stored data.
type engineInput struct {
	therapistID string // "" for any qualified therapist
	from, to    civil.Date
	now         time.Time
	staff       bool   // staff book inside minimum notice and beyond the horizon
	ignoreID    string // an appointment to leave out (the one being rescheduled)
}

// buildRequest turns stored data into the engine's request. It returns an
// EInvalid error when the named therapist cannot give the service here.
func buildRequest(d clinic.ScheduleData, in engineInput) (*schedule.Request, error) {
	zone, err := time.LoadLocation(d.Location.TimeZone)
	if err != nil {
		return nil, clinic.Errorf(clinic.EInternal, "location %s has an unknown time zone", d.Location.ID)
	}
	svc := d.Service
	step := time.Duration(svc.SlotStepMinutes) * time.Minute
	if step <= 0 {
		step = defaultStep
	}
	req := &schedule.Request{
		Zone:         zone,
		From:         in.from,
		To:           in.to,
		Now:          in.now,
		Duration:     time.Duration(svc.DurationMinutes) * time.Minute,
		BufferBefore: time.Duration(svc.BufferBeforeMinutes) * time.Minute,
		BufferAfter:  time.Duration(svc.BufferAfterMinutes) * time.Minute,
		Step:         step,
		Notice:       time.Duration(svc.MinNoticeMinutes) * time.Minute,
		HorizonDays:  svc.HorizonDays,
		Hours:        d.Location.Hours,
	}
	if in.staff {
		req.Notice, req.HorizonDays = 0, 0
	}
	for _, c := range d.Location.Closures {
		req.Closures = append(req.Closures, schedule.DateRange{From: c.From, To: c.To})
	}

	visits := make([]clinic.Appointment, 0, len(d.Appointments))
	for _, a := range d.Appointments {
		if a.ID != in.ignoreID && a.Status != clinic.StatusCancelled {
			visits = append(visits, a)
		}
	}

	found := false
	for _, t := range d.Therapists {
		if in.therapistID != "" && t.ID != in.therapistID {
			continue
		}
		found = found || t.ID == in.therapistID
		shifts, ok := qualified(t, d.Location.ID, svc.Modality)
		if !ok {
			continue
		}
		validThrough, licensed := licensedThrough(t)
		if !licensed {
			continue
		}
		st := schedule.Therapist{ID: t.ID, Shifts: shifts, ValidThrough: validThrough}
		for _, off := range t.TimeOff {
			st.TimeOff = append(st.TimeOff, schedule.Interval{Start: off.Start, End: off.End})
		}
		for _, a := range visits {
			if a.TherapistID == t.ID {
				st.Busy = append(st.Busy, busyOf(a))
			}
		}
		req.Therapists = append(req.Therapists, st)
	}
	if in.therapistID != "" {
		if !found {
			return nil, &clinic.Error{Code: clinic.ENotFound, Message: "No such therapist at this clinic.",
				Fields: []clinic.FieldError{{Field: "therapist", Message: "not found"}}}
		}
		if len(req.Therapists) == 0 {
			return nil, &clinic.Error{Code: clinic.EInvalid, Message: "This therapist does not give this service at this location.",
				Fields: []clinic.FieldError{{Field: "therapist", Message: "does not offer " + svc.Modality + " at this location, or holds no valid licence"}}}
		}
	}

	for _, r := range d.Rooms {
		room := schedule.Room{ID: r.ID}
		for _, a := range visits {
			if a.RoomID == r.ID {
				room.Busy = append(room.Busy, busyOf(a))
			}
		}
		req.Rooms = append(req.Rooms, room)
	}

	for _, kind := range svc.Equipment {
		eq := schedule.Equipment{Kind: kind}
		for _, e := range d.Equipment {
			if e.Kind == kind {
				eq.Count += e.Count
			}
		}
		for _, a := range visits {
			if a.LocationID == d.Location.ID && slices.Contains(a.Equipment, kind) {
				eq.Busy = append(eq.Busy, busyOf(a))
			}
		}
		req.Equipment = append(req.Equipment, eq)
	}
	return req, nil
}

// qualified returns the therapist's shifts at the location when the
// therapist offers the modality and works there at all.
func qualified(t clinic.Therapist, locationID, modality string) (civil.Weekly, bool) {
	if !slices.Contains(t.Modalities, modality) {
		return civil.Weekly{}, false
	}
	var w civil.Weekly
	any := false
	for _, s := range t.Shifts {
		if s.LocationID == locationID && s.Weekday >= 0 && s.Weekday <= 6 {
			w[s.Weekday] = append(w[s.Weekday], civil.Range{Start: s.Start, End: s.End})
			any = true
		}
	}
	return w, any
}

// licensedThrough returns the last date on which the therapist holds a
// valid licence. A therapist without any licence is not bookable.
func licensedThrough(t clinic.Therapist) (civil.Date, bool) {
	var last civil.Date
	ok := false
	for _, c := range t.Credentials {
		if c.Kind != clinic.CredentialLicence {
			continue
		}
		if !ok || c.Expires.IsZero() || (!last.IsZero() && c.Expires.After(last)) {
			last = c.Expires
		}
		ok = true
		if c.Expires.IsZero() {
			break // a licence without expiry: no limit
		}
	}
	return last, ok
}

func busyOf(a clinic.Appointment) schedule.Busy {
	return schedule.Busy{Start: a.Start, End: a.End, Before: a.BufferBefore, After: a.BufferAfter}
}
