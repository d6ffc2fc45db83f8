package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"knead/internal/booking"
	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/schedule"
)

// catalog is what the public pages show of one clinic.
type catalog struct {
	Clinic     clinic.Clinic
	Locations  []clinic.Location
	Services   []clinic.Service
	Therapists []clinic.Therapist
}

// clinicCatalog reads the catalog of the clinic named in the URL.
func (w *Web) clinicCatalog(r *http.Request) (catalog, error) {
	c, err := w.clinicOf(r)
	if err != nil {
		return catalog{}, err
	}
	return w.catalog(r.Context(), c)
}

func (w *Web) catalog(ctx context.Context, c clinic.Clinic) (catalog, error) {
	cat := catalog{Clinic: c}
	var err error
	if cat.Locations, err = w.store.ListLocations(ctx, c.ID); err != nil {
		return cat, err
	}
	if cat.Services, err = w.store.ListServices(ctx, c.ID); err != nil {
		return cat, err
	}
	cat.Therapists, err = w.store.ListTherapists(ctx, c.ID)
	return cat, err
}

func (c catalog) location(id string) (clinic.Location, bool) {
	i := slices.IndexFunc(c.Locations, func(l clinic.Location) bool { return l.ID == id })
	if i < 0 {
		return clinic.Location{}, false
	}
	return c.Locations[i], true
}

func (c catalog) service(id string) (clinic.Service, bool) {
	i := slices.IndexFunc(c.Services, func(s clinic.Service) bool { return s.ID == id })
	if i < 0 {
		return clinic.Service{}, false
	}
	return c.Services[i], true
}

func (c catalog) therapist(id string) (clinic.Therapist, bool) {
	i := slices.IndexFunc(c.Therapists, func(t clinic.Therapist) bool { return t.ID == id })
	if i < 0 {
		return clinic.Therapist{}, false
	}
	return c.Therapists[i], true
}

// therapistsAt returns the therapists with a shift at the location who
// give the modality ("" for any).
func (c catalog) therapistsAt(locationID, modality string) []clinic.Therapist {
	var out []clinic.Therapist
	for _, t := range c.Therapists {
		works := slices.ContainsFunc(t.Shifts, func(s clinic.Shift) bool { return s.LocationID == locationID })
		if works && (modality == "" || slices.Contains(t.Modalities, modality)) {
			out = append(out, t)
		}
	}
	return out
}

// town guesses the town of an address written "street, town, region
// postcode, country" (or shorter): the part a visitor would type.
func town(address string) string {
	parts := strings.Split(address, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch {
	case len(parts) >= 4:
		return parts[len(parts)-3]
	case len(parts) >= 2:
		return parts[1]
	}
	return ""
}

// slotCache keeps availability answers of the pages, each serving only
// while the clinic's schedule version is the one it was computed at and
// the clock has not passed its ValidUntil: always what the engine would
// answer now.
type slotCache struct {
	mu      sync.Mutex
	entries map[string]slotEntry
	max     int
}

type slotEntry struct {
	version int64
	av      booking.Availability
}

func newSlotCache(max int) *slotCache { return &slotCache{entries: map[string]slotEntry{}, max: max} }

// slots returns the free slots of q at clinic c as of now.
func (w *Web) slots(ctx context.Context, c clinic.Clinic, q booking.Query) (booking.Availability, error) {
	q.ClinicID = c.ID
	key := fmt.Sprint(q.ClinicID, "|", q.LocationID, "|", q.ServiceID, "|", q.TherapistID, "|", q.From, "|", q.To, "|", q.Staff, "|", q.IgnoreID)
	now := w.now()
	w.slotCache.mu.Lock()
	e, ok := w.slotCache.entries[key]
	w.slotCache.mu.Unlock()
	if ok && e.version == c.ScheduleVersion && !now.After(e.av.ValidUntil) {
		return e.av, nil
	}
	av, err := booking.Slots(ctx, w.store, q, now)
	if err != nil {
		return av, err
	}
	w.slotCache.mu.Lock()
	defer w.slotCache.mu.Unlock()
	if len(w.slotCache.entries) >= w.slotCache.max {
		for k := range w.slotCache.entries { // evict an arbitrary tenth
			delete(w.slotCache.entries, k)
			if len(w.slotCache.entries) < w.slotCache.max*9/10 {
				break
			}
		}
	}
	w.slotCache.entries[key] = slotEntry{version: c.ScheduleVersion, av: av}
	return av, nil
}

// slot is a free time as a page shows it.
type slot struct {
	Start       time.Time // in the location's zone
	TherapistID string
	Therapist   string
}

// freeSlots turns an availability answer into slots, one a start time (the
// engine's choice of therapist for "any").
func freeSlots(av booking.Availability, cat catalog) []slot {
	var out []slot
	var last int64 = -1
	for _, s := range av.Slots {
		if s.Start == last {
			continue
		}
		last = s.Start
		out = append(out, toSlot(av, s, cat))
	}
	return out
}

func toSlot(av booking.Availability, s schedule.CompactSlot, cat catalog) slot {
	id := av.Therapist(s)
	t, _ := cat.therapist(id)
	return slot{Start: time.Unix(0, s.Start).In(av.Zone), TherapistID: id, Therapist: t.Name}
}

// today is the local date of now at a location.
func (w *Web) today(l clinic.Location) civil.Date {
	zone, err := civil.Zone(l.TimeZone)
	if err != nil {
		return civil.DateOf(w.now().UTC())
	}
	return civil.DateOf(w.now().In(zone))
}
