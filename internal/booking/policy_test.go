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
