package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// The setup of the places: locations (hours, closures), and the rooms and
// equipment of each.

// commonZones are the IANA time zones offered for a location, roughly
// west to east; a location's own zone is offered too when it is not one.
var commonZones = []string{
	"Pacific/Honolulu", "America/Anchorage", "America/Vancouver", "America/Los_Angeles", "America/Edmonton",
	"America/Denver", "America/Phoenix", "America/Regina", "America/Winnipeg", "America/Chicago",
	"America/Mexico_City", "America/Toronto", "America/New_York", "America/Halifax", "America/St_Johns",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Atlantic/Reykjavik", "Europe/London", "Europe/Dublin",
	"Europe/Lisbon", "Africa/Lagos", "Europe/Paris", "Europe/Brussels", "Europe/Amsterdam", "Europe/Berlin",
	"Europe/Zurich", "Europe/Vienna", "Europe/Rome", "Europe/Madrid", "Europe/Copenhagen", "Europe/Oslo",
	"Europe/Stockholm", "Europe/Prague", "Europe/Warsaw", "Africa/Johannesburg", "Africa/Cairo", "Europe/Athens",
	"Europe/Helsinki", "Europe/Istanbul", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Bangkok",
	"Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai", "Australia/Perth", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland", "UTC",
}

// Zones are the time zones to choose from: the common ones and the form's.
func (p *setupForm) Zones() []string {
	if z := p.Get("timezone"); z != "" && !slices.Contains(commonZones, z) {
		return append([]string{z}, commonZones...)
	}
	return commonZones
}

func setupLocations(w *Web) setupKind[clinic.Location] {
	s := w.store
	return setupKind[clinic.Location]{
		plural: "locations", singular: "location", section: "locations", page: "setup_location.html",
		get: s.GetLocation, create: s.CreateLocation, update: s.UpdateLocation, del: s.DeleteLocation,
		validate: clinic.Location.Validate,
		setID:    func(l *clinic.Location, id string) { l.ID = id },
		blank: func(e *setupEnv, _ url.Values) url.Values {
			v := url.Values{"timezone": {"America/Toronto"}}
			if len(e.Locations) > 0 {
				v.Set("timezone", e.Locations[0].TimeZone)
			}
			for _, d := range weekOrder[:5] {
				v.Set("hours."+civil.WeekdayKey(d), "09:00-17:00")
			}
			return v
		},
		values: func(_ *setupEnv, l clinic.Location) url.Values {
			v := url.Values{"name": {l.Name}, "address": {l.Address}, "timezone": {l.TimeZone},
				"latitude":  {strconv.FormatFloat(l.Latitude, 'f', -1, 64)},
				"longitude": {strconv.FormatFloat(l.Longitude, 'f', -1, 64)}}
			for _, d := range weekOrder {
				v.Set("hours."+civil.WeekdayKey(d), rangesValue(l.Hours[d]))
			}
			for i, c := range l.Closures {
				v.Set(row("closures", i, "from"), c.From.String())
				v.Set(row("closures", i, "to"), c.To.String())
				v.Set(row("closures", i, "reason"), c.Reason)
			}
			return v
		},
		parse:    parseLocation,
		inUse:    shiftsAt,
		conflict: "Rooms, equipment or booked visits (past ones too) are still at this location, so it cannot be deleted. Delete its rooms and equipment first; a location that has had visits stays, but you can rename it or close it.",
	}
}

func parseLocation(_ *setupEnv, f *formReader) clinic.Location {
	l := clinic.Location{Name: f.text("name"), Address: f.text("address"), TimeZone: f.text("timezone"),
		Latitude: f.decimal("latitude", "43.6453"), Longitude: f.decimal("longitude", "-79.4106")}
	for _, d := range weekOrder {
		l.Hours[d] = f.ranges("hours." + civil.WeekdayKey(d))
	}
	for _, i := range f.rows("closures") {
		fromName, toName := row("closures", i, "from"), row("closures", i, "to")
		from, to := f.date(fromName), f.date(toName)
		if from.IsZero() {
			if f.text(fromName) == "" {
				f.fail(fromName, "Give the first day closed.")
			}
			continue
		}
		if to.IsZero() {
			to = from // one day, or unreadable and said so
		} else if to.Before(from) {
			f.fail(toName, "The last day closed is before the first.")
		}
		k := len(l.Closures)
		f.at(fmt.Sprintf("closures[%d]", k), toName)
		f.at(fmt.Sprintf("closures[%d].reason", k), row("closures", i, "reason"))
		l.Closures = append(l.Closures, clinic.Closure{From: from, To: to, Reason: f.text(row("closures", i, "reason"))})
	}
	return l
}

// shiftsAt says who still works at the location: their shifts would point
// nowhere.
func shiftsAt(e *setupEnv, locationID string) string {
	var who []string
	for _, t := range e.Therapists {
		if slices.ContainsFunc(t.Shifts, func(s clinic.Shift) bool { return s.LocationID == locationID }) {
			who = append(who, t.Name)
		}
	}
	if len(who) == 0 {
		return ""
	}
	return "Therapists still have shifts at this location (" + strings.Join(who, ", ") + "), so it cannot be deleted. Remove their shifts here first."
}

// placeBlank is a new room's or equipment's form: at the location the page
// was opened for, or the first.
func placeBlank(e *setupEnv, q url.Values) url.Values {
	v := url.Values{}
	if l, ok := e.location(q.Get("location")); ok {
		v.Set("location", l.ID)
	} else if len(e.Locations) > 0 {
		v.Set("location", e.Locations[0].ID)
	}
	return v
}

// place reads the location a room or equipment is at: one of the clinic's.
func place(e *setupEnv, f *formReader) string {
	id := f.text("location")
	if _, ok := e.location(id); !ok {
		f.fail("location", "Choose one of the clinic's locations.")
	}
	return id
}

func setupRooms(w *Web) setupKind[clinic.Room] {
	s := w.store
	return setupKind[clinic.Room]{
		plural: "rooms", singular: "room", section: "locations", page: "setup_room.html",
		get: s.GetRoom, create: s.CreateRoom, update: s.UpdateRoom, del: s.DeleteRoom,
		validate: clinic.Room.Validate,
		setID:    func(r *clinic.Room, id string) { r.ID = id },
		blank:    placeBlank,
		values: func(_ *setupEnv, r clinic.Room) url.Values {
			return url.Values{"name": {r.Name}, "location": {r.LocationID}}
		},
		parse: func(e *setupEnv, f *formReader) clinic.Room {
			return clinic.Room{LocationID: place(e, f), Name: f.text("name")}
		},
		conflict: "Visits booked in this room (past ones too) still name it, so it cannot be deleted. You can rename it instead.",
	}
}

func setupEquipment(w *Web) setupKind[clinic.Equipment] {
	s := w.store
	return setupKind[clinic.Equipment]{
		plural: "equipment", singular: "equipment", section: "locations", page: "setup_equipment.html",
		get: s.GetEquipment, create: s.CreateEquipment, update: s.UpdateEquipment, del: s.DeleteEquipment,
		validate: clinic.Equipment.Validate,
		setID:    func(q *clinic.Equipment, id string) { q.ID = id },
		blank: func(e *setupEnv, q url.Values) url.Values {
			v := placeBlank(e, q)
			v.Set("count", "1")
			return v
		},
		values: func(_ *setupEnv, q clinic.Equipment) url.Values {
			return url.Values{"name": {q.Name}, "location": {q.LocationID}, "kind": {q.Kind}, "count": {strconv.Itoa(q.Count)}}
		},
		parse: func(e *setupEnv, f *formReader) clinic.Equipment {
			kind := strings.Join(strings.Fields(strings.ToLower(f.text("kind"))), "-")
			return clinic.Equipment{LocationID: place(e, f), Kind: kind, Name: f.text("name"), Count: f.whole("count")}
		},
		conflict: "Something still refers to this equipment, so it cannot be deleted.",
	}
}
