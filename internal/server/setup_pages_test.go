package server_test

import (
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// The owner's setup pages over plain HTTP, as a browser without script
// sends their forms; what they save is read back through the JSON API.

// fields returns what a browser would send with the n-th form whose action
// is action: its inputs (checkboxes and radios only when checked), the
// chosen option of each select, and each textarea.
func (p page) fields(t *testing.T, action string, n int) url.Values {
	t.Helper()
	forms := regexp.MustCompile(`(?s)<form[^>]*action="`+regexp.QuoteMeta(action)+`"[^>]*>(.*?)</form>`).FindAllStringSubmatch(p.Body, -1)
	if len(forms) <= n {
		t.Fatalf("no form %d to %s:\n%.3000s", n, action, p.Body)
	}
	body := forms[n][1]
	v := url.Values{}
	attrs := func(tag string) map[string]string {
		m := map[string]string{}
		for _, a := range regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`).FindAllStringSubmatch(tag, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		return m
	}
	for _, tag := range regexp.MustCompile(`<input[^>]*>`).FindAllString(body, -1) {
		a := attrs(strings.TrimPrefix(tag, "<input"))
		if _, checked := a["checked"]; (a["type"] == "checkbox" || a["type"] == "radio") && !checked {
			continue
		}
		v.Add(a["name"], a["value"])
	}
	for _, m := range regexp.MustCompile(`(?s)<select([^>]*)>(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		name := attrs(m[1])["name"]
		for _, o := range regexp.MustCompile(`(?s)<option([^>]*)>(.*?)</option>`).FindAllStringSubmatch(m[2], -1) {
			oa := attrs(o[1])
			if _, ok := oa["selected"]; ok {
				value, has := oa["value"]
				if !has {
					value = html.UnescapeString(o[2])
				}
				v.Set(name, value)
			}
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea([^>]*)>(.*?)</textarea>`).FindAllStringSubmatch(body, -1) {
		v.Set(attrs(m[1])["name"], html.UnescapeString(m[2]))
	}
	return v
}

// fieldError returns the error shown next to the input id, and checks that
// the input points to it (aria-describedby) and is marked invalid.
func (p page) fieldError(t *testing.T, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<p class="error-text" id="` + regexp.QuoteMeta(id) + `-error">([^<]*)</p>`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no error next to #%s:\n%.3000s", id, p.text())
	}
	tag := regexp.MustCompile(`<(?:input|select|textarea|fieldset)[^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(p.Body)
	if !strings.Contains(tag, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*\b`+regexp.QuoteMeta(id)+`-error\b`).MatchString(tag) {
		t.Fatalf("#%s is not tied to its error: %s", id, tag)
	}
	return html.UnescapeString(m[1])
}

// wantField requires the error next to id to contain want.
func (p page) wantField(t *testing.T, id, want string) {
	t.Helper()
	if got := p.fieldError(t, id); !strings.Contains(got, want) {
		t.Fatalf("error next to #%s is %q, want %q", id, got, want)
	}
}

// apiGet reads a catalog row or list through the JSON API, as the owner.
func apiGet[T any](f *fixture, rest string) T {
	f.t.Helper()
	var out T
	f.mustDo("GET", f.path(rest), f.owner, nil, 200, &out)
	return out
}

func clocks(t *testing.T, spans ...string) []civil.Range {
	t.Helper()
	var out []civil.Range
	for _, s := range spans {
		a, b, _ := strings.Cut(s, "-")
		start, err1 := civil.ParseClock(a)
		end, err2 := civil.ParseClock(b)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad span %q", s)
		}
		out = append(out, civil.Range{Start: start, End: end})
	}
	return out
}

func date(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// saved requires a form's answer to be the redirect to its section with
// "Saved.", and follows it.
func (v *visitor) saved(p page, section string) {
	v.t.Helper()
	p.must(v.t, 303)
	if !strings.HasPrefix(p.Location, "/staff/setup?") || !strings.HasSuffix(p.Location, "#"+section) {
		v.t.Fatalf("saved to %q, want the %s section", p.Location, section)
	}
	v.get(p.Location).must(v.t, 200).has(v.t, "Saved.")
}

func TestSetupPagesSave(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		owner := newVisitor(t, f)
		owner.get("/staff/setup").must(t, 303) // not logged in: to the login
		owner.login(ownerEmail, ownerPassword)
		owner.get("/staff").must(t, 200).has(t, "Set up the clinic")
		owner.get("/staff/setup").must(t, 200).has(t, "Set up Test Clinic test", "Queen West", "Monday 09:00–17:00",
			"Room A", "Room B", "Heater", "hot-stone-heater × 1", "Ana", "Ben", "Cara", "Swedish 60", "CA$100.00")

		// The clinic's name and currency.
		cf := owner.get("/staff/setup/clinic").must(t, 200).fields(t, "/staff/setup/clinic", 0)
		cf.Set("name", "Queen West Massage")
		cf.Set("currency", "usd")
		owner.saved(owner.post("/staff/setup/clinic", cf), "clinic")
		c := apiGet[clinic.Clinic](f, "")
		same(t, "clinic", []string{c.Name, c.Currency, c.Slug}, []string{"Queen West Massage", "USD", "test"})

		// A location's hours, split on Monday, open on Sunday, and a closure.
		locPath := "/staff/setup/locations/" + f.location
		lf := owner.get(locPath).must(t, 200).fields(t, locPath, 0)
		if lf.Get("hours.tuesday") != "09:00-17:00" || lf.Get("hours.sunday") != "" || lf.Get("timezone") != "America/Toronto" {
			t.Fatalf("the location's form shows %v", lf)
		}
		lf.Set("hours.monday", "09:00-13:00, 14:00-19:00")
		lf.Set("hours.sunday", "10-14")
		lf.Set("closures.0.from", "2027-02-15")
		lf.Set("closures.0.reason", "Family Day")
		lf.Set("address", "1 Queen St W, Toronto, ON M5H 2N2, Canada")
		owner.saved(owner.post(locPath, lf), "locations")
		loc := apiGet[clinic.Location](f, "/locations/"+f.location)
		var hours civil.Weekly
		for d := time.Monday; d <= time.Saturday; d++ {
			hours[d] = clocks(t, "09:00-17:00")
		}
		hours[time.Monday] = clocks(t, "09:00-13:00", "14:00-19:00")
		hours[time.Sunday] = clocks(t, "10:00-14:00")
		same(t, "hours", loc.Hours, hours)
		same(t, "closures", loc.Closures, []clinic.Closure{{From: date("2027-02-15"), To: date("2027-02-15"), Reason: "Family Day"}})
		same(t, "place", []any{loc.Name, loc.Address, loc.Latitude, loc.Longitude, loc.TimeZone},
			[]any{"Queen West", "1 Queen St W, Toronto, ON M5H 2N2, Canada", 43.65, -79.41, "America/Toronto"})
		// The form shows what was saved, and an empty row for one more closure.
		again := owner.get(locPath).must(t, 200).fields(t, locPath, 0)
		same(t, "form after saving", []string{again.Get("hours.monday"), again.Get("closures.0.to"), again.Get("closures.1.from")},
			[]string{"09:00-13:00, 14:00-19:00", "2027-02-15", ""})

		// A room and equipment at the location.
		rf := owner.get("/staff/setup/rooms/new?location="+f.location).must(t, 200).fields(t, "/staff/setup/rooms", 0)
		rf.Set("name", "Room C")
		owner.saved(owner.post("/staff/setup/rooms", rf), "locations")
		ef := owner.get("/staff/setup/equipment/new?location="+f.location).must(t, 200).fields(t, "/staff/setup/equipment", 0)
		ef.Set("name", "Silicone cups")
		ef.Set("kind", "Cupping Set")
		ef.Set("count", "2")
		owner.saved(owner.post("/staff/setup/equipment", ef), "locations")
		rooms := apiGet[struct{ Items []clinic.Room }](f, "/rooms").Items
		same(t, "rooms", []string{rooms[2].Name, rooms[2].LocationID}, []string{"Room C", f.location})
		kit := apiGet[struct{ Items []clinic.Equipment }](f, "/equipment").Items
		same(t, "equipment", []any{kit[1].Name, kit[1].Kind, kit[1].Count, kit[1].LocationID}, []any{"Silicone cups", "cupping-set", 2, f.location})

		// A therapist with a credential, split shifts and time off (typed
		// in the first location's zone, Toronto).
		tf := owner.get("/staff/setup/therapists/new").must(t, 200).fields(t, "/staff/setup/therapists", 0)
		tf.Set("name", "Dana Ruiz")
		tf.Set("years_experience", "5")
		tf.Set("bio", "Low back pain.")
		tf.Set("specialties", "low back pain,  posture ")
		tf["modalities"] = []string{"swedish", "cupping"}
		tf.Set("credentials.0.kind", "licence")
		tf.Set("credentials.0.number", "RMT-9")
		tf.Set("credentials.0.issuer", "College")
		tf.Set("credentials.0.expires", "2030-06-30")
		tf.Set("shifts."+f.location+".monday", "09:00-13:00, 14:00-18:00")
		tf.Set("shifts."+f.location+".wednesday", "12:00-20:00")
		tf.Set("time_off.0.start", "2027-01-20T09:00")
		tf.Set("time_off.0.end", "2027-01-22T18:00")
		tf.Set("time_off.0.reason", "Course")
		owner.saved(owner.post("/staff/setup/therapists", tf), "therapists")
		var dana clinic.Therapist
		for _, th := range apiGet[struct{ Items []clinic.Therapist }](f, "/therapists").Items {
			if th.Name == "Dana Ruiz" {
				dana = th
			}
		}
		shift := func(day time.Weekday, span string) clinic.Shift {
			r := clocks(t, span)[0]
			return clinic.Shift{LocationID: f.location, Weekday: civil.Weekday(day), Start: r.Start, End: r.End}
		}
		same(t, "therapist", []any{dana.Name, dana.YearsExperience, dana.Bio, dana.Specialties, dana.Modalities},
			[]any{"Dana Ruiz", 5, "Low back pain.", []string{"low back pain", "posture"}, []string{"swedish", "cupping"}})
		same(t, "credentials", dana.Credentials, []clinic.Credential{{Kind: "licence", Number: "RMT-9", Issuer: "College", Expires: date("2030-06-30")}})
		same(t, "shifts", dana.Shifts, []clinic.Shift{shift(time.Monday, "09:00-13:00"), shift(time.Monday, "14:00-18:00"), shift(time.Wednesday, "12:00-20:00")})
		same(t, "time off", dana.TimeOff, []clinic.TimeOff{{Start: time.Date(2027, 1, 20, 14, 0, 0, 0, time.UTC),
			End: time.Date(2027, 1, 22, 23, 0, 0, 0, time.UTC), Reason: "Course"}})
		danaPath := "/staff/setup/therapists/" + dana.ID
		df := owner.get(danaPath).must(t, 200).fields(t, danaPath, 0)
		same(t, "therapist's form", []string{df.Get("time_off.0.start"), df.Get("time_off.0.end"), df.Get("shifts." + f.location + ".monday"),
			df.Get("specialties"), strings.Join(df["modalities"], " "), df.Get("credentials.0.kind")},
			[]string{"2027-01-20T09:00", "2027-01-22T18:00", "09:00-13:00, 14:00-18:00", "low back pain, posture", "swedish cupping", "licence"})
		// Saving the form unchanged changes nothing.
		owner.saved(owner.post(danaPath, df), "therapists")
		same(t, "therapist saved again", apiGet[clinic.Therapist](f, "/therapists/"+dana.ID), dana)

		// A service with a decimal price, equipment and its policies.
		sf := owner.get("/staff/setup/services/new").must(t, 200).fields(t, "/staff/setup/services", 0)
		if sf.Get("currency") != "USD" || sf.Get("late_cancel") != "fee" {
			t.Fatalf("a new service's form: %v", sf)
		}
		for k, v := range map[string]string{"name": "Cupping 45", "modality": "cupping", "duration_minutes": "45", "price": "95.00",
			"currency": "cad", "buffer_before_minutes": "5", "buffer_after_minutes": "10", "equipment": "cupping-set",
			"min_notice_minutes": "60", "horizon_days": "30", "cancel_window_hours": "12", "late_cancel": "refuse",
			"late_cancel_fee": "47.5", "slot_step_minutes": "30"} {
			sf.Set(k, v)
		}
		owner.saved(owner.post("/staff/setup/services", sf), "services")
		var cup clinic.Service
		for _, s := range apiGet[struct{ Items []clinic.Service }](f, "/services").Items {
			if s.Name == "Cupping 45" {
				cup = s
			}
		}
		cup.ID, cup.ClinicID = "", ""
		same(t, "service", cup, clinic.Service{Name: "Cupping 45", Modality: "cupping", DurationMinutes: 45, Price: 9500, Currency: "CAD",
			BufferBeforeMinutes: 5, BufferAfterMinutes: 10, Equipment: []string{"cupping-set"}, MinNoticeMinutes: 60, HorizonDays: 30,
			CancelWindowHours: 12, LateCancel: "refuse", LateCancelFee: 4750, SlotStepMinutes: 30})
		// An existing service's form shows its price as typed.
		swPath := "/staff/setup/services/" + f.swedish
		sw := owner.get(swPath).must(t, 200).fields(t, swPath, 0)
		same(t, "service's form", []string{sw.Get("price"), sw.Get("late_cancel_fee"), sw.Get("modality"), sw.Get("late_cancel")},
			[]string{"100.00", "50.00", "swedish", "fee"})
	})
}

func TestSetupPagesExplainMistakes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		owner := newVisitor(t, f)
		owner.login(ownerEmail, ownerPassword)
		catalog := func() []any {
			return []any{apiGet[clinic.Location](f, "/locations/"+f.location), apiGet[map[string]any](f, "/rooms"),
				apiGet[map[string]any](f, "/equipment"), apiGet[map[string]any](f, "/therapists"), apiGet[map[string]any](f, "/services"),
				apiGet[clinic.Clinic](f, "")}
		}
		before := catalog()

		locPath := "/staff/setup/locations/" + f.location
		lf := owner.get(locPath).must(t, 200).fields(t, locPath, 0)
		lf.Set("hours.tuesday", "9-25")
		lf.Set("hours.wednesday", "17:00-09:00")
		lf.Set("hours.thursday", "09:00-13:00, 12:00-15:00")
		lf.Set("name", " ")
		lf.Set("latitude", "north")
		lf.Set("closures.0.from", "2027-03-02")
		lf.Set("closures.0.to", "2027-03-01")
		bad := owner.post(locPath, lf).must(t, 422)
		bad.has(t, "Nothing was saved. Please correct the 6 fields marked below.")
		bad.wantField(t, "hours-tuesday", "“25” is not a time of day: use 00:00 to 24:00")
		bad.wantField(t, "hours-wednesday", "17:00-09:00 ends before it starts")
		bad.wantField(t, "hours-thursday", "12:00-15:00 overlaps 09:00-13:00")
		bad.wantField(t, "name", "This is required.")
		bad.wantField(t, "latitude", "Write a number in decimal degrees")
		bad.wantField(t, "closures-0-to", "The last day closed is before the first.")
		if kept := bad.fields(t, locPath, 0); kept.Get("hours.tuesday") != "9-25" || kept.Get("closures.0.from") != "2027-03-02" {
			t.Fatalf("the form lost what was typed: %v", kept)
		}

		// Errors the store's validation finds land by their field too.
		lf = owner.get(locPath).must(t, 200).fields(t, locPath, 0)
		lf.Set("latitude", "95")
		lf.Set("timezone", "Mars/Olympus")
		bad = owner.post(locPath, lf).must(t, 422)
		bad.wantField(t, "latitude", "This must be between -90 and 90.")
		bad.wantField(t, "timezone", "IANA time zone")

		rf := owner.get("/staff/setup/rooms/"+f.roomA).must(t, 200).fields(t, "/staff/setup/rooms/"+f.roomA, 0)
		rf.Set("name", "")
		owner.post("/staff/setup/rooms/"+f.roomA, rf).must(t, 422).wantField(t, "name", "This is required.")

		ef := owner.get("/staff/setup/equipment/new").must(t, 200).fields(t, "/staff/setup/equipment", 0)
		ef.Set("name", "Cups")
		ef.Set("kind", "cupping-set")
		ef.Set("count", "-1")
		owner.post("/staff/setup/equipment", ef).must(t, 422).wantField(t, "count", "This must be between 0 and 1000.")
		ef.Set("count", "two")
		owner.post("/staff/setup/equipment", ef).must(t, 422).wantField(t, "count", "“two” is not a whole number")

		sf := owner.get("/staff/setup/services/"+f.swedish).must(t, 200).fields(t, "/staff/setup/services/"+f.swedish, 0)
		sf.Set("price", "12.345")
		sf.Set("late_cancel_fee", "ten")
		sf.Set("duration_minutes", "2")
		bad = owner.post("/staff/setup/services/"+f.swedish, sf).must(t, 422)
		bad.wantField(t, "price", "“12.345” has more than two decimals")
		bad.wantField(t, "late_cancel_fee", "“ten” is not an amount")
		// Once the form reads, the store's rules speak at their fields.
		sf.Set("price", "12.34")
		sf.Set("late_cancel_fee", "")
		bad = owner.post("/staff/setup/services/"+f.swedish, sf).must(t, 422)
		bad.wantField(t, "duration_minutes", "This must be between 5 and 480.")
		if kept := bad.fields(t, "/staff/setup/services/"+f.swedish, 0); kept.Get("price") != "12.34" {
			t.Fatalf("the price typed is gone: %v", kept)
		}

		anaPath := "/staff/setup/therapists/" + f.ana
		tf := owner.get(anaPath).must(t, 200).fields(t, anaPath, 0)
		tf.Set("credentials.0.expires", "2030-02-30")
		tf.Set("credentials.1.number", "CERT-1") // a new row without its kind
		tf.Set("shifts."+f.location+".friday", "18:00-09:00")
		tf.Set("time_off.0.start", "2027-01-20T09:00")
		tf.Set("time_off.0.end", "2027-01-19T09:00")
		tf.Set("years_experience", "99")
		bad = owner.post(anaPath, tf).must(t, 422)
		bad.wantField(t, "credentials-0-expires", "“2030-02-30” is not a date")
		bad.wantField(t, "credentials-1-kind", "Choose licence or certification.")
		bad.wantField(t, "shifts-"+f.location+"-friday", "18:00-09:00 ends before it starts")
		bad.wantField(t, "time_off-0-end", "The end is not after the start.")
		tf = owner.get(anaPath).must(t, 200).fields(t, anaPath, 0)
		tf.Set("years_experience", "99")
		tf["modalities"] = []string{"swedish", "reiki"}
		bad = owner.post(anaPath, tf).must(t, 422)
		bad.wantField(t, "years_experience", "This must be between 0 and 80.")
		bad.wantField(t, "modalities", `"reiki" is not a modality`)

		cf := owner.get("/staff/setup/clinic").must(t, 200).fields(t, "/staff/setup/clinic", 0)
		cf.Set("currency", "dollars")
		owner.post("/staff/setup/clinic", cf).must(t, 422).wantField(t, "currency", "three-letter ISO 4217 code")

		same(t, "the catalog after failed saves", catalog(), before)
	})
}

func TestSetupPagesDeleteOnlyWhatIsFree(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var a appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Cy Park"), 201, &a)
		f.mustDo("GET", f.path("/appointments/"+a.ID), f.owner, nil, 200, &a)
		owner := newVisitor(t, f)
		owner.login(ownerEmail, ownerPassword)

		used := "/staff/setup/rooms/" + a.Room
		form := owner.get(used).must(t, 200).fields(t, used+"/delete", 0)
		owner.post(used+"/delete", form).must(t, 409).has(t, "Visits booked in this room (past ones too) still name it, so it cannot be deleted.")
		apiGet[clinic.Room](f, "/rooms/"+a.Room)

		// A location where therapists work says who.
		locPath := "/staff/setup/locations/" + f.location
		owner.post(locPath+"/delete", owner.get(locPath).fields(t, locPath+"/delete", 0)).must(t, 409).
			has(t, "Therapists still have shifts at this location (Ana, Ben, Cara)")

		free := f.roomA
		if free == a.Room {
			free = f.roomB
		}
		gone := owner.post("/staff/setup/rooms/"+free+"/delete", form).must(t, 303)
		if !strings.HasSuffix(gone.Location, "#locations") {
			t.Fatalf("deleted to %q", gone.Location)
		}
		owner.get(gone.Location).must(t, 200).has(t, "Deleted.")
		f.mustDo("GET", f.path("/rooms/"+free), f.owner, nil, 404, nil)
	})
}

func TestSetupPagesAccess(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "desk@example.com", "name": "Dee Desk", "role": "front_desk",
			"password": "front desk pass"}, 201, nil)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "ana@example.com", "name": "Ana", "role": "therapist",
			"therapist": f.ana, "password": "therapist pass"}, 201, nil)
		heater := apiGet[struct{ Items []clinic.Equipment }](f, "/equipment").Items[0].ID
		ids := map[string]string{"locations": f.location, "rooms": f.roomA, "equipment": heater, "therapists": f.ana, "services": f.swedish}
		gets := []string{"/staff/setup", "/staff/setup/clinic"}
		posts := []string{"/staff/setup/clinic"}
		for kind, id := range ids {
			base := "/staff/setup/" + kind
			gets = append(gets, base+"/new", base+"/"+id)
			posts = append(posts, base, base+"/"+id, base+"/"+id+"/delete")
		}
		var desk, therapist, owner *visitor
		for _, v := range []struct {
			v               **visitor
			email, password string
		}{{&desk, "desk@example.com", "front desk pass"}, {&therapist, "ana@example.com", "therapist pass"}, {&owner, ownerEmail, ownerPassword}} {
			*v.v = newVisitor(t, f)
			(*v.v).login(v.email, v.password)
		}
		// Another clinic on the same server (after the logins: the login
		// page now asks for the clinic).
		g := newBareServerOn(t, f, "other")
		theirs := g.create("locations", map[string]any{"name": "Elsewhere", "timezone": "America/Toronto", "latitude": 45.0, "longitude": -75.0})
		theirRoom := g.create("rooms", map[string]any{"name": "Their room", "location": theirs})
		before := []any{apiGet[map[string]any](f, "/locations"), apiGet[map[string]any](f, "/rooms"), apiGet[map[string]any](f, "/equipment"),
			apiGet[map[string]any](f, "/therapists"), apiGet[map[string]any](f, "/services"), apiGet[clinic.Clinic](f, "")}

		for _, v := range []*visitor{desk, therapist} {
			if strings.Contains(v.get("/staff").must(t, 200).Body, `href="/staff/setup"`) {
				t.Fatal("a front desk or therapist is offered the setup")
			}
			token := v.get("/staff").form(t, "/logout", 0).Get("csrf")
			for _, p := range gets {
				v.get(p).must(t, 403).has(t, "Only the clinic's owner can change its setup.")
			}
			for _, p := range posts {
				v.post(p, url.Values{"csrf": {token}, "name": {"Taken over"}, "location": {f.location}}).must(t, 403)
			}
		}

		// A form without its CSRF token is refused, and changes nothing.
		for _, p := range posts {
			owner.post(p, url.Values{"name": {"Forged"}, "location": {f.location}}).must(t, 403).has(t, "This form has expired")
		}
		// Another clinic's rows are not found, to read, change or delete.
		token := owner.get("/staff").must(t, 200).form(t, "/logout", 0).Get("csrf")
		for _, p := range []string{"/staff/setup/locations/" + theirs, "/staff/setup/rooms/" + theirRoom} {
			owner.get(p).must(t, 404)
			owner.post(p, url.Values{"csrf": {token}, "name": {"Taken over"}, "location": {f.location}}).must(t, 404)
			owner.post(p+"/delete", url.Values{"csrf": {token}}).must(t, 404)
		}
		// Nor can a room of this clinic move to another clinic's location.
		rf := owner.get("/staff/setup/rooms/"+f.roomA).fields(t, "/staff/setup/rooms/"+f.roomA, 0)
		rf.Set("location", theirs)
		owner.post("/staff/setup/rooms/"+f.roomA, rf).must(t, 422).wantField(t, "location", "Choose one of the clinic's locations.")

		after := []any{apiGet[map[string]any](f, "/locations"), apiGet[map[string]any](f, "/rooms"), apiGet[map[string]any](f, "/equipment"),
			apiGet[map[string]any](f, "/therapists"), apiGet[map[string]any](f, "/services"), apiGet[clinic.Clinic](f, "")}
		same(t, "the catalog after refused requests", after, before)
		same(t, "the other clinic's room", apiGet[clinic.Room](g, "/rooms/"+theirRoom).Name, "Their room")
	})
}
