package clinic

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"knead/internal/civil"
)

// Limits that keep a single request from storing absurd values.
const (
	maxName        = 200
	maxText        = 4000
	maxList        = 100
	MaxVisitMinute = 8 * 60 // a visit of more than 8 hours is a typo
	MaxBufferMin   = 120
)

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// ValidSlug reports whether s can be a clinic's URL slug.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

func checkName(v *Validation, field, s string) {
	s = strings.TrimSpace(s)
	v.Check(s != "", field, "is required")
	v.Check(len(s) <= maxName, field, "must be at most %d characters", maxName)
}

func checkWeekly(v *Validation, field string, w civil.Weekly) {
	for day, ranges := range w {
		name := civil.WeekdayKey(time.Weekday(day))
		sorted := slices.Clone(ranges)
		slices.SortFunc(sorted, func(a, b civil.Range) int { return int(a.Start - b.Start) })
		for i, r := range sorted {
			if !r.Valid() {
				v.Add(field+"."+name, "%s-%s is not a range of time within one day", r.Start, r.End)
				continue
			}
			if i > 0 && sorted[i-1].End > r.Start {
				v.Add(field+"."+name, "%s-%s overlaps %s-%s", r.Start, r.End, sorted[i-1].Start, sorted[i-1].End)
			}
		}
	}
}

// Validate checks a clinic before it is stored.
func (c Clinic) Validate() error {
	var v Validation
	checkName(&v, "name", c.Name)
	v.Check(ValidSlug(c.Slug), "slug", "must be 1-64 lower-case letters, digits and dashes")
	v.Check(validCurrency(c.Currency), "currency", "must be a three-letter ISO 4217 code such as CAD")
	return v.Err()
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Validate checks a location before it is stored.
func (l Location) Validate() error {
	var v Validation
	checkName(&v, "name", l.Name)
	v.Check(len(l.Address) <= maxText, "address", "is too long")
	v.Check(l.Latitude >= -90 && l.Latitude <= 90, "latitude", "must be between -90 and 90")
	v.Check(l.Longitude >= -180 && l.Longitude <= 180, "longitude", "must be between -180 and 180")
	if _, err := time.LoadLocation(l.TimeZone); err != nil || l.TimeZone == "" || l.TimeZone == "Local" {
		v.Add("timezone", "must be an IANA time zone such as America/Toronto")
	}
	checkWeekly(&v, "hours", l.Hours)
	v.Check(len(l.Closures) <= maxList*4, "closures", "too many closures")
	for i, c := range l.Closures {
		f := fmt.Sprintf("closures[%d]", i)
		v.Check(!c.From.IsZero() && !c.To.IsZero(), f, "needs from and to dates")
		v.Check(!c.To.Before(c.From), f, "to must not be before from")
		v.Check(len(c.Reason) <= maxName, f+".reason", "is too long")
	}
	return v.Err()
}

// Validate checks a room before it is stored.
func (r Room) Validate() error {
	var v Validation
	checkName(&v, "name", r.Name)
	v.Check(r.LocationID != "", "location", "is required")
	return v.Err()
}

// Validate checks equipment before it is stored.
func (e Equipment) Validate() error {
	var v Validation
	checkName(&v, "name", e.Name)
	v.Check(ValidSlug(e.Kind), "kind", "must be a slug such as hot-stone-heater")
	v.Check(e.LocationID != "", "location", "is required")
	v.Check(e.Count >= 0 && e.Count <= 1000, "count", "must be between 0 and 1000")
	return v.Err()
}

// Validate checks a therapist before it is stored.
func (t Therapist) Validate() error {
	var v Validation
	checkName(&v, "name", t.Name)
	v.Check(len(t.Bio) <= maxText, "bio", "must be at most %d characters", maxText)
	v.Check(t.YearsExperience >= 0 && t.YearsExperience <= 80, "years_experience", "must be between 0 and 80")
	v.Check(len(t.Specialties) <= maxList, "specialties", "too many")
	for i, s := range t.Specialties {
		v.Check(strings.TrimSpace(s) != "" && len(s) <= maxName, fmt.Sprintf("specialties[%d]", i), "must be 1-%d characters", maxName)
	}
	for i, m := range t.Modalities {
		v.Check(IsModality(m), fmt.Sprintf("modalities[%d]", i), "%q is not a modality (one of %s)", m, strings.Join(Modalities, ", "))
	}
	v.Check(len(t.Credentials) <= maxList, "credentials", "too many")
	for i, c := range t.Credentials {
		f := fmt.Sprintf("credentials[%d]", i)
		v.Check(c.Kind != "" && len(c.Kind) <= 50, f+".kind", "is required (e.g. licence)")
		v.Check(len(c.Number) <= 100 && len(c.Issuer) <= maxName, f, "number or issuer too long")
	}
	v.Check(len(t.Shifts) <= maxList, "shifts", "too many")
	for i, s := range t.Shifts {
		f := fmt.Sprintf("shifts[%d]", i)
		v.Check(s.LocationID != "", f+".location", "is required")
		v.Check(civil.Range{Start: s.Start, End: s.End}.Valid(), f, "%s-%s is not a range of time within one day", s.Start, s.End)
		for j := range i {
			o := t.Shifts[j]
			if o.Weekday == s.Weekday && o.Start < s.End && s.Start < o.End {
				v.Add(f, "overlaps shifts[%d] on %s", j, civil.WeekdayKey(time.Weekday(s.Weekday)))
			}
		}
	}
	v.Check(len(t.TimeOff) <= maxList*4, "time_off", "too many")
	for i, o := range t.TimeOff {
		v.Check(!o.Start.IsZero() && o.End.After(o.Start), fmt.Sprintf("time_off[%d]", i), "needs a start before its end")
	}
	return v.Err()
}

// Validate checks a service before it is stored.
func (s Service) Validate() error {
	var v Validation
	checkName(&v, "name", s.Name)
	v.Check(IsModality(s.Modality), "modality", "must be one of %s", strings.Join(Modalities, ", "))
	v.Check(s.DurationMinutes >= 5 && s.DurationMinutes <= MaxVisitMinute, "duration_minutes", "must be between 5 and %d", MaxVisitMinute)
	v.Check(s.Price >= 0 && s.Price <= 100_000_000, "price", "must be between 0 and 100000000 minor units")
	v.Check(validCurrency(s.Currency), "currency", "must be a three-letter ISO 4217 code such as CAD")
	v.Check(s.BufferBeforeMinutes >= 0 && s.BufferBeforeMinutes <= MaxBufferMin, "buffer_before_minutes", "must be between 0 and %d", MaxBufferMin)
	v.Check(s.BufferAfterMinutes >= 0 && s.BufferAfterMinutes <= MaxBufferMin, "buffer_after_minutes", "must be between 0 and %d", MaxBufferMin)
	v.Check(len(s.Equipment) <= 10, "equipment", "too many kinds")
	for i, k := range s.Equipment {
		v.Check(ValidSlug(k), fmt.Sprintf("equipment[%d]", i), "must be a slug such as hot-stone-heater")
	}
	v.Check(s.MinNoticeMinutes >= 0 && s.MinNoticeMinutes <= 60*24*30, "min_notice_minutes", "must be between 0 and 43200")
	v.Check(s.HorizonDays >= 0 && s.HorizonDays <= 730, "horizon_days", "must be between 0 (no limit) and 730")
	v.Check(s.CancelWindowHours >= 0 && s.CancelWindowHours <= 24*30, "cancel_window_hours", "must be between 0 and 720")
	v.Check(s.LateCancel == LateCancelFee || s.LateCancel == LateCancelRefuse, "late_cancel", "must be %q or %q", LateCancelFee, LateCancelRefuse)
	v.Check(s.LateCancelFee >= 0 && s.LateCancelFee <= s.Price*2+1, "late_cancel_fee", "must be between 0 and twice the price")
	v.Check(s.SlotStepMinutes >= 0 && s.SlotStepMinutes <= 240 && (s.SlotStepMinutes == 0 || s.SlotStepMinutes >= 5), "slot_step_minutes", "must be 0 (every 15 minutes) or between 5 and 240")
	return v.Err()
}

// Validate checks a staff user before it is stored.
func (u User) Validate() error {
	var v Validation
	checkName(&v, "name", u.Name)
	v.Check(strings.Contains(u.Email, "@") && len(u.Email) <= 254, "email", "must be an email address")
	v.Check(u.Role == RoleOwner || u.Role == RoleFrontDesk || u.Role == RoleTherapist, "role", "must be owner, front_desk or therapist")
	v.Check(u.Role != RoleTherapist || u.TherapistID != "", "therapist", "is required for the therapist role")
	return v.Err()
}
