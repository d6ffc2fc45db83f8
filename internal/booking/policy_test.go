package booking

import (
	"testing"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/schedule"
)

func TestLateFee(t *testing.T) {
	start := time.Date(2027, 3, 10, 15, 0, 0, 0, time.UTC)
	appt := clinic.Appointment{Start: start}
	fee := clinic.Service{CancelWindowHours: 24, LateCancel: clinic.LateCancelFee, LateCancelFee: 4000}
	refuse := clinic.Service{CancelWindowHours: 24, LateCancel: clinic.LateCancelRefuse, LateCancelFee: 4000}
	client, staff, waiving := Actor{CancelToken: "t"}, Actor{Staff: true}, Actor{Staff: true, WaiveFee: true}
	cases := []struct {
		name     string
		svc      clinic.Service
		actor    Actor
		before   time.Duration // how long before the visit the change is made
		want     int64
		wantCode string
	}{
		{"client, outside the window", fee, client, 25 * time.Hour, 0, ""},
		{"client, exactly at the window", fee, client, 24 * time.Hour, 0, ""},
		{"client, inside the window, fee policy", fee, client, 23 * time.Hour, 4000, ""},
		{"client, inside the window, refuse policy", refuse, client, 23 * time.Hour, 0, clinic.EPolicy},
		{"staff, inside the window, fee policy", fee, staff, time.Hour, 4000, ""},
		{"staff waives the fee", fee, waiving, time.Hour, 0, ""},
		{"staff, refuse policy: allowed, no fee", refuse, staff, time.Hour, 0, ""},
		{"client, visit started", fee, client, -time.Minute, 0, clinic.EPolicy},
		{"staff, visit started", fee, staff, 0, 0, clinic.EPolicy},
		{"no window at all", clinic.Service{LateCancel: clinic.LateCancelRefuse}, client, time.Minute, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := lateFee(c.svc, appt, c.actor, start.Add(-c.before), "cancelled")
			if code := clinic.ErrorCode(err); code != c.wantCode {
				t.Fatalf("error %v, want code %q", err, c.wantCode)
			}
			if got != c.want {
				t.Fatalf("fee %d, want %d", got, c.want)
			}
		})
	}
}

func TestLicensedThrough(t *testing.T) {
	d := func(s string) civil.Date { v, _ := civil.ParseDate(s); return v }
	lic := func(exp string) clinic.Credential {
		c := clinic.Credential{Kind: clinic.CredentialLicence}
		if exp != "" {
			c.Expires = d(exp)
		}
		return c
	}
	cases := []struct {
		name  string
		creds []clinic.Credential
		want  civil.Date
		ok    bool
	}{
		{"no credentials: not bookable", nil, civil.Date{}, false},
		{"a certificate is not a licence", []clinic.Credential{{Kind: "certification", Expires: d("2030-01-01")}}, civil.Date{}, false},
		{"one licence", []clinic.Credential{lic("2027-06-30")}, d("2027-06-30"), true},
		{"the later of two licences", []clinic.Credential{lic("2027-06-30"), lic("2028-01-31")}, d("2028-01-31"), true},
		{"a licence without expiry: no limit", []clinic.Credential{lic("2027-06-30"), lic("")}, civil.Date{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := licensedThrough(clinic.Therapist{Credentials: c.creds})
			if got != c.want || ok != c.ok {
				t.Fatalf("licensedThrough = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestValidUntil(t *testing.T) {
	zone, _ := time.LoadLocation("America/Toronto")
	now := time.Date(2027, 3, 10, 9, 30, 0, 0, zone)
	first := time.Date(2027, 3, 10, 14, 0, 0, 0, zone)
	slots := []schedule.CompactSlot{{Start: first.UnixNano()}, {Start: first.Add(time.Hour).UnixNano()}}
	cases := []struct {
		name  string
		req   schedule.Request
		slots []schedule.CompactSlot
		want  time.Time
	}{
		{"first slot minus notice", schedule.Request{Zone: zone, Now: now, Notice: 2 * time.Hour}, slots, first.Add(-2 * time.Hour)},
		{"horizon: the next local midnight comes first", schedule.Request{Zone: zone, Now: now, HorizonDays: 30},
			[]schedule.CompactSlot{{Start: time.Date(2027, 3, 12, 9, 0, 0, 0, zone).UnixNano()}}, time.Date(2027, 3, 11, 0, 0, 0, 0, zone).Add(-time.Nanosecond)},
		{"no slots, no horizon: no expiry", schedule.Request{Zone: zone, Now: now}, nil, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := validUntil(&c.req, c.slots); !got.Equal(c.want) {
				t.Fatalf("validUntil = %v, want %v", got, c.want)
			}
		})
	}
}

func TestMarked(t *testing.T) {
	start := time.Date(2027, 1, 4, 15, 0, 0, 0, time.UTC)
	booked := clinic.Appointment{Status: clinic.StatusBooked, Start: start, End: start.Add(time.Hour)}
	in := booked
	in.CheckedIn = start.Add(-5 * time.Minute)
	done := booked
	done.Status = clinic.StatusCompleted
	tests := []struct {
		name       string
		a          clinic.Appointment
		mark       string
		now        time.Time
		wantCode   string
		wantStatus string
		checkedIn  bool
	}{
		{"check in ten minutes early", booked, MarkCheckIn, start.Add(-10 * time.Minute), "", clinic.StatusBooked, true},
		{"check in too early", booked, MarkCheckIn, start.Add(-3 * time.Hour), clinic.EPolicy, "", false},
		{"check in after the end", booked, MarkCheckIn, start.Add(time.Hour), clinic.EPolicy, "", false},
		{"check in twice keeps the first time", in, MarkCheckIn, start, "", clinic.StatusBooked, true},
		{"complete during the visit", in, MarkComplete, start.Add(30 * time.Minute), "", clinic.StatusCompleted, true},
		{"complete before the start", booked, MarkComplete, start.Add(-time.Minute), clinic.EPolicy, "", false},
		{"no-show after the start", booked, MarkNoShow, start.Add(15 * time.Minute), "", clinic.StatusNoShow, false},
		{"no-show of a client who came", in, MarkNoShow, start.Add(15 * time.Minute), clinic.EPolicy, "", false},
		{"no-show before the start", booked, MarkNoShow, start.Add(-time.Minute), clinic.EPolicy, "", false},
		{"anything of a completed visit", done, MarkNoShow, start.Add(2 * time.Hour), clinic.EConflict, "", false},
		{"an unknown mark", booked, "teleport", start, clinic.EInvalid, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := marked(tc.a, tc.mark, tc.now)
			if code := clinic.ErrorCode(err); err != nil && code != tc.wantCode || err == nil && tc.wantCode != "" {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if tc.wantCode != "" {
				return
			}
			if got.Status != tc.wantStatus || got.CheckedIn.IsZero() == tc.checkedIn {
				t.Fatalf("got status %s, checked in %v", got.Status, got.CheckedIn)
			}
			if tc.a.CheckedIn.IsZero() == false && !got.CheckedIn.Equal(tc.a.CheckedIn) {
				t.Fatalf("check-in time moved from %v to %v", tc.a.CheckedIn, got.CheckedIn)
			}
		})
	}
}
