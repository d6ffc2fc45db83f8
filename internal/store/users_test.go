package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
)

func TestUsers(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 1)
		b := fixture(t, db, "b", 1)
		owner, err := db.CreateUser(ctx, a.Clinic.ID, clinic.User{Email: "Owner@A.example", Name: "Olive", Role: clinic.RoleOwner, PasswordHash: "$argon2id$x"})
		ok(t, err)
		deepEqual(t, "created", owner, clinic.User{ID: owner.ID, ClinicID: a.Clinic.ID, Email: "Owner@A.example", Name: "Olive",
			Role: clinic.RoleOwner, PasswordHash: "$argon2id$x"})
		therapist, err := db.CreateUser(ctx, a.Clinic.ID, clinic.User{Email: "ana@a.example", Name: "Ana", Role: clinic.RoleTherapist,
			TherapistID: a.Therapists[0].ID})
		ok(t, err)

		for _, email := range []string{"owner@a.example", "OWNER@A.EXAMPLE", " Owner@A.example "} {
			got, err := db.UserByEmail(ctx, a.Clinic.ID, email)
			ok(t, err)
			deepEqual(t, "by email "+email, got, owner)
		}
		got, err := db.GetUser(ctx, a.Clinic.ID, therapist.ID)
		ok(t, err)
		deepEqual(t, "get", got, therapist)

		tests := []struct {
			name   string
			clinic string
			user   clinic.User
			code   string
		}{
			{"same email other case", a.Clinic.ID, clinic.User{Email: "OWNER@a.example", Role: clinic.RoleOwner}, clinic.EConflict},
			{"same email other clinic", b.Clinic.ID, clinic.User{Email: "owner@a.example", Role: clinic.RoleOwner}, ""},
			{"unknown therapist", a.Clinic.ID, clinic.User{Email: "x@a.example", TherapistID: "nope"}, clinic.ENotFound},
			{"unknown clinic", "nope", clinic.User{Email: "x@a.example"}, clinic.ENotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.CreateUser(ctx, tc.clinic, tc.user)
				wantCode(t, err, tc.code)
			})
		}
		list, err := db.ListUsers(ctx, a.Clinic.ID)
		ok(t, err)
		deepEqual(t, "list", list, []clinic.User{therapist, owner})
	})
}

func TestSessions(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 1)
		u, err := db.CreateUser(ctx, a.Clinic.ID, clinic.User{Email: "o@a.example", Name: "O", Role: clinic.RoleOwner})
		ok(t, err)
		now := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
		s := clinic.Session{TokenHash: []byte{0x01, 0x00, 0xff}, UserID: u.ID, ClinicID: a.Clinic.ID,
			Created: now, Expires: now.Add(time.Hour)}
		ok(t, db.CreateSession(ctx, s))
		wantCode(t, db.CreateSession(ctx, s), clinic.EConflict)

		lookups := []struct {
			name string
			hash []byte
			at   time.Time
			code string
		}{
			{"live", s.TokenHash, now.Add(59 * time.Minute), ""},
			{"last second", s.TokenHash, s.Expires.Add(-time.Second), ""},
			{"at expiry", s.TokenHash, s.Expires, clinic.ENotFound},
			{"after expiry", s.TokenHash, s.Expires.Add(time.Hour), clinic.ENotFound},
			{"other token", []byte{0x01, 0x00}, now, clinic.ENotFound},
		}
		for _, tc := range lookups {
			t.Run(tc.name, func(t *testing.T) {
				gotS, gotU, err := db.SessionByTokenHash(ctx, tc.hash, tc.at)
				wantCode(t, err, tc.code)
				if tc.code == "" {
					deepEqual(t, "session", gotS, s)
					deepEqual(t, "user", gotU, u)
				}
			})
		}

		other := clinic.Session{TokenHash: []byte("old"), UserID: u.ID, ClinicID: a.Clinic.ID, Created: now, Expires: now}
		ok(t, db.CreateSession(ctx, other))
		n, err := db.DeleteExpiredSessions(ctx, now)
		ok(t, err)
		if n != 1 {
			t.Fatalf("deleted %d expired sessions, want 1", n)
		}
		ok(t, db.DeleteSession(ctx, s.TokenHash))
		_, _, err = db.SessionByTokenHash(ctx, s.TokenHash, now)
		wantCode(t, err, clinic.ENotFound)
		ok(t, db.DeleteSession(ctx, s.TokenHash)) // logging out twice is fine
	})
}

// TestLoginFailures: failures count within a window per key, the window
// restarts once it has passed, and clearing forgets them.
func TestLoginFailures(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
		const window = 15 * time.Minute
		steps := []struct {
			name     string
			at       time.Duration
			key      string
			wantNote int // count after noting a failure (0: do not note)
			wantRead int
		}{
			{"first", 0, "a", 1, 1},
			{"second", time.Minute, "a", 2, 2},
			{"other key", 2 * time.Minute, "b", 1, 1},
			{"still in the window", 14 * time.Minute, "a", 3, 3},
			{"read after the window", 16 * time.Minute, "a", 0, 0},
			{"a new window", 16 * time.Minute, "a", 1, 1},
		}
		for _, s := range steps {
			now := t0.Add(s.at)
			if s.wantNote > 0 {
				n, err := db.NoteLoginFailure(ctx, s.key, now, window)
				ok(t, err)
				if n != s.wantNote {
					t.Fatalf("%s: noted count %d, want %d", s.name, n, s.wantNote)
				}
			}
			n, _, err := db.LoginFailures(ctx, s.key, now, window)
			ok(t, err)
			if n != s.wantRead {
				t.Fatalf("%s: read count %d, want %d", s.name, n, s.wantRead)
			}
		}
		ok(t, db.ClearLoginFailures(ctx, "b"))
		if n, _, err := db.LoginFailures(ctx, "b", t0.Add(3*time.Minute), window); err != nil || n != 0 {
			t.Fatalf("after clearing: %d, %v", n, err)
		}
	})
}
