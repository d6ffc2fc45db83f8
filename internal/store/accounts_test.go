package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
)

func TestAccounts(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		created := time.Date(2027, 1, 4, 9, 30, 15, 999, time.FixedZone("EST", -5*3600))
		ann, err := db.CreateAccount(ctx, clinic.Account{ID: "ignored", Email: "Ann.Lee@Example.com", Name: "Ann Lee",
			Phone: "+1 416 555 0100", PasswordHash: "$2a$x", Created: created})
		ok(t, err)
		deepEqual(t, "created", ann, clinic.Account{ID: ann.ID, Email: "Ann.Lee@Example.com", Name: "Ann Lee",
			Phone: "+1 416 555 0100", PasswordHash: "$2a$x", Created: time.Unix(created.Unix(), 0).UTC()})
		if ann.ID == "" || ann.ID == "ignored" {
			t.Fatalf("id %q", ann.ID)
		}
		for _, email := range []string{"ann.lee@example.com", "ANN.LEE@EXAMPLE.COM", " Ann.Lee@Example.com "} {
			got, err := db.AccountByEmail(ctx, email)
			ok(t, err)
			deepEqual(t, "by email "+email, got, ann)
		}
		_, err = db.AccountByEmail(ctx, "bo@example.com")
		wantCode(t, err, clinic.ENotFound)

		for _, tc := range []struct {
			name, email, code string
		}{
			{"same email other case", "ANN.lee@example.COM", clinic.EConflict},
			{"no email", " ", clinic.EInvalid},
			{"another email", "bo@example.com", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.CreateAccount(ctx, clinic.Account{Email: tc.email, Name: "X", PasswordHash: "h"})
				wantCode(t, err, tc.code)
			})
		}
	})
}

func TestAccountSessions(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann, err := db.CreateAccount(ctx, clinic.Account{Email: "ann@example.com", Name: "Ann", PasswordHash: "h"})
		ok(t, err)
		now := time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC)
		s := clinic.AccountSession{TokenHash: []byte{0x01, 0x00, 0xff}, AccountID: ann.ID, Created: now, Expires: now.Add(time.Hour)}
		ok(t, db.CreateAccountSession(ctx, s))
		wantCode(t, db.CreateAccountSession(ctx, s), clinic.EConflict)
		wantCode(t, db.CreateAccountSession(ctx, clinic.AccountSession{TokenHash: []byte{2}, AccountID: "nope", Created: now,
			Expires: now.Add(time.Hour)}), clinic.ENotFound)
		wantCode(t, db.CreateAccountSession(ctx, clinic.AccountSession{AccountID: ann.ID}), clinic.EInvalid)

		for _, tc := range []struct {
			name string
			hash []byte
			at   time.Time
			code string
		}{
			{"live", s.TokenHash, now.Add(59 * time.Minute), ""},
			{"last second", s.TokenHash, s.Expires.Add(-time.Second), ""},
			{"at expiry", s.TokenHash, s.Expires, clinic.ENotFound},
			{"other token", []byte{0x01, 0x00}, now, clinic.ENotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, acct, err := db.AccountSessionByTokenHash(ctx, tc.hash, tc.at)
				wantCode(t, err, tc.code)
				if err == nil {
					deepEqual(t, "session", got, s)
					deepEqual(t, "account", acct, ann)
				}
			})
		}

		// A new login, after the first session expired, forgets it.
		later := clinic.AccountSession{TokenHash: []byte{3}, AccountID: ann.ID, Created: s.Expires, Expires: s.Expires.Add(time.Hour)}
		ok(t, db.CreateAccountSession(ctx, later))
		_, _, err = db.AccountSessionByTokenHash(ctx, s.TokenHash, now)
		wantCode(t, err, clinic.ENotFound)
		_, _, err = db.AccountSessionByTokenHash(ctx, later.TokenHash, later.Created)
		ok(t, err)

		ok(t, db.DeleteAccountSession(ctx, later.TokenHash))
		ok(t, db.DeleteAccountSession(ctx, later.TokenHash)) // logging out twice
		_, _, err = db.AccountSessionByTokenHash(ctx, later.TokenHash, later.Created)
		wantCode(t, err, clinic.ENotFound)
	})
}

// TestAccountVisits: an account sees exactly the visits linked to it, in
// every clinic, and never a visit because its client's email matches.
func TestAccountVisits(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 2)
		b := fixture(t, db, "b", 1)
		ann, err := db.CreateAccount(ctx, clinic.Account{Email: a.Clients[0].Email, Name: "Ann", PasswordHash: "h"})
		ok(t, err)
		bo, err := db.CreateAccount(ctx, clinic.Account{Email: "bo@example.com", Name: "Bo", PasswordHash: "h"})
		ok(t, err)
		day := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
		av := insert(t, db, visit(a, 0, day, time.Hour), visit(a, 0, day.AddDate(0, 0, 2), time.Hour), visit(a, 1, day.AddDate(0, 0, 1), time.Hour))
		bv := insert(t, db, visit(b, 0, day.AddDate(0, 0, 1).Add(2*time.Hour), time.Hour))[0]
		now := day.Add(-48 * time.Hour)

		// Nothing is linked: the client record of Ann's email has visits,
		// and Ann sees none of them.
		list, err := db.ListAccountVisits(ctx, ann.ID)
		ok(t, err)
		if len(list) != 0 {
			t.Fatalf("an account sees %d visits it was never linked to", len(list))
		}
		ok(t, db.LinkAccountVisit(ctx, ann.ID, a.Clinic.ID, av[0].ID, now))
		ok(t, db.LinkAccountVisit(ctx, ann.ID, a.Clinic.ID, av[0].ID, now)) // again: still one link
		ok(t, db.LinkAccountVisit(ctx, ann.ID, a.Clinic.ID, av[2].ID, now))
		ok(t, db.LinkAccountVisit(ctx, ann.ID, b.Clinic.ID, bv.ID, now))
		ok(t, db.LinkAccountVisit(ctx, bo.ID, a.Clinic.ID, av[1].ID, now))
		ok(t, db.LinkAccountVisit(ctx, bo.ID, a.Clinic.ID, av[0].ID, now)) // a link held by two people

		for _, tc := range []struct {
			name                           string
			account, clinicID, appointment string
		}{
			{"another clinic's visit", ann.ID, a.Clinic.ID, bv.ID},
			{"unknown appointment", ann.ID, a.Clinic.ID, "nope"},
			{"unknown account", "nope", a.Clinic.ID, av[1].ID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantCode(t, db.LinkAccountVisit(ctx, tc.account, tc.clinicID, tc.appointment, now), clinic.ENotFound)
			})
		}

		list, err = db.ListAccountVisits(ctx, ann.ID)
		ok(t, err)
		deepEqual(t, "Ann's visits, latest first", visitsOf(list), []string{bv.ID, av[2].ID, av[0].ID})
		got := list[0]
		deepEqual(t, "appointment", got.Appointment, bv)
		deepEqual(t, "clinic", got.Clinic, clinic.Clinic{ID: b.Clinic.ID, Slug: "b", Name: "Clinic b"})
		deepEqual(t, "location", got.Location, b.Location)
		deepEqual(t, "service", got.Service, b.Service)
		if got.Therapist != b.Therapists[0].Name || list[1].Therapist != a.Therapists[1].Name {
			t.Fatalf("therapists %q, %q", got.Therapist, list[1].Therapist)
		}
		list, err = db.ListAccountVisits(ctx, bo.ID)
		ok(t, err)
		deepEqual(t, "Bo's visits", visitsOf(list), []string{av[1].ID, av[0].ID})

		one, err := db.AccountVisit(ctx, ann.ID, a.Clinic.ID, av[2].ID)
		ok(t, err)
		deepEqual(t, "one visit", one.Appointment, av[2])
		if one.Service.Name != a.Service.Name || one.Location.TimeZone != "UTC" || one.Clinic.Slug != "a" {
			t.Fatalf("one visit %+v", one)
		}
		for _, tc := range []struct {
			name                           string
			account, clinicID, appointment string
		}{
			{"not linked", ann.ID, a.Clinic.ID, av[1].ID},
			{"linked, named in another clinic", ann.ID, a.Clinic.ID, bv.ID},
			{"another account's", bo.ID, b.Clinic.ID, bv.ID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.AccountVisit(ctx, tc.account, tc.clinicID, tc.appointment)
				wantCode(t, err, clinic.ENotFound)
			})
		}

		// A change to the visit shows in the list.
		ok(t, db.InBookingTx(ctx, a.Clinic.ID, func(tx clinic.BookingTx) error {
			c := av[2]
			c.Status, c.Cancelled = clinic.StatusCancelled, now
			return tx.UpdateAppointment(ctx, c)
		}))
		one, err = db.AccountVisit(ctx, ann.ID, a.Clinic.ID, av[2].ID)
		ok(t, err)
		if one.Appointment.Status != clinic.StatusCancelled {
			t.Fatalf("status %q after cancelling", one.Appointment.Status)
		}
	})
}

func visitsOf(vs []clinic.AccountVisit) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Appointment.ID)
	}
	return out
}
