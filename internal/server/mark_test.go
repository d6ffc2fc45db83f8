package server_test

import (
	"strings"
	"testing"
)

// TestMarkAPI: staff record arrivals and outcomes through the API, under
// the same rules as the pages; clients and therapists may not.
func TestMarkAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var a appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(4, 10, 15), "Cy Park"), 201, &a)
		mark := func(token, m string) response {
			return f.do("POST", f.path("/appointments/"+a.ID+"/mark"), token, map[string]any{"mark": m})
		}
		if r := mark("", "check_in"); r.Status != 401 {
			t.Fatalf("anonymous mark: %d", r.Status)
		}
		if r := mark(f.owner, "check_in"); r.Status != 422 || !strings.Contains(string(r.Body), "checked in from 2h0m0s before") {
			t.Fatalf("check-in at 08:00 of a 10:15 visit: %d %s", r.Status, r.Body)
		}
		f.clock.Set(at(4, 9, 55))
		var got struct {
			Status    string
			CheckedIn string `json:"checked_in"`
		}
		f.mustDo("POST", f.path("/appointments/"+a.ID+"/mark"), f.owner, map[string]any{"mark": "check_in"}, 200, &got)
		if got.Status != "booked" || got.CheckedIn != "2027-01-04T09:55:00-05:00" {
			t.Fatalf("after check-in: %+v", got)
		}
		if r := mark(f.owner, "teleport"); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"mark"`) {
			t.Fatalf("unknown mark: %d %s", r.Status, r.Body)
		}
		f.clock.Set(at(4, 10, 45))
		if r := mark(f.owner, "no_show"); r.Status != 422 {
			t.Fatalf("no-show of a client who came: %d %s", r.Status, r.Body)
		}
		f.mustDo("POST", f.path("/appointments/"+a.ID+"/mark"), f.owner, map[string]any{"mark": "complete"}, 200, &got)
		if got.Status != "completed" {
			t.Fatalf("after completing: %+v", got)
		}
		if r := mark(f.owner, "complete"); r.Status != 409 {
			t.Fatalf("completing twice: %d %s", r.Status, r.Body)
		}
	})
}
