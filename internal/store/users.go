package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"knead/internal/clinic"
)

// emailKey is the case-insensitive key of an email, computed in Go so that
// both engines compare the same bytes.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const userCols = "clinic_id, id, email, name, role, therapist_id, password_hash"

func scanUser(s scanner) (clinic.User, error) {
	var u clinic.User
	var therapist sql.NullString
	if err := s.Scan(&u.ClinicID, &u.ID, &u.Email, &u.Name, &u.Role, &therapist, &u.PasswordHash); err != nil {
		return clinic.User{}, err
	}
	u.TherapistID = therapist.String
	return u, nil
}

// CreateUser stores a new staff user; EConflict if the email is taken in
// the clinic, ENotFound if TherapistID is not one of its therapists.
func (db *DB) CreateUser(ctx context.Context, clinicID string, u clinic.User) (clinic.User, error) {
	u.ID = newID()
	var out clinic.User
	err := db.inWriteTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO users ("+userCols+", email_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			clinicID, u.ID, u.Email, u.Name, u.Role, nullable(u.TherapistID), u.PasswordHash, emailKey(u.Email)); err != nil {
			return db.d.mapErr(fmt.Errorf("create user: %w", err),
				"A user with this email already exists.", "Clinic or therapist not found.")
		}
		var err error
		out, err = getOne(ctx, tx, "User", scanUser,
			"SELECT "+userCols+" FROM users WHERE clinic_id = ? AND id = ?", clinicID, u.ID)
		return err
	})
	return out, err
}

// UserByEmail returns the clinic's user with the email, in any case.
func (db *DB) UserByEmail(ctx context.Context, clinicID, email string) (clinic.User, error) {
	return getOne(ctx, db.r(), "User", scanUser,
		"SELECT "+userCols+" FROM users WHERE clinic_id = ? AND email_key = ?", clinicID, emailKey(email))
}

// GetUser returns the clinic's user id.
func (db *DB) GetUser(ctx context.Context, clinicID, id string) (clinic.User, error) {
	return getOne(ctx, db.r(), "User", scanUser,
		"SELECT "+userCols+" FROM users WHERE clinic_id = ? AND id = ?", clinicID, id)
}

// ListUsers returns the clinic's users ordered by name.
func (db *DB) ListUsers(ctx context.Context, clinicID string) ([]clinic.User, error) {
	us, err := list(ctx, db.r(), "users", scanUser, "SELECT "+userCols+" FROM users WHERE clinic_id = ?", clinicID)
	return byName(us, func(u clinic.User) string { return u.Name }, func(u clinic.User) string { return u.ID }), err
}

// CreateSession stores a session; ENotFound unless s.UserID is a user of
// s.ClinicID, EConflict if the token hash is already stored.
func (db *DB) CreateSession(ctx context.Context, s clinic.Session) error {
	if len(s.TokenHash) == 0 {
		return clinic.Errorf(clinic.EInvalid, "A session needs a token hash.")
	}
	if s.Created.IsZero() {
		s.Created = time.Now()
	}
	_, err := db.rw().exec(ctx, "INSERT INTO sessions (token_hash, clinic_id, user_id, created, expires) VALUES (?, ?, ?, ?, ?)",
		s.TokenHash, s.ClinicID, s.UserID, unix(s.Created), unix(s.Expires))
	if err != nil {
		return db.d.mapErr(fmt.Errorf("create session: %w", err), "The session already exists.", "User not found.")
	}
	return nil
}

// SessionByTokenHash returns the session and its user while the session
// expires after now; ENotFound otherwise.
func (db *DB) SessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (clinic.Session, clinic.User, error) {
	var s clinic.Session
	var created, expires int64
	var therapist sql.NullString
	var u clinic.User
	err := db.r().queryRow(ctx, `SELECT s.token_hash, s.clinic_id, s.user_id, s.created, s.expires,
			u.clinic_id, u.id, u.email, u.name, u.role, u.therapist_id, u.password_hash
		FROM sessions s JOIN users u ON u.clinic_id = s.clinic_id AND u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires > ?`, tokenHash, now.Unix()).Scan(
		&s.TokenHash, &s.ClinicID, &s.UserID, &created, &expires,
		&u.ClinicID, &u.ID, &u.Email, &u.Name, &u.Role, &therapist, &u.PasswordHash)
	if errors.Is(err, sql.ErrNoRows) {
		return clinic.Session{}, clinic.User{}, notFound("Session")
	}
	if err != nil {
		return clinic.Session{}, clinic.User{}, fmt.Errorf("get session: %w", err)
	}
	s.Created, s.Expires = fromUnix(created), fromUnix(expires)
	u.TherapistID = therapist.String
	return s, u, nil
}

// DeleteSession ends a session. Ending one that is already gone is not an
// error: logging out twice is still logged out.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.rw().exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired at or before now and
// returns how many; Sweep calls it.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.rw().exec(ctx, "DELETE FROM sessions WHERE expires <= ?", now.Unix())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}
