package clinic

import (
	"context"
	"time"

	"knead/internal/civil"
)

// Every Store method that takes a clinicID reads or changes only that
// clinic's rows: an id that belongs to another clinic is ENotFound, exactly
// as an id that does not exist. Methods return *Error with ENotFound,
// EConflict (unique key taken, row still referenced) or EInvalid where those
// apply, and wrap anything else as an internal error. IDs are opaque strings
// the store makes (random, URL-safe). Create methods ignore the ID and
// ClinicID of their argument and return the stored value.

// CatalogStore keeps clinics and what they sell, where and by whom.
type CatalogStore interface {
	CreateClinic(ctx context.Context, c Clinic) (Clinic, error)
	ClinicBySlug(ctx context.Context, slug string) (Clinic, error)
	GetClinic(ctx context.Context, id string) (Clinic, error)
	ListClinics(ctx context.Context) ([]Clinic, error)
	UpdateClinic(ctx context.Context, c Clinic) (Clinic, error)

	CreateLocation(ctx context.Context, clinicID string, l Location) (Location, error)
	GetLocation(ctx context.Context, clinicID, id string) (Location, error)
	ListLocations(ctx context.Context, clinicID string) ([]Location, error)
	UpdateLocation(ctx context.Context, clinicID string, l Location) (Location, error)
	DeleteLocation(ctx context.Context, clinicID, id string) error

	CreateRoom(ctx context.Context, clinicID string, r Room) (Room, error)
	GetRoom(ctx context.Context, clinicID, id string) (Room, error)
	ListRooms(ctx context.Context, clinicID string) ([]Room, error)
	UpdateRoom(ctx context.Context, clinicID string, r Room) (Room, error)
	DeleteRoom(ctx context.Context, clinicID, id string) error

	CreateEquipment(ctx context.Context, clinicID string, e Equipment) (Equipment, error)
	GetEquipment(ctx context.Context, clinicID, id string) (Equipment, error)
	ListEquipment(ctx context.Context, clinicID string) ([]Equipment, error)
	UpdateEquipment(ctx context.Context, clinicID string, e Equipment) (Equipment, error)
	DeleteEquipment(ctx context.Context, clinicID, id string) error

	CreateTherapist(ctx context.Context, clinicID string, t Therapist) (Therapist, error)
	GetTherapist(ctx context.Context, clinicID, id string) (Therapist, error)
	ListTherapists(ctx context.Context, clinicID string) ([]Therapist, error)
	UpdateTherapist(ctx context.Context, clinicID string, t Therapist) (Therapist, error)
	DeleteTherapist(ctx context.Context, clinicID, id string) error

	CreateService(ctx context.Context, clinicID string, s Service) (Service, error)
	GetService(ctx context.Context, clinicID, id string) (Service, error)
	ListServices(ctx context.Context, clinicID string) ([]Service, error)
	UpdateService(ctx context.Context, clinicID string, s Service) (Service, error)
	DeleteService(ctx context.Context, clinicID, id string) error
}

// UserStore keeps staff users and their login sessions.
type UserStore interface {
	CreateUser(ctx context.Context, clinicID string, u User) (User, error) // EConflict if the email is taken in the clinic
	UserByEmail(ctx context.Context, clinicID, email string) (User, error)
	GetUser(ctx context.Context, clinicID, id string) (User, error)
	ListUsers(ctx context.Context, clinicID string) ([]User, error)

	// CreateSession stores the hash of a bearer token for a user until expires.
	CreateSession(ctx context.Context, s Session) error
	// SessionByTokenHash returns the live session (expires after now) and its user.
	SessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (Session, User, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// NoteLoginFailure counts a failed login for key in its window and
	// returns the count; LoginFailures reads it and when the window ends;
	// ClearLoginFailures forgets it. See auth.Throttle.
	NoteLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration) (int, error)
	LoginFailures(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error)
	ClearLoginFailures(ctx context.Context, key string) error
}

// Session is a staff login: a bearer token, kept only as its SHA-256.
type Session struct {
	TokenHash []byte
	UserID    string
	ClinicID  string
	Created   time.Time
	Expires   time.Time
}

// AppointmentFilter selects appointments; zero fields do not filter.
type AppointmentFilter struct {
	LocationID  string
	TherapistID string
	ClientID    string
	From, To    time.Time // visits starting in [From, To)
	Status      string
	Limit       int // 0: the store's default of 500
}

// ScheduleQuery asks for everything the availability engine needs to decide
// the free slots of one service at one location over [From, To).
type ScheduleQuery struct {
	ClinicID   string
	LocationID string
	ServiceID  string
	From, To   time.Time
	// LocalFrom and LocalTo, when set (with LocationID), ask for the local
	// dates LocalFrom to LocalTo inclusive in the location's time zone
	// instead of From and To.
	LocalFrom, LocalTo civil.Date
	// DayOf, when set (with LocationID), asks for the local day that
	// contains this instant in the location's time zone.
	DayOf time.Time
	// SlotAt, when set (with LocationID and ServiceID), asks only for the
	// visits that could overlap a visit of the service starting at SlotAt
	// with its buffers: enough to check one slot for named therapists.
	SlotAt time.Time
}

// ScheduleData is what a ScheduleQuery reads: the catalog rows and every
// visit (not cancelled) whose span with its buffers, [Start-BufferBefore,
// End+BufferAfter), overlaps [From, To), held by any therapist of the clinic
// or at the location, as Visits. Only the window is read from the appointments table,
// through an index.
//
// The catalog parts (Location, Service, Therapists, Rooms, Equipment) may
// be shared with other readers through the store's catalog cache: callers
// must not change them.
type ScheduleData struct {
	Location   Location
	Service    Service
	Therapists []Therapist // every therapist of the clinic; the caller filters
	Rooms      []Room      // at the location
	Equipment  []Equipment // at the location
	Visits     []Visit
}

// Visit is what a schedule needs of a booked (not cancelled) appointment.
// A month of a busy clinic is thousands of them, so it is kept small.
type Visit struct {
	ID, LocationID, TherapistID, RoomID string
	Start, End                          time.Time
	BufferBefore, BufferAfter           time.Duration
	Equipment                           []string // kinds held
}

// BookingTx is one booking transaction. What it reads stays true until it
// commits: on SQLite the transaction holds the write lock from its start; on
// PostgreSQL it holds the clinic's row lock from its first statement, and is
// run again from the top should the database still report a serialization
// failure or a deadlock. The function given to Store.InBookingTx must
// therefore have no effects outside the transaction.
type BookingTx interface {
	// Start is a new booking's first read: the stored Idempotency-Key (when
	// key is not "", as Idempotency reads it) and the schedule q (as
	// Schedule reads it). A store that talks to a server sends both with
	// the transaction's start and lock, in one round trip.
	// With a client (by id, or by email for a guest), it also reads their
	// clinical status (see ClientStatus) in the same round trip, so that
	// the red-flag gate is decided inside the booking transaction.
	Start(ctx context.Context, q ScheduleQuery, key string, client ClientRef) (BookingStart, error)
	// Save writes a checked booking: its guest client (when
	// Appointment.ClientID is ""), the appointment, whose ID it makes, and
	// the Idempotency-Key (EConflict if it is already stored). It is the
	// booking's last step: any call on the transaction after it fails. The
	// store may hold the writes back and send them with its next round trip
	// (a store that talks to a server sends them with the commit, or with
	// the next booking of a group commit), so their errors may come only
	// from InBookingTx, and the appointment as stored, with its client, is
	// in *into only once InBookingTx returned nil. Should fn return an error
	// after Save, the writes are undone with the rest of fn.
	Save(ctx context.Context, b NewBooking, into *Appointment) error
	Schedule(ctx context.Context, q ScheduleQuery) (ScheduleData, error)
	GetAppointment(ctx context.Context, clinicID, id string) (Appointment, error)
	InsertAppointment(ctx context.Context, a Appointment) (Appointment, error) // makes the ID
	// UpdateAppointment writes status, check-in, times, therapist, room, equipment,
	// buffers, cancel fee and cancelled time of an existing appointment.
	UpdateAppointment(ctx context.Context, a Appointment) error
	// UpsertClient finds the clinic's client by email (case-insensitive) and
	// updates name and phone, or creates one.
	UpsertClient(ctx context.Context, clinicID string, c Client) (Client, error)
	// Idempotency returns the appointment id and request hash stored for key,
	// or found=false.
	Idempotency(ctx context.Context, clinicID, key string) (appointmentID string, requestHash []byte, found bool, err error)
	// SaveIdempotency records key; EConflict if the key is already there.
	SaveIdempotency(ctx context.Context, clinicID, key string, requestHash []byte, appointmentID string, now time.Time) error
}

// ClientRef names a booking's client: by ID, or by Email for a guest (who
// may be new). The zero ClientRef names nobody.
type ClientRef struct {
	ID, Email string
}

// BookingStart is what BookingTx.Start reads.
type BookingStart struct {
	Schedule ScheduleData
	// Clinical is the client's clinical status, when Start was given one (a
	// new client: no intake).
	Clinical ClientClinicalStatus
	// The stored Idempotency-Key: the appointment it made and the request's
	// hash, when KeyFound.
	KeyFound         bool
	KeyAppointmentID string
	KeyRequestHash   []byte
}

// NewBooking is what BookingTx.Save writes.
type NewBooking struct {
	Appointment Appointment
	// Client is the guest, found by email (in any case) and updated, or
	// created; used when Appointment.ClientID is "".
	Client         Client
	IdempotencyKey string // "" for none
	RequestHash    []byte // stored with the key
	Now            time.Time
}

// BookingStore reads schedules and runs booking transactions.
type BookingStore interface {
	// Schedule reads a ScheduleQuery outside any booking transaction.
	Schedule(ctx context.Context, q ScheduleQuery) (ScheduleData, error)
	// InBookingTx runs fn in one booking transaction of the clinic: fn may
	// read and write only that clinic's rows through tx.
	InBookingTx(ctx context.Context, clinicID string, fn func(tx BookingTx) error) error
	GetAppointment(ctx context.Context, clinicID, id string) (Appointment, error)
	ListAppointments(ctx context.Context, clinicID string, f AppointmentFilter) ([]Appointment, error)
	GetClient(ctx context.Context, clinicID, id string) (Client, error)
	ListClients(ctx context.Context, clinicID string, query string, limit int) ([]Client, error)
	// ClientStatus says whether the client's latest intake lets them be
	// booked (the same method as IntakeStore's): a move asks it (a booking
	// reads it in BookingTx.Start).
	ClientStatus(ctx context.Context, clinicID, clientID string) (ClientClinicalStatus, error)
}

// Store is everything knead persists. Both engines implement it and pass the
// same conformance suite.
type Store interface {
	CatalogStore
	UserStore
	BookingStore
	AccountStore
	IntakeStore
	// Ping checks the database answers; Close releases it.
	Ping(ctx context.Context) error
	Close() error
}
