package store

import (
	"context"
	"fmt"
	"time"
)

// Retention of what Sweep removes.
const (
	// IdempotencyKeyTTL is how long a booking's Idempotency-Key is kept:
	// clients retry within minutes, not days.
	IdempotencyKeyTTL = 24 * time.Hour
	// LoginFailureTTL is how long a count of failed logins is kept: longer
	// than any throttle window.
	LoginFailureTTL = time.Hour
)

// Swept is how many rows one Sweep removed, by kind.
type Swept struct {
	StaffSessions, ClientSessions, IdempotencyKeys, LoginFailures int64
}

// Sweep removes what has expired as of now: staff and client sessions,
// idempotency keys older than IdempotencyKeyTTL and login-failure counts
// older than LoginFailureTTL. Every knead process runs it now and then;
// running it twice, or in two processes at once, removes nothing twice.
func (db *DB) Sweep(ctx context.Context, now time.Time) (Swept, error) {
	var s Swept
	steps := []struct {
		n     *int64
		what  string
		query string
		arg   int64
	}{
		{&s.StaffSessions, "staff sessions", "DELETE FROM sessions WHERE expires <= ?", now.Unix()},
		{&s.ClientSessions, "client sessions", "DELETE FROM account_sessions WHERE expires <= ?", now.Unix()},
		{&s.IdempotencyKeys, "idempotency keys", "DELETE FROM idempotency_keys WHERE created < ?", now.Add(-IdempotencyKeyTTL).Unix()},
		{&s.LoginFailures, "login failures", "DELETE FROM login_failures WHERE window_start < ?", now.Add(-LoginFailureTTL).Unix()},
	}
	for _, st := range steps {
		res, err := db.rw().exec(ctx, st.query, st.arg)
		if err != nil {
			return s, fmt.Errorf("sweep %s: %w", st.what, err)
		}
		if *st.n, err = res.RowsAffected(); err != nil {
			return s, fmt.Errorf("sweep %s: %w", st.what, err)
		}
	}
	if s != (Swept{}) {
		db.writeGen.Add(1)
	}
	return s, nil
}
