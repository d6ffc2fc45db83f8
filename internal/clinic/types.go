package clinic

import (
	"time"

	"knead/internal/civil"
)

// Modalities are the stable slugs of DOMAIN.md section 2.
var Modalities = []string{
	"swedish", "deep-tissue", "trigger-point", "myofascial-release", "myoskeletal-alignment",
	"hot-stone", "cupping", "sciatica-release", "sports", "thai",
}

// IsModality reports whether s is one of the stable modality slugs.
func IsModality(s string) bool {
	for _, m := range Modalities {
		if m == s {
			return true
		}
	}
	return false
}

// Clinic is a business with a URL slug and one or more locations. Every other
// row belongs to exactly one clinic.
type Clinic struct {
	ID       string    `json:"id"`
	Slug     string    `json:"slug"`
	Name     string    `json:"name"`
	Currency string    `json:"currency"` // ISO 4217, the default for its services
	Created  time.Time `json:"created"`
	// ScheduleVersion changes with every write that can change the clinic's
	// free slots (bookings, cancellations, catalog edits), in the same
	// transaction, so any knead process can tell whether a cached answer
	// is still right with the one read that finds the clinic.
	ScheduleVersion int64 `json:"-"`
}

// Location is a place where a clinic treats clients.
type Location struct {
	ID        string       `json:"id"`
	ClinicID  string       `json:"-"`
	Name      string       `json:"name"`
	Address   string       `json:"address"`
	Latitude  float64      `json:"latitude"`
	Longitude float64      `json:"longitude"`
	TimeZone  string       `json:"timezone"` // IANA name, e.g. America/Toronto
	Hours     civil.Weekly `json:"hours"`
	Closures  []Closure    `json:"closures"`
}

// Closure closes a location on the local dates From to To inclusive.
type Closure struct {
	From   civil.Date `json:"from"`
	To     civil.Date `json:"to"`
	Reason string     `json:"reason"`
}

// Room is a treatment room at a location; a visit needs one free room.
type Room struct {
	ID         string `json:"id"`
	ClinicID   string `json:"-"`
	LocationID string `json:"location"`
	Name       string `json:"name"`
}

// Equipment is a counted kind of equipment at a location (e.g. two cupping
// sets, one hot-stone heater). A visit whose service needs the kind takes one.
type Equipment struct {
	ID         string `json:"id"`
	ClinicID   string `json:"-"`
	LocationID string `json:"location"`
	Kind       string `json:"kind"` // e.g. "hot-stone-heater"
	Name       string `json:"name"`
	Count      int    `json:"count"`
}

// Therapist is a member of staff who treats clients.
type Therapist struct {
	ID              string       `json:"id"`
	ClinicID        string       `json:"-"`
	Name            string       `json:"name"`
	Bio             string       `json:"bio"`
	YearsExperience int          `json:"years_experience"`
	Specialties     []string     `json:"specialties"`
	Modalities      []string     `json:"modalities"`
	Credentials     []Credential `json:"credentials"`
	Shifts          []Shift      `json:"shifts"`
	TimeOff         []TimeOff    `json:"time_off"`
}

// CredentialLicence is the credential kind that makes a therapist bookable:
// without a licence valid on a day, a therapist is not offered that day.
const CredentialLicence = "licence"

// Credential is a licence, registration or certificate.
type Credential struct {
	Kind    string     `json:"kind"` // "licence", "certification", ...
	Number  string     `json:"number"`
	Issuer  string     `json:"issuer"`
	Expires civil.Date `json:"expires,omitzero"` // none: does not expire
}

// Shift is a therapist's working time at one location on one weekday.
type Shift struct {
	LocationID string        `json:"location"`
	Weekday    civil.Weekday `json:"weekday"`
	Start      civil.Clock   `json:"start"`
	End        civil.Clock   `json:"end"`
}

// TimeOff makes a therapist unavailable from Start to End.
type TimeOff struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason,omitempty"`
}

// Late-cancellation policies.
const (
	LateCancelFee    = "fee"    // cancelling inside the window is allowed and charges the fee
	LateCancelRefuse = "refuse" // a client cannot cancel online inside the window; staff can
)

// Service is a modality a clinic sells at a duration and price.
type Service struct {
	ID                  string   `json:"id"`
	ClinicID            string   `json:"-"`
	Name                string   `json:"name"`
	Modality            string   `json:"modality"`
	DurationMinutes     int      `json:"duration_minutes"`
	Price               int64    `json:"price"` // minor units of Currency
	Currency            string   `json:"currency"`
	BufferBeforeMinutes int      `json:"buffer_before_minutes"`
	BufferAfterMinutes  int      `json:"buffer_after_minutes"`
	Equipment           []string `json:"equipment"` // kinds needed, one of each
	MinNoticeMinutes    int      `json:"min_notice_minutes"`
	HorizonDays         int      `json:"horizon_days"`
	CancelWindowHours   int      `json:"cancel_window_hours"`
	LateCancel          string   `json:"late_cancel"` // LateCancelFee or LateCancelRefuse
	LateCancelFee       int64    `json:"late_cancel_fee"`
	SlotStepMinutes     int      `json:"slot_step_minutes"` // grid of start times; default 15
}

// Client is a person who books visits at one clinic.
type Client struct {
	ID       string `json:"id"`
	ClinicID string `json:"-"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
}

// Appointment statuses.
const (
	StatusBooked    = "booked"
	StatusCancelled = "cancelled"
	StatusCompleted = "completed"
	StatusNoShow    = "no_show"
)

// Appointment is a booked visit. Start and End are the visit itself; the
// buffers around it keep therapist, room and equipment busy as well.
type Appointment struct {
	ID              string        `json:"id"`
	ClinicID        string        `json:"-"`
	LocationID      string        `json:"location"`
	ServiceID       string        `json:"service"`
	TherapistID     string        `json:"therapist"`
	RoomID          string        `json:"room,omitempty"`
	ClientID        string        `json:"client"`
	Start           time.Time     `json:"start"`
	End             time.Time     `json:"end"`
	BufferBefore    time.Duration `json:"-"`
	BufferAfter     time.Duration `json:"-"`
	Equipment       []string      `json:"equipment,omitempty"` // kinds taken
	Status          string        `json:"status"`
	CancelFee       int64         `json:"cancel_fee,omitempty"`
	Created         time.Time     `json:"created"`
	Cancelled       time.Time     `json:"-"`
	CheckedIn       time.Time     `json:"checked_in,omitzero"` // when the client arrived
	CancelTokenHash []byte        `json:"-"`
}

// Roles of staff users.
const (
	RoleOwner     = "owner"
	RoleFrontDesk = "front_desk"
	RoleTherapist = "therapist"
)

// User is a member of staff who logs in.
type User struct {
	ID           string `json:"id"`
	ClinicID     string `json:"-"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	TherapistID  string `json:"therapist,omitempty"` // for role therapist
	PasswordHash string `json:"-"`
}
