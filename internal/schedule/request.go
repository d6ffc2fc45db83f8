// Package schedule is knead's availability engine: pure functions from a
// location's hours, therapists' shifts, time off and visits, rooms and
// counted equipment to the free slots for one service. It does no I/O and
// never reads the clock: Request.Now is passed in.
//
// Rules (DOMAIN.md section 12):
//   - A slot is a start time on the service's grid: every Step from the start
//     of each of the location's opening ranges that day, stepped in absolute
//     time, so a day with a daylight-saving change has no slot lost, doubled
//     or shifted.
//   - The visit [start, start+Duration) lies inside one opening range of the
//     location and one shift range of the therapist that day, on a day the
//     location is not closed, not inside the therapist's time off, and on a
//     local date on or before the therapist's ValidThrough (licence expiry).
//   - The visit padded by its buffers, [start-BufferBefore, end+BufferAfter),
//     does not overlap any other visit of the therapist, of the room, or of
//     the equipment beyond its count; and the visit itself does not overlap
//     any other visit's padding. Buffers may overlap each other (one room
//     turnover serves both visits) and may reach outside opening hours.
//   - A room: some room of the location is free as above (when the location
//     has rooms; a Request without rooms does not model them).
//   - Each needed kind of equipment: fewer than Count other visits hold it.
//   - Notice: start >= Now + Notice. Horizon: the local date of start is at
//     most HorizonDays after the local date of Now (HorizonDays 0: no limit).
package schedule

import (
	"time"

	"knead/internal/civil"
)

// Busy is one existing visit that holds a resource: the visit [Start, End)
// and its own buffers, during which the resource is also held.
type Busy struct {
	Start, End    time.Time
	Before, After time.Duration
}

// Interval is a span of instants [Start, End).
type Interval struct {
	Start, End time.Time
}

// Therapist is a candidate therapist, already known to offer the service's
// modality. Shifts are those at the requested location; Busy lists all of the
// therapist's visits at any location.
type Therapist struct {
	ID           string
	Shifts       civil.Weekly
	TimeOff      []Interval
	Busy         []Busy
	ValidThrough civil.Date // last local date the therapist may be booked; zero: no limit
}

// Room is a treatment room at the location and the visits held in it.
type Room struct {
	ID   string
	Busy []Busy
}

// Equipment is one needed kind of counted equipment at the location and the
// visits that hold one piece of it.
type Equipment struct {
	Kind  string
	Count int
	Busy  []Busy
}

// Request asks for the free slots of one service at one location.
type Request struct {
	Zone     *time.Location // the location's zone; local dates and clock times are in it
	From, To civil.Date     // inclusive local dates
	Now      time.Time

	Duration     time.Duration
	BufferBefore time.Duration
	BufferAfter  time.Duration
	Step         time.Duration // grid of start times; must be > 0
	Notice       time.Duration
	HorizonDays  int

	Hours    civil.Weekly // the location's opening hours
	Closures []DateRange  // local dates the location is closed

	Therapists []Therapist // candidates; one for "this therapist", several for "any"
	Rooms      []Room      // empty: rooms are not modelled
	Equipment  []Equipment // one entry per needed kind

	// AllTherapists asks for slots where every therapist is free at once
	// (a four-hands session); the slot then names the first therapist.
	AllTherapists bool
}

// DateRange is an inclusive range of local dates.
type DateRange struct {
	From, To civil.Date
}

// Slot is a free start time with the therapist and room it would take.
// For "any therapist" the therapist is the free one with the fewest visits
// that local day (ties: the earlier in Request.Therapists); the room is the
// first free one in Request.Rooms order ("" when rooms are not modelled).
type Slot struct {
	Start       time.Time
	End         time.Time
	TherapistID string
	RoomID      string
}

// The engine's entry points, implemented in engine.go:
//
//	Find(req *Request) ([]Slot, error)   every free slot from req.From to req.To, in start order
//	Check(req *Request, start time.Time) (Slot, bool)
//	                                     whether start is a free slot, by the same code as Find
