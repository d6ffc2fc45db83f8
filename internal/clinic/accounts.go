package clinic

import (
	"context"
	"time"
)

// Client accounts. An Account is a person's login identity across clinics:
// a Client record belongs to one clinic, an account to nobody's clinic.
// Nothing but an email address ties an account to a person, and an email
// address is never proof of identity (knead sends no email yet), so an
// account sees only the visits linked to it: those it booked while logged
// in and those it claimed by presenting the visit's own secret link. Never
// a client record's visits because the email matches.

// Account is a client's login.
type Account struct {
	ID           string
	Email        string // as typed; unique in any case across all accounts
	Name         string
	Phone        string
	PasswordHash string
	Created      time.Time
}

// AccountSession is a client's login session: a random token kept only as
// its SHA-256, until Expires.
type AccountSession struct {
	TokenHash []byte
	AccountID string
	Created   time.Time
	Expires   time.Time
}

// AccountVisit is a visit linked to an account with what a client's list of
// visits shows of it. Location and Service are the catalog's current rows
// (the service's cancellation policy is what applies to a change now); they
// may be shared with the store's catalog cache: callers must not change them.
type AccountVisit struct {
	Clinic      Clinic // ID, Slug and Name
	Appointment Appointment
	Location    Location
	Service     Service
	Therapist   string // the therapist's name
}

// MaxAccountVisits is the most visits ListAccountVisits returns: the latest.
const MaxAccountVisits = 500

// AccountStore keeps client accounts, their sessions and their visits.
type AccountStore interface {
	// CreateAccount stores a new account; EConflict if an account has the
	// email already, in any case.
	CreateAccount(ctx context.Context, a Account) (Account, error)
	// AccountByEmail returns the account with the email, in any case.
	AccountByEmail(ctx context.Context, email string) (Account, error)

	// CreateAccountSession stores a session (ENotFound for an unknown
	// account, EConflict for a token hash already stored) and forgets the
	// account's sessions that have expired by s.Created.
	CreateAccountSession(ctx context.Context, s AccountSession) error
	// AccountSessionByTokenHash returns the live session (expires after
	// now) and its account; ENotFound otherwise.
	AccountSessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (AccountSession, Account, error)
	// DeleteAccountSession ends a session; one already gone is not an error.
	DeleteAccountSession(ctx context.Context, tokenHash []byte) error

	// LinkAccountVisit links the clinic's appointment to the account; a link
	// already there is not an error. ENotFound for an unknown account or an
	// appointment that is not the clinic's. The caller must have checked
	// that the account may have it: it booked it, or showed its token.
	LinkAccountVisit(ctx context.Context, accountID, clinicID, appointmentID string, now time.Time) error
	// AccountVisit returns one visit linked to the account; ENotFound when
	// the appointment is not linked to it (whether or not it exists).
	AccountVisit(ctx context.Context, accountID, clinicID, appointmentID string) (AccountVisit, error)
	// ListAccountVisits returns the visits linked to the account, in every
	// clinic, latest start first, at most MaxAccountVisits.
	ListAccountVisits(ctx context.Context, accountID string) ([]AccountVisit, error)
}
