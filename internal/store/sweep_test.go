package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
)

// TestSweep: what has expired goes, what has not stays, and a second sweep
// finds nothing.
func TestSweep(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 1)
		C := f.Clinic.ID
		now := time.Date(2027, 5, 3, 12, 0, 0, 0, time.UTC)
		u, err := db.CreateUser(ctx, C, clinic.User{Email: "o@example.com", Name: "O", Role: clinic.RoleOwner, PasswordHash: "x"})
		ok(t, err)
		a, err := db.CreateAccount(ctx, clinic.Account{Email: "c@example.com", Name: "C", Phone: "4165550100", PasswordHash: "x", Created: now})
		ok(t, err)
		for i, expires := range []time.Time{now.Add(-time.Minute), now.Add(time.Hour)} {
			ok(t, db.CreateSession(ctx, clinic.Session{TokenHash: []byte{byte(i)}, UserID: u.ID, ClinicID: C, Created: now.Add(-time.Hour), Expires: expires}))
			ok(t, db.CreateAccountSession(ctx, clinic.AccountSession{TokenHash: []byte{byte(10 + i)}, AccountID: a.ID, Created: now.Add(-time.Hour), Expires: expires}))
		}
		ok(t, db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
			if err := tx.SaveIdempotency(ctx, C, "old", []byte{1}, "x", now.Add(-25*time.Hour)); err != nil {
				return err
			}
			return tx.SaveIdempotency(ctx, C, "new", []byte{1}, "y", now.Add(-time.Hour))
		}))
		_, err = db.NoteLoginFailure(ctx, "old", now.Add(-2*time.Hour), 15*time.Minute)
		ok(t, err)
		_, err = db.NoteLoginFailure(ctx, "new", now.Add(-time.Minute), 15*time.Minute)
		ok(t, err)

		swept, err := db.Sweep(ctx, now)
		ok(t, err)
		deepEqual(t, "swept", swept, store.Swept{StaffSessions: 1, ClientSessions: 1, IdempotencyKeys: 1, LoginFailures: 1})
		if _, _, err := db.SessionByTokenHash(ctx, []byte{1}, now); err != nil {
			t.Fatalf("a live staff session went: %v", err)
		}
		if _, _, err := db.AccountSessionByTokenHash(ctx, []byte{11}, now); err != nil {
			t.Fatalf("a live client session went: %v", err)
		}
		ok(t, db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
			if _, _, found, err := tx.Idempotency(ctx, C, "new"); err != nil || !found {
				t.Errorf("a fresh key went: %v %v", found, err)
			}
			return nil
		}))
		if n, _, err := db.LoginFailures(ctx, "new", now, 15*time.Minute); err != nil || n != 1 {
			t.Fatalf("a fresh failure count went: %d %v", n, err)
		}
		again, err := db.Sweep(ctx, now)
		ok(t, err)
		deepEqual(t, "second sweep", again, store.Swept{})
	})
}
