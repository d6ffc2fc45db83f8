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

// Client accounts (clinic.AccountStore): accounts, their sessions, and the
// links to the visits each may see. Accounts belong to no clinic; a link
// names the clinic of its appointment.

const accountCols = "id, email, name, phone, password_hash, created"

func scanAccount(s scanner) (clinic.Account, error) {
	var a clinic.Account
	var created int64
	if err := s.Scan(&a.ID, &a.Email, &a.Name, &a.Phone, &a.PasswordHash, &created); err != nil {
		return clinic.Account{}, err
	}
	a.Created = fromUnix(created)
	return a, nil
}

// CreateAccount stores a new account; EConflict if the email is taken in
// any case.
func (db *DB) CreateAccount(ctx context.Context, a clinic.Account) (clinic.Account, error) {
	if emailKey(a.Email) == "" {
		return clinic.Account{}, clinic.Errorf(clinic.EInvalid, "An account needs an email.")
	}
	a.ID = newID()
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	a.Created = fromUnix(unix(a.Created))
	_, err := db.rw().exec(ctx, "INSERT INTO accounts ("+accountCols+", email_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
		a.ID, a.Email, a.Name, a.Phone, a.PasswordHash, unix(a.Created), emailKey(a.Email))
	if err != nil {
		return clinic.Account{}, db.d.mapErr(fmt.Errorf("create account: %w", err), "An account with this email already exists.", "")
	}
	return a, nil
}

// AccountByEmail returns the account with the email, in any case.
func (db *DB) AccountByEmail(ctx context.Context, email string) (clinic.Account, error) {
	return getOne(ctx, db.r(), "Account", scanAccount, "SELECT "+accountCols+" FROM accounts WHERE email_key = ?", emailKey(email))
}

// CreateAccountSession stores a session and forgets the account's sessions
// that expired by its creation: a client's logins do not pile up.
func (db *DB) CreateAccountSession(ctx context.Context, s clinic.AccountSession) error {
	if len(s.TokenHash) == 0 {
		return clinic.Errorf(clinic.EInvalid, "A session needs a token hash.")
	}
	if s.Created.IsZero() {
		s.Created = time.Now()
	}
	return db.inWriteTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, "DELETE FROM account_sessions WHERE account_id = ? AND expires <= ?", s.AccountID, unix(s.Created)); err != nil {
			return fmt.Errorf("delete expired account sessions: %w", err)
		}
		if _, err := tx.exec(ctx, "INSERT INTO account_sessions (token_hash, account_id, created, expires) VALUES (?, ?, ?, ?)",
			s.TokenHash, s.AccountID, unix(s.Created), unix(s.Expires)); err != nil {
			return db.d.mapErr(fmt.Errorf("create account session: %w", err), "The session already exists.", "Account not found.")
		}
		return nil
	})
}

// AccountSessionByTokenHash returns the session and its account while the
// session expires after now; ENotFound otherwise.
func (db *DB) AccountSessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (clinic.AccountSession, clinic.Account, error) {
	var s clinic.AccountSession
	var created, expires int64
	a, err := scanAccount(leading{db.r().queryRow(ctx, "SELECT s.token_hash, s.account_id, s.created, s.expires, "+
		qualify("a", accountCols)+` FROM account_sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = ? AND s.expires > ?`, tokenHash, now.Unix()), []any{&s.TokenHash, &s.AccountID, &created, &expires}})
	if errors.Is(err, sql.ErrNoRows) {
		return clinic.AccountSession{}, clinic.Account{}, notFound("Session")
	}
	if err != nil {
		return clinic.AccountSession{}, clinic.Account{}, fmt.Errorf("get account session: %w", err)
	}
	s.Created, s.Expires = fromUnix(created), fromUnix(expires)
	return s, a, nil
}

// DeleteAccountSession ends a session; ending one already gone is not an
// error.
func (db *DB) DeleteAccountSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.rw().exec(ctx, "DELETE FROM account_sessions WHERE token_hash = ?", tokenHash); err != nil {
		return fmt.Errorf("delete account session: %w", err)
	}
	return nil
}

// LinkAccountVisit links the clinic's appointment to the account, once.
func (db *DB) LinkAccountVisit(ctx context.Context, accountID, clinicID, appointmentID string, now time.Time) error {
	_, err := db.rw().exec(ctx, `INSERT INTO account_visits (account_id, clinic_id, appointment_id, created) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, accountID, clinicID, appointmentID, unix(now))
	if err != nil {
		return db.d.mapErr(fmt.Errorf("link account visit: %w", err), "", "Account or appointment not found.")
	}
	return nil
}

// accountVisitQuery reads linked visits: the clinic's slug and name, then
// the appointment; the caller adds conditions and order.
var accountVisitQuery = "SELECT c.slug, c.name, " + qualify("a", appointmentCols) + ` FROM account_visits v
	JOIN appointments a ON a.clinic_id = v.clinic_id AND a.id = v.appointment_id
	JOIN clinics c ON c.id = v.clinic_id
	WHERE v.account_id = ?`

func scanAccountVisit(s scanner) (clinic.AccountVisit, error) {
	var v clinic.AccountVisit
	var err error
	v.Appointment, err = scanAppointment(leading{s, []any{&v.Clinic.Slug, &v.Clinic.Name}})
	v.Clinic.ID = v.Appointment.ClinicID
	return v, err
}

// AccountVisit returns one visit linked to the account.
func (db *DB) AccountVisit(ctx context.Context, accountID, clinicID, appointmentID string) (clinic.AccountVisit, error) {
	v, err := getOne(ctx, db.r(), "Visit", scanAccountVisit, accountVisitQuery+" AND v.clinic_id = ? AND v.appointment_id = ?",
		accountID, clinicID, appointmentID)
	if err != nil {
		return v, err
	}
	vs := []clinic.AccountVisit{v}
	return vs[0], db.describeVisits(ctx, vs)
}

// ListAccountVisits returns the visits linked to the account, latest first.
func (db *DB) ListAccountVisits(ctx context.Context, accountID string) ([]clinic.AccountVisit, error) {
	vs, err := list(ctx, db.r(), "account visits", scanAccountVisit, accountVisitQuery+" ORDER BY a.start_at DESC, a.id LIMIT ?",
		accountID, clinic.MaxAccountVisits)
	if err != nil {
		return nil, err
	}
	return vs, db.describeVisits(ctx, vs)
}

// describeVisits fills in each visit's location, service and therapist from
// its clinic's catalog (the cached snapshot when it is current).
func (db *DB) describeVisits(ctx context.Context, vs []clinic.AccountVisit) error {
	cats := map[string]*catalogSnapshot{}
	for i := range vs {
		v := &vs[i]
		cat, ok := cats[v.Clinic.ID]
		if !ok {
			var err error
			if cat, err = db.catalog(ctx, db.r(), v.Clinic.ID, 0, false); err != nil {
				return err
			}
			cats[v.Clinic.ID] = cat
		}
		v.Location, v.Service = cat.locations[v.Appointment.LocationID], cat.services[v.Appointment.ServiceID]
		for _, t := range cat.therapists {
			if t.ID == v.Appointment.TherapistID {
				v.Therapist = t.Name
			}
		}
	}
	return nil
}

// leading is a row whose first columns, into head, precede those a scan
// function reads: a join scanned with the scan functions of its tables.
type leading struct {
	s    scanner
	head []any
}

func (l leading) Scan(dest ...any) error {
	return l.s.Scan(append(l.head[:len(l.head):len(l.head)], dest...)...)
}

// qualify prefixes each of a list of columns with a table's alias.
func qualify(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
