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
	var err error
	if s.StaffSessions, err = db.DeleteExpiredSessions(ctx, now); err != nil {
		return s, err
	}
	if s.IdempotencyKeys, err = db.DeleteIdempotencyKeys(ctx, now.Add(-IdempotencyKeyTTL)); err != nil {
		return s, err
	}
	for _, st := range []struct {
		n     *int64
		what  string
		query string
		arg   int64
	}{
		{&s.ClientSessions, "client sessions", "DELETE FROM account_sessions WHERE expires <= ?", now.Unix()},
		{&s.LoginFailures, "login failures", "DELETE FROM login_failures WHERE window_start < ?", now.Add(-LoginFailureTTL).Unix()},
	} {
		res, err := db.rw().exec(ctx, st.query, st.arg)
		if err == nil {
			*st.n, err = res.RowsAffected()
		}
		if err != nil {
			return s, fmt.Errorf("sweep %s: %w", st.what, err)
		}
	}
	if s != (Swept{}) {
		db.writeGen.Add(1)
	}
	return s, nil
}
