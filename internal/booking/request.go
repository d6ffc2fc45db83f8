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
	zone, err := civil.Zone(d.Location.TimeZone)
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
		Hours:        d.Location.Hours.Merged(),
	}
	if in.staff {
		req.Notice, req.HorizonDays = 0, 0
	}
	for _, c := range d.Location.Closures {
		req.Closures = append(req.Closures, schedule.DateRange{From: c.From, To: c.To})
	}

	// Group the visits once by what they hold, so building the request is
	// linear in the number of visits.
	byTherapist := map[string][]schedule.Busy{}
	byRoom := map[string][]schedule.Busy{}
	byEquipment := map[string][]schedule.Busy{}
	for _, a := range d.Visits {
		if a.ID == in.ignoreID {
			continue
		}
		b := busyOf(a)
		byTherapist[a.TherapistID] = append(byTherapist[a.TherapistID], b)
		if a.RoomID != "" {
			byRoom[a.RoomID] = append(byRoom[a.RoomID], b)
		}
		if a.LocationID == d.Location.ID {
			for _, kind := range a.Equipment {
				byEquipment[kind] = append(byEquipment[kind], b)
			}
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
		st.Busy = byTherapist[t.ID]
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
		req.Rooms = append(req.Rooms, schedule.Room{ID: r.ID, Busy: byRoom[r.ID]})
	}

	for _, kind := range svc.Equipment {
		eq := schedule.Equipment{Kind: kind, Busy: byEquipment[kind]}
		for _, e := range d.Equipment {
			if e.Kind == kind {
				eq.Count += e.Count
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
	return w.Merged(), any
}

// licensedThrough returns the last date on which the therapist holds a
// valid licence. A therapist without any licence is not bookable.
func licensedThrough(t clinic.Therapist) (civil.Date, bool) {
	var last civil.Date
	licensed := false
	for _, c := range t.Credentials {
		if c.Kind != clinic.CredentialLicence {
			continue
		}
		if c.Expires.IsZero() {
			return civil.Date{}, true // a licence without expiry: no limit
		}
		if !licensed || c.Expires.After(last) {
			last = c.Expires
		}
		licensed = true
	}
	return last, licensed
}

func busyOf(a clinic.Visit) schedule.Busy {
	return schedule.Busy{Start: a.Start, End: a.End, Before: a.BufferBefore, After: a.BufferAfter}
}
