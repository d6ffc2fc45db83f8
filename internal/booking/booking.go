package booking

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"knead/internal/auth"
	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/schedule"
)

// Query asks for the free slots of a service at a location.
type Query struct {
	ClinicID    string
	LocationID  string
	ServiceID   string
	TherapistID string // "" for any qualified therapist
	From, To    civil.Date
	Staff       bool   // staff see times inside minimum notice and beyond the horizon
	IgnoreID    string // an appointment to leave out: the one being moved
}

// Availability is the answer to a Query.
type Availability struct {
	Zone  *time.Location
	Slots []schedule.CompactSlot // see Therapist for whom each would take
	// ValidUntil is the last instant at which the answer is still right if
	// no booking or catalog change happens: the first slot's start minus the
	// notice (after which it may no longer be offered), or the next local
	// midnight when the horizon will let a new day in.
	ValidUntil time.Time

	therapists []string // ids, by the engine's index
}

// Therapist returns the id of the therapist slot s would take.
func (a Availability) Therapist(s schedule.CompactSlot) string { return a.therapists[s.Therapist] }

// validUntil computes Availability.ValidUntil.
func validUntil(req *schedule.Request, slots []schedule.CompactSlot) time.Time {
	until := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if len(slots) > 0 {
		until = time.Unix(0, slots[0].Start).Add(-req.Notice)
	}
	if req.HorizonDays > 0 {
		midnight := civil.DateOf(req.Now.In(req.Zone)).AddDays(1).In(req.Zone, 0).Add(-time.Nanosecond)
		if midnight.Before(until) {
			until = midnight
		}
	}
	return until
}

// Slots lists the free slots for q as of now.
func Slots(ctx context.Context, st clinic.BookingStore, q Query, now time.Time) (Availability, error) {
	var v clinic.Validation
	v.Check(q.LocationID != "", "location", "is required")
	v.Check(q.ServiceID != "", "service", "is required")
	if !q.From.IsZero() && !q.To.IsZero() {
		v.Check(!q.To.Before(q.From), "to", "must not be before from")
		v.Check(q.From.DaysUntil(q.To) < MaxRangeDays, "to", "the range may span at most %d days", MaxRangeDays)
	} else {
		v.Check(!q.From.IsZero(), "from", "is required (YYYY-MM-DD)")
		v.Check(!q.To.IsZero(), "to", "is required (YYYY-MM-DD)")
	}
	if err := v.Err(); err != nil {
		return Availability{}, err
	}
	data, err := st.Schedule(ctx, clinic.ScheduleQuery{ClinicID: q.ClinicID, LocationID: q.LocationID, ServiceID: q.ServiceID,
		LocalFrom: q.From, LocalTo: q.To})
	if err != nil {
		return Availability{}, err
	}
	req, err := buildRequest(data, engineInput{therapistID: q.TherapistID, from: q.From, to: q.To, now: now, staff: q.Staff,
		ignoreID: q.IgnoreID})
	if err != nil {
		return Availability{}, err
	}
	slots, err := schedule.FindCompact(req)
	if err != nil {
		return Availability{}, clinic.Errorf(clinic.EInvalid, "%v", err)
	}
	ids := make([]string, len(req.Therapists))
	for i, t := range req.Therapists {
		ids[i] = t.ID
	}
	return Availability{Zone: req.Zone, Slots: slots, ValidUntil: validUntil(req, slots), therapists: ids}, nil
}

// Nearest returns, in time order, up to n free slots nearest in time to
// r.Start for r's service, location and therapist (or any), from the day
// before to a week after: what to offer a client whose time was just taken.
func Nearest(ctx context.Context, st clinic.BookingStore, r Request, now time.Time, n int) (Availability, error) {
	day := civil.DateOf(r.Start.UTC())
	av, err := Slots(ctx, st, Query{ClinicID: r.ClinicID, LocationID: r.LocationID, ServiceID: r.ServiceID,
		TherapistID: r.TherapistID, From: day.AddDays(-1), To: day.AddDays(7), Staff: r.Staff}, now)
	if err != nil {
		return Availability{}, err
	}
	want := r.Start.UnixNano()
	distance := func(s schedule.CompactSlot) int64 { return max(s.Start-want, want-s.Start) }
	slots := slices.Clone(av.Slots)
	slices.SortStableFunc(slots, func(x, y schedule.CompactSlot) int { return cmp.Compare(distance(x), distance(y)) })
	slots = slots[:min(n, len(slots))]
	slices.SortFunc(slots, func(x, y schedule.CompactSlot) int { return cmp.Compare(x.Start, y.Start) })
	av.Slots = slots
	return av, nil
}

// Request asks to book one visit.
type Request struct {
	ClinicID       string
	LocationID     string
	ServiceID      string
	TherapistID    string // "" for any qualified therapist
	Start          time.Time
	Client         clinic.Client // a guest's details; or
	ClientID       string        // an existing client, when staff book
	Staff          bool
	IdempotencyKey string
}

// Booked is a booked visit and the secret that lets the client manage it.
type Booked struct {
	Appointment clinic.Appointment
	CancelToken string
	Replayed    bool // an Idempotency-Key retry: this is the first answer again
}

// fingerprint identifies a booking request for Idempotency-Key reuse checks.
func (r Request) fingerprint() []byte {
	h := sha256.New()
	for _, s := range []string{r.LocationID, r.ServiceID, r.TherapistID, r.Start.UTC().Format(time.RFC3339),
		strings.ToLower(r.Client.Email), r.Client.Name, r.Client.Phone, r.ClientID} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

func (r Request) validate() error {
	var v clinic.Validation
	v.Check(r.LocationID != "", "location", "is required")
	v.Check(r.ServiceID != "", "service", "is required")
	v.Check(!r.Start.IsZero(), "start", "is required (RFC 3339 time)")
	v.Check(len(r.IdempotencyKey) <= 200 && visibleASCII(r.IdempotencyKey), "Idempotency-Key",
		"must be at most 200 visible ASCII characters (a UUID, say)")
	if r.ClientID == "" || !r.Staff {
		validateClient(&v, r.Client)
	}
	return v.Err()
}

func validateClient(v *clinic.Validation, c clinic.Client) {
	name := strings.TrimSpace(c.Name)
	v.Check(name != "", "client.name", "is required")
	v.Check(len(name) <= 200, "client.name", "must be at most 200 characters")
	v.Check(printable(name), "client.name", "must be readable text, without control characters")
	addr, err := mail.ParseAddress(c.Email)
	v.Check(err == nil && addr.Address == c.Email && len(c.Email) <= 254, "client.email", "must be an email address like name@example.com")
	digits := 0
	for _, r := range c.Phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().", r):
		default:
			digits = -100
		}
	}
	v.Check(digits >= 7 && digits <= 15, "client.phone", "must be a phone number of 7 to 15 digits")
}

// Book books one visit as of now. The time must be a free slot by the same
// rules that list slots, re-checked inside the booking transaction.
func Book(ctx context.Context, st clinic.BookingStore, r Request, now time.Time) (Booked, error) {
	if r.Staff && r.ClientID != "" {
		r.Client = clinic.Client{}
	}
	if err := r.validate(); err != nil {
		return Booked{}, err
	}
	r.Client.Name = strings.TrimSpace(r.Client.Name)
	token, tokenHash, err := auth.NewToken()
	if err != nil {
		return Booked{}, err
	}
	fp := r.fingerprint()
	var out Booked
	in := engineInput{therapistID: r.TherapistID, now: now, staff: r.Staff}
	err = st.InBookingTx(ctx, r.ClinicID, func(tx clinic.BookingTx) error {
		out = Booked{}
		// The key and the schedule are read together (one round trip on
		// PostgreSQL), the writes go with the commit (another).
		// The client's clinical status is read in the same round trip, so
		// red flags stop the booking inside its transaction.
		begun, err := tx.Start(ctx, slotQuery(r.ClinicID, r.LocationID, r.ServiceID, in, r.Start), r.IdempotencyKey,
			clinic.ClientRef{ID: r.ClientID, Email: r.Client.Email})
		if err != nil {
			return err
		}
		if begun.KeyFound {
			return replay(ctx, tx, r.ClinicID, begun.KeyAppointmentID, begun.KeyRequestHash, fp, &out)
		}
		if err := gate(begun.Clinical, r.Staff); err != nil {
			return err
		}
		if err := ruledOut(begun.Clinical, begun.Schedule.Service.Modality, now, r.Staff); err != nil {
			return err
		}
		slot, err := checkData(begun.Schedule, in, r.Start)
		if err != nil {
			return err
		}
		service := begun.Schedule.Service
		nb := clinic.NewBooking{
			Appointment: clinic.Appointment{
				ClinicID: r.ClinicID, LocationID: r.LocationID, ServiceID: r.ServiceID,
				TherapistID: slot.TherapistID, RoomID: slot.RoomID, ClientID: r.ClientID,
				Start: slot.Start, End: slot.End,
				BufferBefore:    time.Duration(service.BufferBeforeMinutes) * time.Minute,
				BufferAfter:     time.Duration(service.BufferAfterMinutes) * time.Minute,
				Equipment:       service.Equipment,
				Status:          clinic.StatusBooked,
				Created:         now,
				CancelTokenHash: tokenHash,
			},
			Client:         r.Client,
			IdempotencyKey: r.IdempotencyKey,
			Now:            now,
		}
		if r.IdempotencyKey != "" {
			// The stored fingerprint is the request's hash followed by the cancel
			// token, so that a retry can answer exactly as the first request did.
			nb.RequestHash = append(append([]byte{}, fp...), token...)
		}
		out = Booked{CancelToken: token}
		return tx.Save(ctx, nb, &out.Appointment)
	})
	if clinic.ErrorCode(err) == clinic.EConflict && r.IdempotencyKey != "" {
		// A concurrent request with the same key may have won the race to
		// store it; then this one is a retry and answers as that one did.
		if err2 := st.InBookingTx(ctx, r.ClinicID, func(tx clinic.BookingTx) error {
			done, err := replayed(ctx, tx, r, fp, &out)
			if err == nil && !done {
				return clinic.Errorf(clinic.ENotFound, "no stored key")
			}
			return err
		}); err2 == nil {
			return out, nil
		}
	}
	if err != nil {
		return Booked{}, err
	}
	return out, nil
}

// replayed answers a request whose Idempotency-Key is already stored. done
// is false when the key is new (or there is none).
func replayed(ctx context.Context, tx clinic.BookingTx, r Request, fp []byte, out *Booked) (done bool, err error) {
	if r.IdempotencyKey == "" {
		return false, nil
	}
	id, stored, found, err := tx.Idempotency(ctx, r.ClinicID, r.IdempotencyKey)
	if err != nil || !found {
		return false, err
	}
	return true, replay(ctx, tx, r.ClinicID, id, stored, fp, out)
}

func replay(ctx context.Context, tx clinic.BookingTx, clinicID, id string, stored, fp []byte, out *Booked) error {
	if len(stored) < len(fp) || !bytes.Equal(stored[:len(fp)], fp) {
		return &clinic.Error{Code: clinic.EInvalid, Message: "This Idempotency-Key was already used for a different booking request.",
			Fields: []clinic.FieldError{{Field: "Idempotency-Key", Message: "reused with a different request"}}}
	}
	a, err := tx.GetAppointment(ctx, clinicID, id)
	if err != nil {
		return err
	}
	*out = Booked{Appointment: a, CancelToken: string(stored[len(fp):]), Replayed: true}
	return nil
}

// checkSlot reads the schedule around start and asks the engine whether
// start is free, exactly as listing would.
func checkSlot(ctx context.Context, tx clinic.BookingTx, clinicID, locationID, serviceID string, in engineInput, start time.Time) (schedule.Slot, clinic.ScheduleData, error) {
	data, err := tx.Schedule(ctx, slotQuery(clinicID, locationID, serviceID, in, start))
	if err != nil {
		return schedule.Slot{}, data, err
	}
	slot, err := checkData(data, in, start)
	return slot, data, err
}

// slotQuery is the schedule that decides whether start is free.
func slotQuery(clinicID, locationID, serviceID string, in engineInput, start time.Time) clinic.ScheduleQuery {
	q := clinic.ScheduleQuery{ClinicID: clinicID, LocationID: locationID, ServiceID: serviceID, DayOf: start}
	if in.therapistID != "" {
		// A named therapist: only visits that could overlap this one matter.
		// "Any therapist" reads the whole day, as listing does, because the
		// engine gives the visit to the free therapist with the fewest
		// visits that day.
		q.DayOf, q.SlotAt = time.Time{}, start
	}
	return q
}

// checkData asks the engine whether start is free in data.
func checkData(data clinic.ScheduleData, in engineInput, start time.Time) (schedule.Slot, error) {
	zone, err := civil.Zone(data.Location.TimeZone)
	if err != nil {
		return schedule.Slot{}, clinic.Errorf(clinic.EInternal, "location has an unknown time zone")
	}
	local := civil.DateOf(start.In(zone))
	in.from, in.to = local, local
	req, err := buildRequest(data, in)
	if err != nil {
		return schedule.Slot{}, err
	}
	slot, ok := schedule.Check(req, start)
	if !ok {
		return schedule.Slot{}, clinic.Errorf(clinic.EConflict, "That time is not free. Please pick another slot.")
	}
	return slot, nil
}

func visibleASCII(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
