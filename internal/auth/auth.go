// Package auth hashes staff passwords, makes bearer tokens and decides what
// each role may do. It keeps no state: sessions live in the store, so any
// knead process behind a load balancer can check any token.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"knead/internal/clinic"
)

// bcryptCost is bcrypt's default: about 50-80 ms a hash on this machine
// class, slow enough to hurt guessing, fast enough for a busy front desk.
const bcryptCost = bcrypt.DefaultCost

// MinPasswordLength and MaxPasswordBytes bound a password. bcrypt reads only
// 72 bytes, so a longer password is refused rather than silently truncated.
const (
	MinPasswordLength = 10
	MaxPasswordBytes  = 72
)

// CheckPasswordRules returns a message saying what is wrong with a new
// password, or "" when it is acceptable.
func CheckPasswordRules(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return "must be at least 10 characters long"
	case len(pw) > MaxPasswordBytes:
		return "must be at most 72 bytes long"
	}
	return ""
}

// HashPassword returns a bcrypt hash of pw.
func HashPassword(pw string) (string, error) {
	if msg := CheckPasswordRules(pw); msg != "" {
		return "", &clinic.Error{Code: clinic.EInvalid, Message: "The password is not acceptable.",
			Fields: []clinic.FieldError{{Field: "password", Message: msg}}}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// dummyHash is compared against when the user does not exist, so that a
// login takes as long for an unknown email as for a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("knead-timing-equaliser"), bcryptCost)

// CheckPassword reports whether pw matches hash. An empty hash (no such user)
// still costs one bcrypt comparison.
func CheckPassword(hash, pw string) bool {
	if hash == "" || len(pw) > MaxPasswordBytes {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// NewToken returns a random URL-safe token with 256 bits of entropy and its
// SHA-256, which is all the store keeps.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 of a token as stored.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// TokenMatches compares a presented token with a stored hash in constant time.
func TokenMatches(token string, hash []byte) bool {
	if token == "" || len(hash) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(HashToken(token), hash) == 1
}

// Actions a staff member may be allowed to take.
type Action int

const (
	ReadCatalog   Action = iota // rooms, equipment, users' list
	EditCatalog                 // locations, rooms, equipment, therapists, services, the clinic
	ManageUsers                 // create staff users
	ReadSchedule                // all appointments and clients of the clinic
	ReadOwnVisits               // a therapist's own appointments
	Book                        // book, cancel, reschedule on a client's behalf
	// ReadClinical: a client's intake answers and screening findings. A
	// therapist may only for clients they have a visit with; the front
	// desk never (it sees only ReadClinicalStatus: that a clearance is
	// needed, never why).
	ReadClinical
	ReadClinicalStatus // whether a client may be booked and what is missing
	RecordClearance    // a staff clearance; a clinician's also needs ReadClinical
	ReadAudit          // the clinic's audit log of clinical reads and changes
)

var allowed = map[string]map[Action]bool{
	clinic.RoleOwner: {ReadCatalog: true, EditCatalog: true, ManageUsers: true, ReadSchedule: true, ReadOwnVisits: true, Book: true,
		ReadClinical: true, ReadClinicalStatus: true, RecordClearance: true, ReadAudit: true},
	clinic.RoleFrontDesk: {ReadCatalog: true, ReadSchedule: true, ReadOwnVisits: true, Book: true,
		ReadClinicalStatus: true, RecordClearance: true},
	clinic.RoleTherapist: {ReadCatalog: true, ReadOwnVisits: true, ReadClinical: true, ReadClinicalStatus: true, RecordClearance: true},
}

// ValidRole reports whether role is one of the staff roles.
func ValidRole(role string) bool { _, ok := allowed[role]; return ok }

// Authorize returns nil when user may take action in clinicID, and a
// clinic.Error (EForbidden) otherwise. A user of another clinic may do
// nothing here.
func Authorize(u clinic.User, clinicID string, a Action) error {
	if u.ID == "" || u.ClinicID != clinicID {
		return clinic.Errorf(clinic.EForbidden, "You are not staff of this clinic.")
	}
	if !allowed[u.Role][a] {
		return clinic.Errorf(clinic.EForbidden, "Your role (%s) may not do this.", u.Role)
	}
	return nil
}
