package auth

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"knead/internal/clinic"
)

// Login throttling: after MaxAccountFailures wrong passwords for one
// account, or MaxAddressFailures from one network address, within
// ThrottleWindow, further logins of that account or from that address are
// refused, without even checking the password, until the window ends. A
// login that works clears its account's count. The counts live in the
// database, so every knead process applies them alike.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxAccountFailures = 5
	MaxAddressFailures = 30
)

// ThrottleStore keeps the counts (clinic.UserStore has it).
type ThrottleStore interface {
	NoteLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration) (int, error)
	LoginFailures(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error)
	ClearLoginFailures(ctx context.Context, key string) error
}

// Throttle is one login attempt's keys: the account (the clinic and the
// lower-cased email) and the network address.
type Throttle struct {
	Account, Address string
	what             string // what is counted, for the message: "failed logins" unless set
}

// NewThrottle returns the keys of a login to clinicSlug as email from addr.
func NewThrottle(clinicSlug, email, addr string) Throttle {
	return Throttle{Account: "account:" + clinicSlug + ":" + strings.ToLower(strings.TrimSpace(email)), Address: "address:" + addr}
}

// NewSignupThrottle returns the keys that count the accounts made from
// addr: MaxAccountFailures sign-ups an address may make in the window
// (each counted with Failed), so nobody creates accounts by the thousand or
// probes which emails have one.
func NewSignupThrottle(addr string) Throttle {
	return Throttle{Account: "signup:" + addr, Address: "signup-address:" + addr, what: "sign-ups"}
}

// Check returns an ETooMany error when the account or the address has
// failed too often in the window, saying how long to wait.
func (t Throttle) Check(ctx context.Context, st ThrottleStore, now time.Time) error {
	for _, k := range []struct {
		key string
		max int
	}{{t.Account, MaxAccountFailures}, {t.Address, MaxAddressFailures}} {
		n, ends, err := st.LoginFailures(ctx, k.key, now, ThrottleWindow)
		if err != nil {
			return err
		}
		if n >= k.max {
			minutes := int(math.Ceil(ends.Sub(now).Minutes()))
			what := t.what
			if what == "" {
				what = "failed logins"
			}
			return clinic.Errorf(clinic.ETooMany, "Too many %s. Please wait %d minute%s and try again.", what, minutes, plural(minutes))
		}
	}
	return nil
}

// Failed counts a failed login.
func (t Throttle) Failed(ctx context.Context, st ThrottleStore, now time.Time) error {
	for _, key := range []string{t.Account, t.Address} {
		if _, err := st.NoteLoginFailure(ctx, key, now, ThrottleWindow); err != nil {
			return fmt.Errorf("throttle: %w", err)
		}
	}
	return nil
}

// Succeeded clears the account's count.
func (t Throttle) Succeeded(ctx context.Context, st ThrottleStore) error {
	return st.ClearLoginFailures(ctx, t.Account)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
