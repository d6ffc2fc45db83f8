package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"knead/internal/testdb"
)

func forEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, e := range testdb.Engines {
		t.Run(e, func(t *testing.T) { fn(t, e) })
	}
}

func TestPublicCatalogContract(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		for _, kind := range []string{"locations", "services", "therapists"} {
			var out struct{ Items []map[string]any }
			f.mustDo("GET", f.path("/"+kind), "", nil, 200, &out)
			if len(out.Items) == 0 {
				t.Fatalf("%s: empty list", kind)
			}
			for _, it := range out.Items {
				want := []string{"id", "name"}
				switch kind {
				case "services":
					want = append(want, "modality", "duration_minutes", "price", "currency")
				case "locations":
					want = append(want, "timezone")
				case "therapists":
					if _, ok := it["time_off"].([]any); ok {
						t.Errorf("therapists: time off shown to the public: %v", it)
					}
				}
				for _, k := range want {
					if _, ok := it[k]; !ok {
						t.Errorf("%s item lacks %q: %v", kind, k, it)
					}
				}
				if id, _ := it["id"].(string); id == "" {
					t.Errorf("%s: id is not a non-empty string: %v", kind, it)
				}
			}
		}
		// Rooms are the staff's business.
		if r := f.do("GET", f.path("/rooms"), "", nil); r.Status != 401 {
			t.Errorf("anonymous rooms: status %d, want 401", r.Status)
		}
	})
}

func TestAvailabilityAndBooking(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		// Tuesday 2027-01-05: three Swedish therapists, two rooms, 09:00-17:00.
		slots := f.slots(f.swedish, f.ana, "2027-01-05", "2027-01-05")
		if len(slots) != 29 { // 09:00 .. 16:00 every 15 minutes
			t.Fatalf("Ana on Tuesday: %d slots, want 29", len(slots))
		}
		if slots[0].Start != "2027-01-05T09:00:00-05:00" || slots[0].End != "2027-01-05T10:00:00-05:00" {
			t.Fatalf("first slot %+v, want 09:00-10:00 with the -05:00 offset", slots[0])
		}
		if slots[0].Therapist != f.ana || slots[0].Location != f.location {
			t.Fatalf("slot names therapist %q location %q", slots[0].Therapist, slots[0].Location)
		}

		var a appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &a)
		if a.ID == "" || a.Status != "booked" || a.CancelToken == "" || a.Therapist != f.ana || a.Service != f.swedish ||
			a.Location != f.location || a.Start != "2027-01-05T10:00:00-05:00" || a.End != "2027-01-05T11:00:00-05:00" {
			t.Fatalf("booking answer %+v", a)
		}
		// Ana is now busy 10:00-11:00 plus 15 minutes of buffer after.
		after := f.slots(f.swedish, f.ana, "2027-01-05", "2027-01-05")
		for _, s := range after {
			st, _ := time.Parse(time.RFC3339, s.Start)
			if st.After(at(5, 9, 0)) && st.Before(at(5, 11, 15)) {
				t.Errorf("slot %s offered although Ana is booked 10:00-11:00 with a 15-minute buffer", s.Start)
			}
		}
		// The same time again is a 409 with alternatives.
		r := f.do("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Sam Other"))
		if r.Status != http.StatusConflict {
			t.Fatalf("double booking: status %d, want 409: %s", r.Status, r.Body)
		}
		p := r.problem(t)
		if alts, _ := p["alternatives"].([]any); len(alts) == 0 {
			t.Errorf("409 without alternatives: %s", r.Body)
		}
		// Cancel with the token.
		var c appointment
		f.mustDo("POST", f.path("/appointments/"+a.ID+"/cancel"), "", map[string]any{"cancel_token": a.CancelToken}, 200, &c)
		if c.Status != "cancelled" || c.CancelFee != 0 {
			t.Fatalf("cancel answer %+v", c)
		}
		// The time is free again.
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Sam Other"), 201, nil)
	})
}

func TestCancelNeedsTheToken(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var a appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, "", at(5, 10, 0), "Pat Client"), 201, &a)
		if r := f.do("POST", f.path("/appointments/"+a.ID+"/cancel"), "", map[string]any{"cancel_token": "wrong"}); r.Status != 403 {
			t.Fatalf("wrong token: %d %s", r.Status, r.Body)
		}
		if r := f.do("POST", f.path("/appointments/"+a.ID+"/cancel"), "", map[string]any{}); r.Status != 401 {
			t.Fatalf("no token: %d %s", r.Status, r.Body)
		}
		if r := f.do("GET", f.path("/appointments/"+a.ID+"?cancel_token="+a.CancelToken), "", nil); r.Status != 200 {
			t.Fatalf("get with token: %d %s", r.Status, r.Body)
		}
		// Staff cancel without a token.
		var c appointment
		f.mustDo("POST", f.path("/appointments/"+a.ID+"/cancel"), f.owner, nil, 200, &c)
		if c.Status != "cancelled" {
			t.Fatalf("staff cancel: %+v", c)
		}
	})
}

func TestLateCancellationPolicy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var a appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, "", at(5, 10, 0), "Pat Client"), 201, &a)
		// 20 hours before: inside the 24-hour window, the policy charges the fee.
		f.clock.Set(at(4, 14, 0))
		var c appointment
		f.mustDo("POST", f.path("/appointments/"+a.ID+"/cancel"), "", map[string]any{"cancel_token": a.CancelToken}, 200, &c)
		if c.Status != "cancelled" || c.CancelFee != 5000 {
			t.Fatalf("late cancel: %+v, want cancelled with fee 5000", c)
		}

		// Switch the service to refuse late cancellations online.
		var svc map[string]any
		f.mustDo("GET", f.path("/services/"+f.swedish), "", nil, 200, &svc)
		svc["late_cancel"] = "refuse"
		f.mustDo("PUT", f.path("/services/"+f.swedish), f.owner, svc, 200, nil)
		f.clock.Set(at(4, 8, 0))
		var b appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, "", at(5, 11, 0), "Lee Client"), 201, &b)
		f.clock.Set(at(4, 14, 0))
		r := f.do("POST", f.path("/appointments/"+b.ID+"/cancel"), "", map[string]any{"cancel_token": b.CancelToken})
		if r.Status != 422 || !strings.Contains(r.problem(t)["detail"].(string), "call the clinic") {
			t.Fatalf("refused late cancel: %d %s", r.Status, r.Body)
		}
		// The front desk may still cancel it.
		f.mustDo("POST", f.path("/appointments/"+b.ID+"/cancel"), f.owner, nil, 200, nil)
		// A visit that has started cannot be cancelled by anyone.
		f.clock.Set(at(4, 8, 0))
		var d appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, "", at(5, 12, 0), "Kim Client"), 201, &d)
		f.clock.Set(at(5, 12, 30))
		owner := f.login(f.clinic, ownerEmail, ownerPassword) // the morning's token has expired
		if r := f.do("POST", f.path("/appointments/"+d.ID+"/cancel"), owner, nil); r.Status != 422 {
			t.Fatalf("cancel a started visit: %d %s", r.Status, r.Body)
		}
	})
}

func TestReschedule(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var a, b appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.deep, f.ana, at(5, 10, 0), "Pat Client"), 201, &a)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.deep, f.ana, at(5, 14, 0), "Lee Client"), 201, &b)

		// Moving a onto b's time fails and a stays where it was.
		r := f.do("POST", f.path("/appointments/"+a.ID+"/reschedule"), "", map[string]any{"cancel_token": a.CancelToken, "start": at(5, 14, 30).Format(time.RFC3339)})
		if r.Status != 409 {
			t.Fatalf("reschedule onto a taken time: %d %s", r.Status, r.Body)
		}
		var still appointment
		f.mustDo("GET", f.path("/appointments/"+a.ID+"?cancel_token="+a.CancelToken), "", nil, 200, &still)
		if still.Start != a.Start || still.Status != "booked" {
			t.Fatalf("after a failed reschedule the booking is %+v, want it unchanged at %s", still, a.Start)
		}
		// Moving a by 30 minutes overlaps its own old time: allowed.
		var moved appointment
		f.mustDo("POST", f.path("/appointments/"+a.ID+"/reschedule"), "", map[string]any{"cancel_token": a.CancelToken, "start": at(5, 10, 30).Format(time.RFC3339)}, 200, &moved)
		if moved.Start != "2027-01-05T10:30:00-05:00" || moved.ID != a.ID {
			t.Fatalf("moved: %+v", moved)
		}
		// The old 10:00 time is free again for someone else? Only 10:00-10:15 is, which is too short;
		// but 09:00 is free and 10:30 is not.
		free := map[string]bool{}
		for _, s := range f.slots(f.deep, f.ana, "2027-01-05", "2027-01-05") {
			free[s.Start] = true
		}
		if !free["2027-01-05T09:00:00-05:00"] || free["2027-01-05T10:30:00-05:00"] || free["2027-01-05T10:00:00-05:00"] {
			t.Fatalf("free times after the move are wrong: %v", free)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		body := f.bookBody(f.swedish, "", at(6, 9, 0), "Pat Client")
		r1 := f.do("POST", f.path("/appointments"), "", body, "Idempotency-Key", "key-1")
		r2 := f.do("POST", f.path("/appointments"), "", body, "Idempotency-Key", "key-1")
		if r1.Status != 201 || r2.Status != 201 {
			t.Fatalf("statuses %d %d: %s %s", r1.Status, r2.Status, r1.Body, r2.Body)
		}
		var a1, a2 appointment
		_ = json.Unmarshal(r1.Body, &a1)
		_ = json.Unmarshal(r2.Body, &a2)
		if a1.ID != a2.ID || a1.CancelToken != a2.CancelToken || r2.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a retry made another booking: %+v vs %+v", a1, a2)
		}
		var list struct{ Items []appointment }
		f.mustDo("GET", f.path("/appointments"), f.owner, nil, 200, &list)
		if len(list.Items) != 1 {
			t.Fatalf("%d appointments after a retried booking, want 1", len(list.Items))
		}
		other := f.bookBody(f.swedish, "", at(6, 11, 0), "Pat Client")
		for _, bad := range []string{"key 1", "clé", strings.Repeat("k", 201)} {
			r := f.do("POST", f.path("/appointments"), "", body, "Idempotency-Key", bad)
			if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"Idempotency-Key"`) {
				t.Fatalf("Idempotency-Key %q: %d %s", bad, r.Status, r.Body)
			}
		}
		if r := f.do("POST", f.path("/appointments"), "", other, "Idempotency-Key", "key-1"); r.Status != 422 {
			t.Fatalf("key reused for another request: %d %s", r.Status, r.Body)
		}
	})
}

func TestBookingRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.clock.Set(at(4, 8, 30)) // the services ask for 60 minutes' notice
		cases := []struct {
			name  string
			body  map[string]any
			want  int
			field string
		}{
			{"inside minimum notice", f.bookBody(f.swedish, "", at(4, 9, 0), "A"), 409, ""},
			{"off the grid", f.bookBody(f.swedish, "", at(5, 10, 7), "A"), 409, ""},
			{"before opening", f.bookBody(f.swedish, "", at(5, 8, 0), "A"), 409, ""},
			{"running past closing", f.bookBody(f.swedish, "", at(5, 16, 30), "A"), 409, ""},
			{"sunday closed", f.bookBody(f.swedish, "", at(10, 10, 0), "A"), 409, ""},
			{"beyond the horizon", f.bookBody(f.swedish, "", time.Date(2027, 6, 1, 10, 0, 0, 0, toronto), "A"), 409, ""},
			{"therapist without the modality", f.bookBody(f.deep, f.ben, at(5, 10, 0), "A"), 422, "therapist"},
			{"unknown service", f.bookBody("nope", "", at(5, 10, 0), "A"), 404, ""},
			{"bad email", map[string]any{"service": f.swedish, "location": f.location, "start": at(5, 10, 0).Format(time.RFC3339),
				"client": map[string]any{"name": "A", "email": "not-an-email", "phone": "+1 416 555 0100"}}, 422, "client.email"},
			{"missing client", map[string]any{"service": f.swedish, "location": f.location, "start": at(5, 10, 0).Format(time.RFC3339)}, 422, "client.name"},
			{"bad start", map[string]any{"service": f.swedish, "location": f.location, "start": "tomorrow", "client": guest("A")}, 422, "start"},
			{"name with a NUL", f.bookBody(f.swedish, "", at(5, 10, 0), "A\x00B"), 422, "client.name"},
			{"name with a line feed", f.bookBody(f.swedish, "", at(5, 10, 0), "A\nB"), 422, "client.name"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do("POST", f.path("/appointments"), "", c.body)
				if r.Status != c.want {
					t.Fatalf("status %d, want %d: %s", r.Status, c.want, r.Body)
				}
				p := r.problem(t)
				if c.field != "" && !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
					t.Fatalf("problem does not name field %q: %v", c.field, p)
				}
			})
		}
		// Staff may book inside the notice period, never into a taken time.
		f.mustDo("POST", f.path("/appointments"), f.owner, f.bookBody(f.swedish, f.ana, at(4, 9, 0), "Walk In"), 201, nil)
		if r := f.do("POST", f.path("/appointments"), f.owner, f.bookBody(f.swedish, f.ana, at(4, 9, 30), "Walk In Two")); r.Status != 409 {
			t.Fatalf("staff double booking: %d %s", r.Status, r.Body)
		}
	})
}

func TestRoomsAndEquipment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		// Two rooms: two Swedish visits at 10:00 fill them; a third therapist is free but no room is.
		var a, b appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "One"), 201, &a)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ben, at(5, 10, 0), "Two"), 201, &b)
		if a.Room == b.Room && a.Room != "" {
			t.Fatalf("two visits in one room: %s", a.Room)
		}
		if r := f.do("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.cara, at(5, 10, 0), "Three")); r.Status != 409 {
			t.Fatalf("third visit with no free room: %d %s", r.Status, r.Body)
		}
		// One heater: Cara's hot-stone visit at 13:00 holds it 12:45-14:45.
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.hotStone, f.cara, at(6, 13, 0), "Stone"), 201, nil)
		// Ana gives hot stone too and is free all day, so only the heater limits her.
		// A new visit's padding may touch the old visit's padding: 11:15 and 14:45 are free.
		free := map[string]bool{}
		for _, s := range f.slots(f.hotStone, f.ana, "2027-01-06", "2027-01-06") {
			free[s.Start] = true
			st, _ := time.Parse(time.RFC3339, s.Start)
			if st.After(at(6, 11, 15)) && st.Before(at(6, 14, 45)) {
				t.Errorf("hot stone offered at %s while the only heater is in use", s.Start)
			}
		}
		for _, want := range []string{"2027-01-06T09:00:00-05:00", "2027-01-06T11:15:00-05:00", "2027-01-06T14:45:00-05:00"} {
			if !free[want] {
				t.Errorf("hot stone not offered at %s although the heater is free then", want)
			}
		}
	})
}

func TestAnyTherapistFillsRoomsNotMore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		seen := map[string]bool{}
		for i := range 2 {
			var a appointment
			f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, "", at(7, 11, 0), fmt.Sprintf("Client %d", i)), 201, &a)
			if seen[a.Therapist] {
				t.Fatalf("therapist %s booked twice at one time", a.Therapist)
			}
			seen[a.Therapist] = true
		}
		if r := f.do("POST", f.path("/appointments"), "", f.bookBody(f.swedish, "", at(7, 11, 0), "Client 3")); r.Status != 409 {
			t.Fatalf("third any-therapist booking with two rooms: %d", r.Status)
		}
	})
}
