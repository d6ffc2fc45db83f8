package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRolesAndTenancy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		// Staff of the clinic: a front desk and a therapist linked to Ana.
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "desk@example.com", "name": "Dee Desk", "role": "front_desk", "password": "front desk pass"}, 201, nil)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "ana@example.com", "name": "Ana", "role": "therapist", "therapist": f.ana, "password": "therapist pass"}, 201, nil)
		if r := f.do("POST", f.path("/users"), f.owner, map[string]any{"email": "DESK@example.com", "name": "Again", "role": "front_desk", "password": "front desk pass"}); r.Status != 409 {
			t.Fatalf("duplicate email (other case): %d %s", r.Status, r.Body)
		}
		desk := f.login(f.clinic, "desk@example.com", "front desk pass")
		ana := f.login(f.clinic, "ana@example.com", "therapist pass")

		// A second clinic on the same server with its own owner and location.
		g := newBareServerOn(t, f, "other")
		otherLoc := g.create("locations", map[string]any{"name": "Elsewhere", "timezone": "Europe/Berlin"})

		room := map[string]any{"name": "Room C", "location": f.location}
		cases := []struct {
			name, method, path, token string
			body                      any
			want                      int
		}{
			{"anonymous creates a room", "POST", f.path("/rooms"), "", room, 401},
			{"front desk creates a room", "POST", f.path("/rooms"), desk, room, 403},
			{"therapist creates a room", "POST", f.path("/rooms"), ana, room, 403},
			{"owner creates a room", "POST", f.path("/rooms"), f.owner, room, 201},
			{"front desk reads rooms", "GET", f.path("/rooms"), desk, nil, 200},
			{"front desk lists appointments", "GET", f.path("/appointments"), desk, nil, 200},
			{"therapist lists own appointments", "GET", f.path("/appointments"), ana, nil, 200},
			{"therapist lists another's appointments", "GET", f.path("/appointments?therapist=" + f.ben), ana, nil, 403},
			{"therapist searches clients", "GET", f.path("/clients"), ana, nil, 403},
			{"front desk searches clients", "GET", f.path("/clients?q=pat"), desk, nil, 200},
			{"front desk creates a user", "POST", f.path("/users"), desk, map[string]any{"email": "x@example.com", "name": "X", "role": "owner", "password": "0123456789"}, 403},
			{"other owner reads our rooms", "GET", f.path("/rooms"), g.owner, nil, 403},
			{"other owner edits our clinic", "PUT", f.path(""), g.owner, map[string]any{"name": "Taken over", "slug": "test", "currency": "CAD"}, 403},
			{"other owner lists our appointments", "GET", f.path("/appointments"), g.owner, nil, 403},
			{"our owner reads their location through our path", "GET", f.path("/locations/" + otherLoc), f.owner, nil, 404},
			{"our owner deletes their location through our path", "DELETE", f.path("/locations/" + otherLoc), f.owner, nil, 404},
			{"our owner edits their location through our path", "PUT", f.path("/locations/" + otherLoc), f.owner, map[string]any{"name": "Mine", "timezone": "UTC"}, 404},
			{"our owner puts a room at their location", "POST", f.path("/rooms"), f.owner, map[string]any{"name": "R", "location": otherLoc}, 422},
			{"therapist sees public availability", "GET", f.path("/availability?service=" + f.swedish + "&location=" + f.location + "&from=2027-01-05&to=2027-01-05"), ana, nil, 200},
			{"other owner reads our public services", "GET", f.path("/services"), g.owner, nil, 200},
			{"therapist cancels without the cancel token", "POST", f.path("/appointments/nope/cancel"), ana, map[string]any{}, 401},
			{"availability at their location through our path", "GET", f.path("/availability?service=" + f.swedish + "&location=" + otherLoc + "&from=2027-01-05&to=2027-01-05"), "", nil, 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(c.method, c.path, c.token, c.body)
				if r.Status != c.want {
					t.Fatalf("status %d, want %d: %s", r.Status, c.want, r.Body)
				}
				if c.want >= 400 {
					r.problem(t)
				}
			})
		}
		// Their location is unchanged.
		var loc map[string]any
		g.mustDo("GET", g.path("/locations/"+otherLoc), "", nil, 200, &loc)
		if loc["name"] != "Elsewhere" {
			t.Fatalf("another clinic's location changed: %v", loc)
		}
		// Logging out ends the token.
		f.mustDo("POST", "/api/v1/auth/logout", desk, nil, 204, nil)
		if r := f.do("GET", f.path("/rooms"), desk, nil); r.Status != 401 {
			t.Fatalf("token after logout: %d", r.Status)
		}
		// An expired token is refused.
		f.clock.Add(13 * 60 * 60 * 1e9)
		if r := f.do("GET", f.path("/rooms"), ana, nil); r.Status != 401 {
			t.Fatalf("token after 13 hours: %d", r.Status)
		}
	})
}

// TestLoginThrottle: five wrong passwords for one account lock it for the
// window, even with the right password, and say how long to wait; another
// account is not locked; the lock lifts when the window has passed.
func TestLoginThrottle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newBareServer(t, engine, "test")
		login := func(password string) response {
			return f.do("POST", "/api/v1/auth/login", "", map[string]any{"clinic": "test", "email": ownerEmail, "password": password})
		}
		for i := range 5 {
			if r := login("wrong password " + fmt.Sprint(i)); r.Status != 401 {
				t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
			}
		}
		r := login(ownerPassword)
		if r.Status != 429 || !strings.Contains(string(r.Body), "Please wait 15 minutes") {
			t.Fatalf("sixth attempt with the right password: %d %s", r.Status, r.Body)
		}
		r.problem(t)
		if r := f.do("POST", "/api/v1/auth/login", "", map[string]any{"clinic": "test", "email": "someone@example.com", "password": "x"}); r.Status != 401 {
			t.Fatalf("another account: %d", r.Status)
		}
		f.clock.Add(16 * time.Minute)
		if r := login(ownerPassword); r.Status != 200 {
			t.Fatalf("after the window: %d %s", r.Status, r.Body)
		}
	})
}
