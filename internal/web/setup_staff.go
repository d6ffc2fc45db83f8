package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// The setup of who works and what they sell: therapists (credentials,
// shifts, time off) and services (prices and policies).

// Modalities are the kinds of massage to choose from.
func (p *setupForm) Modalities() []care.Modality { return care.Modalities }

// CredentialKinds are the kinds of credential offered by the input name:
// licence, certification and whatever it holds.
func (p *setupForm) CredentialKinds(name string) []string {
	kinds := []string{clinic.CredentialLicence, "certification"}
	if k := p.Get(name); k != "" && !slices.Contains(kinds, k) {
		kinds = append(kinds, k)
	}
	return kinds
}

// EquipmentKinds are the kinds a service may need: the clinic's, and any
// the form holds.
func (p *setupForm) EquipmentKinds() []string { return p.Kinds(p.Values["equipment"]...) }

// shiftName is the input of a therapist's shifts at a location on a day.
func shiftName(locationID string, d time.Weekday) string {
	return "shifts." + locationID + "." + civil.WeekdayKey(d)
}

// ShiftName is shiftName for the templates.
func (p *setupForm) ShiftName(locationID, day string) string {
	d, _ := civil.ParseWeekday(day)
	return shiftName(locationID, d)
}

// localLayout is how a datetime-local input holds a time.
const localLayout = "2006-01-02T15:04"

func setupTherapists(w *Web) setupKind[clinic.Therapist] {
	s := w.store
	return setupKind[clinic.Therapist]{
		plural: "therapists", singular: "therapist", section: "therapists", page: "setup_therapist.html",
		get: s.GetTherapist, create: s.CreateTherapist, update: s.UpdateTherapist, del: s.DeleteTherapist,
		validate: clinic.Therapist.Validate,
		setID:    func(t *clinic.Therapist, id string) { t.ID = id },
		blank:    func(*setupEnv, url.Values) url.Values { return url.Values{} },
		values:   therapistValues,
		parse:    parseTherapist,
		conflict: "Visits booked with this therapist (past ones too) or a staff login still name them, so they cannot be deleted. Remove their shifts instead: they will no longer be offered.",
	}
}

func therapistValues(e *setupEnv, t clinic.Therapist) url.Values {
	v := url.Values{"name": {t.Name}, "bio": {t.Bio}, "years_experience": {strconv.Itoa(t.YearsExperience)},
		"specialties": {strings.Join(t.Specialties, ", ")}, "modalities": t.Modalities}
	for i, c := range t.Credentials {
		v.Set(row("credentials", i, "kind"), c.Kind)
		v.Set(row("credentials", i, "number"), c.Number)
		v.Set(row("credentials", i, "issuer"), c.Issuer)
		if !c.Expires.IsZero() {
			v.Set(row("credentials", i, "expires"), c.Expires.String())
		}
	}
	days := map[string][]civil.Range{}
	for _, sh := range t.Shifts {
		name := shiftName(sh.LocationID, time.Weekday(sh.Weekday))
		days[name] = append(days[name], civil.Range{Start: sh.Start, End: sh.End})
	}
	for name, rs := range days {
		slices.SortFunc(rs, func(a, b civil.Range) int { return int(a.Start - b.Start) })
		v.Set(name, rangesValue(rs))
	}
	zone := zoneOf(clinic.Location{TimeZone: e.TimeOffZone()})
	for i, o := range t.TimeOff {
		v.Set(row("time_off", i, "start"), o.Start.In(zone).Format(localLayout))
		v.Set(row("time_off", i, "end"), o.End.In(zone).Format(localLayout))
		v.Set(row("time_off", i, "reason"), o.Reason)
	}
	return v
}

func parseTherapist(e *setupEnv, f *formReader) clinic.Therapist {
	t := clinic.Therapist{Name: f.text("name"), Bio: f.text("bio"), YearsExperience: f.whole("years_experience"),
		Modalities: f.list("modalities")}
	for _, s := range strings.Split(f.text("specialties"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			t.Specialties = append(t.Specialties, s)
		}
	}
	for _, i := range f.rows("credentials") {
		k := len(t.Credentials)
		c := clinic.Credential{Kind: f.text(row("credentials", i, "kind")), Number: f.text(row("credentials", i, "number")),
			Issuer: f.text(row("credentials", i, "issuer")), Expires: f.date(row("credentials", i, "expires"))}
		if c.Kind == "" {
			f.fail(row("credentials", i, "kind"), "Choose licence or certification.")
		}
		f.at(fmt.Sprintf("credentials[%d]", k), row("credentials", i, "number"))
		f.at(fmt.Sprintf("credentials[%d].kind", k), row("credentials", i, "kind"))
		f.at(fmt.Sprintf("credentials[%d].expires", k), row("credentials", i, "expires"))
		t.Credentials = append(t.Credentials, c)
	}
	parseShifts(e, f, &t)
	zone := zoneOf(clinic.Location{TimeZone: e.TimeOffZone()})
	for _, i := range f.rows("time_off") {
		start, end := f.local(row("time_off", i, "start"), zone), f.local(row("time_off", i, "end"), zone)
		if start.IsZero() || end.IsZero() {
			continue // unreadable, and said so
		}
		if !end.After(start) {
			f.fail(row("time_off", i, "end"), "The end is not after the start.")
		}
		f.at(fmt.Sprintf("time_off[%d]", len(t.TimeOff)), row("time_off", i, "end"))
		t.TimeOff = append(t.TimeOff, clinic.TimeOff{Start: start, End: end, Reason: f.text(row("time_off", i, "reason"))})
	}
	return t
}

// parseShifts reads the shifts, a field a location and weekday; nobody
// works at two locations at once.
func parseShifts(e *setupEnv, f *formReader, t *clinic.Therapist) {
	at := map[int]string{} // shift -> location name
	for _, l := range e.Locations {
		for _, d := range weekOrder {
			name := shiftName(l.ID, d)
			for _, r := range f.ranges(name) {
				for j, o := range t.Shifts {
					if o.Weekday == civil.Weekday(d) && o.Start < r.End && r.Start < o.End {
						f.fail(name, fmt.Sprintf("%s-%s overlaps the %s shift at %s (%s-%s): nobody works in two places at once.",
							r.Start, r.End, d, at[j], o.Start, o.End))
					}
				}
				f.at(fmt.Sprintf("shifts[%d]", len(t.Shifts)), name)
				at[len(t.Shifts)] = l.Name
				t.Shifts = append(t.Shifts, clinic.Shift{LocationID: l.ID, Weekday: civil.Weekday(d), Start: r.Start, End: r.End})
			}
		}
	}
}

func setupServices(w *Web) setupKind[clinic.Service] {
	s := w.store
	return setupKind[clinic.Service]{
		plural: "services", singular: "service", section: "services", page: "setup_service.html",
		get: s.GetService, create: s.CreateService, update: s.UpdateService, del: s.DeleteService,
		validate: clinic.Service.Validate,
		setID:    func(v *clinic.Service, id string) { v.ID = id },
		blank: func(e *setupEnv, _ url.Values) url.Values {
			return serviceValues(e, clinic.Service{Modality: care.Modalities[0].Slug, DurationMinutes: 60, Currency: e.Clinic.Currency,
				BufferAfterMinutes: 15, MinNoticeMinutes: 120, HorizonDays: 90, CancelWindowHours: 24, LateCancel: clinic.LateCancelFee})
		},
		values:   serviceValues,
		parse:    parseService,
		conflict: "Visits of this service (past ones too) still name it, so it cannot be deleted.",
	}
}

func serviceValues(_ *setupEnv, s clinic.Service) url.Values {
	v := url.Values{"name": {s.Name}, "modality": {s.Modality}, "currency": {s.Currency}, "equipment": s.Equipment,
		"late_cancel": {s.LateCancel}, "late_cancel_fee": {moneyValue(s.LateCancelFee)}}
	if s.ID != "" {
		v.Set("price", moneyValue(s.Price))
	}
	for name, n := range map[string]int{"duration_minutes": s.DurationMinutes, "buffer_before_minutes": s.BufferBeforeMinutes,
		"buffer_after_minutes": s.BufferAfterMinutes, "min_notice_minutes": s.MinNoticeMinutes, "horizon_days": s.HorizonDays,
		"cancel_window_hours": s.CancelWindowHours, "slot_step_minutes": s.SlotStepMinutes} {
		v.Set(name, strconv.Itoa(n))
	}
	if s.SlotStepMinutes == 0 {
		v.Set("slot_step_minutes", "")
	}
	return v
}

func parseService(_ *setupEnv, f *formReader) clinic.Service {
	s := clinic.Service{Name: f.text("name"), Modality: f.text("modality"), DurationMinutes: f.whole("duration_minutes"),
		Price: f.money("price"), Currency: strings.ToUpper(f.text("currency")),
		BufferBeforeMinutes: f.whole("buffer_before_minutes"), BufferAfterMinutes: f.whole("buffer_after_minutes"),
		Equipment: f.list("equipment"), MinNoticeMinutes: f.whole("min_notice_minutes"), HorizonDays: f.whole("horizon_days"),
		CancelWindowHours: f.whole("cancel_window_hours"), LateCancel: f.text("late_cancel"), SlotStepMinutes: f.whole("slot_step_minutes")}
	if f.text("late_cancel_fee") != "" {
		s.LateCancelFee = f.money("late_cancel_fee")
	}
	if _, unread := f.errs["price"]; unread {
		s.Price = maxPrice // so that the fee is not found too high for a price not read
	}
	return s
}
