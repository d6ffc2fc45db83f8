package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// NoteLoginFailure counts a failed login for key in the window that began
// at most window ago (a new window starts when the last one has passed) and
// returns the count so far.
func (db *DB) NoteLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	var n int
	err := db.rw().queryRow(ctx, `INSERT INTO login_failures (key, window_start, failures) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_failures.window_start <= ? THEN 1 ELSE login_failures.failures + 1 END,
			window_start = CASE WHEN login_failures.window_start <= ? THEN excluded.window_start ELSE login_failures.window_start END
		RETURNING failures`, key, now.Unix(), now.Add(-window).Unix(), now.Add(-window).Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("note login failure: %w", err)
	}
	return n, nil
}

// LoginFailures returns the failed logins of key in its current window, and
// when that window ends.
func (db *DB) LoginFailures(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	var n int
	var start int64
	err := db.r().queryRow(ctx, "SELECT failures, window_start FROM login_failures WHERE key = ?", key).Scan(&n, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("login failures: %w", err)
	}
	ends := time.Unix(start, 0).Add(window)
	if !ends.After(now) {
		return 0, time.Time{}, nil
	}
	return n, ends, nil
}

// ClearLoginFailures forgets key's failures, after a login that worked.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.rw().exec(ctx, "DELETE FROM login_failures WHERE key = ?", key); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
