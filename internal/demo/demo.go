// Package demo seeds a fictional but realistic clinic, "demo", so that a
// newcomer sees knead working with one command: two locations in different
// time zones, eight therapists, every modality as a service, rooms, a shared
// hot-stone heater and a few weeks of booked visits.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"knead/internal/auth"
	"knead/internal/booking"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// Slug is the demo clinic's slug.
const Slug = "demo"

// Login is a demo staff login, printed when the demo starts.
type Login struct {
	Role, Email, Password string
}

// Logins are the demo's staff accounts. The passwords are public: this is a demo.
var Logins = []Login{
	{clinic.RoleOwner, "owner@demo.knead.test", "demo-owner-2027"},
	{clinic.RoleFrontDesk, "desk@demo.knead.test", "demo-desk-2027"},
	{clinic.RoleTherapist, "maya@demo.knead.test", "demo-maya-2027"},
}

func hours(ranges ...string) []civil.Range {
	var out []civil.Range
	for i := 0; i+1 < len(ranges); i += 2 {
		s, _ := civil.ParseClock(ranges[i])
		e, _ := civil.ParseClock(ranges[i+1])
		out = append(out, civil.Range{Start: s, End: e})
	}
	return out
}

// Seed creates the demo clinic unless it exists, and returns its logins.
func Seed(ctx context.Context, st clinic.Store, now time.Time) (logins []Login, err error) {
	if _, err := st.ClinicBySlug(ctx, Slug); err == nil {
		return Logins, nil
	} else if clinic.ErrorCode(err) != clinic.ENotFound {
		return nil, err
	}
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(seedError)
			if !ok {
				panic(v)
			}
			logins, err = nil, e.err
		}
	}()
	s := seeder{ctx: ctx, st: st}
	s.seed(now)
	return Logins, nil
}

// seeder creates the demo's rows; must stops it at the first error, so the
// seeding reads as a list of facts.
type seeder struct {
	ctx context.Context
	st  clinic.Store
	c   clinic.Clinic
}

type seedError struct{ err error }

func must[T any](v T, err error) T {
	if err != nil {
		panic(seedError{err})
	}
	return v
}

func (s *seeder) seed(now time.Time) {
	ctx, st := s.ctx, s.st
	s.c = must(st.CreateClinic(ctx, clinic.Clinic{Slug: Slug, Name: "Knead Demo Back & Body Clinic", Currency: "CAD"}))
	id := s.c.ID
	var toHours, vanHours civil.Weekly
	for d := time.Monday; d <= time.Friday; d++ {
		toHours[d] = hours("09:00", "20:00")
	}
	toHours[time.Saturday] = hours("10:00", "16:00") // closed on Sundays
	for d := time.Tuesday; d <= time.Saturday; d++ {
		vanHours[d] = hours("09:00", "13:00", "14:00", "19:00") // split hours, closed Mondays
	}
	vanHours[time.Sunday] = hours("10:00", "15:00")
	today := civil.DateOf(now)
	toronto := must(st.CreateLocation(ctx, id, clinic.Location{
		Name: "Toronto – Queen West", Address: "812 Queen St W, Toronto, ON M6J 1G1, Canada",
		Latitude: 43.6453, Longitude: -79.4106, TimeZone: "America/Toronto", Hours: toHours,
		Closures: []clinic.Closure{{From: today.AddDays(17), To: today.AddDays(17), Reason: "Staff training day"}},
	}))
	vancouver := must(st.CreateLocation(ctx, id, clinic.Location{
		Name: "Vancouver – Kitsilano", Address: "2250 W 4th Ave, Vancouver, BC V6K 1N8, Canada",
		Latitude: 49.2681, Longitude: -123.1580, TimeZone: "America/Vancouver", Hours: vanHours,
	}))
	for i := 1; i <= 4; i++ {
		must(st.CreateRoom(ctx, id, clinic.Room{LocationID: toronto.ID, Name: fmt.Sprintf("Room %d", i)}))
	}
	for _, n := range []string{"Cedar", "Spruce", "Alder"} {
		must(st.CreateRoom(ctx, id, clinic.Room{LocationID: vancouver.ID, Name: n + " room"}))
	}
	must(st.CreateEquipment(ctx, id, clinic.Equipment{LocationID: toronto.ID, Kind: "hot-stone-heater", Name: "Hot-stone heater", Count: 1}))
	must(st.CreateEquipment(ctx, id, clinic.Equipment{LocationID: toronto.ID, Kind: "cupping-set", Name: "Silicone cupping set", Count: 2}))
	must(st.CreateEquipment(ctx, id, clinic.Equipment{LocationID: vancouver.ID, Kind: "cupping-set", Name: "Glass cupping set", Count: 1}))

	therapists := s.therapists(toronto.ID, vancouver.ID, today)
	services := s.services()
	s.users(therapists)
	s.bookings(now, []clinic.Location{toronto, vancouver}, services)
}

func licence(n string, expires civil.Date) clinic.Credential {
	return clinic.Credential{Kind: clinic.CredentialLicence, Number: n, Issuer: "College of Massage Therapists", Expires: expires}
}

func shifts(loc string, days []time.Weekday, start, end string) []clinic.Shift {
	r := hours(start, end)[0]
	out := make([]clinic.Shift, len(days))
	for i, d := range days {
		out[i] = clinic.Shift{LocationID: loc, Weekday: civil.Weekday(d), Start: r.Start, End: r.End}
	}
	return out
}

var (
	monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	monWed = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday}
	thuSat = []time.Weekday{time.Thursday, time.Friday, time.Saturday}
	tueSat = []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
)

func (s *seeder) therapists(to, van string, today civil.Date) []clinic.Therapist {
	far := today.AddDays(700)
	list := []clinic.Therapist{
		{Name: "Maya Okafor", YearsExperience: 12, Bio: "Registered massage therapist focused on chronic low back pain and posture.",
			Specialties: []string{"chronic low back pain", "posture"}, Modalities: []string{"deep-tissue", "myoskeletal-alignment", "trigger-point", "swedish"},
			Credentials: []clinic.Credential{licence("RMT-10428", far)}, Shifts: shifts(to, monFri, "09:00", "17:00")},
		{Name: "Daniel Brooks", YearsExperience: 7, Bio: "Sports and deep tissue work for active people and desk workers.",
			Specialties: []string{"sports recovery", "tech neck"}, Modalities: []string{"sports", "deep-tissue", "cupping", "myofascial-release"},
			Credentials: []clinic.Credential{licence("RMT-11873", far), {Kind: "certification", Number: "CUP-221", Issuer: "Cupping Institute", Expires: today.AddDays(-30)}},
			Shifts:      append(shifts(to, monWed, "12:00", "20:00"), shifts(to, []time.Weekday{time.Saturday}, "10:00", "16:00")...)},
		{Name: "Sofia Marchetti", YearsExperience: 15, Bio: "Hot stone and Swedish massage for stress held in the shoulders and upper back.",
			Specialties: []string{"tension headaches", "stress"}, Modalities: []string{"hot-stone", "swedish", "trigger-point"},
			Credentials: []clinic.Credential{licence("RMT-08311", far)}, TimeOff: []clinic.TimeOff{{
				Start: today.AddDays(9).In(time.UTC, 0), End: today.AddDays(12).In(time.UTC, 0), Reason: "Holiday"}},
			Shifts: shifts(to, thuSat, "10:00", "18:00")},
		{Name: "Tomás Rivera", YearsExperience: 4, Bio: "Sciatica release and hip work for pain travelling down the leg.",
			Specialties: []string{"sciatica", "hips and glutes"}, Modalities: []string{"sciatica-release", "deep-tissue", "swedish", "thai"},
			// Licence runs out in three weeks: knead stops offering him after it.
			Credentials: []clinic.Credential{licence("RMT-13390", today.AddDays(21))},
			Shifts:      append(shifts(to, []time.Weekday{time.Monday, time.Tuesday}, "09:00", "15:00"), shifts(van, []time.Weekday{time.Thursday, time.Friday}, "09:00", "17:00")...)},
		{Name: "Aiko Tanaka", YearsExperience: 9, Bio: "Myofascial release and cupping for stubborn tightness and scar tissue.",
			Specialties: []string{"scar tissue", "restricted movement"}, Modalities: []string{"myofascial-release", "cupping", "swedish"},
			Credentials: []clinic.Credential{licence("RMT-20117", far)}, Shifts: shifts(van, tueSat, "09:00", "17:00")},
		{Name: "Liam O'Connor", YearsExperience: 6, Bio: "Thai stretching and sports massage for mobility.",
			Specialties: []string{"mobility", "athletes"}, Modalities: []string{"thai", "sports", "trigger-point"},
			Credentials: []clinic.Credential{licence("RMT-20544", far)},
			Shifts:      append(shifts(van, []time.Weekday{time.Tuesday, time.Wednesday, time.Saturday}, "11:00", "19:00"), shifts(van, []time.Weekday{time.Sunday}, "10:00", "15:00")...)},
		{Name: "Grace Kim", YearsExperience: 20, Bio: "Orthopaedic and myoskeletal alignment work restoring balance around the spine.",
			Specialties: []string{"alignment", "chronic stiffness"}, Modalities: []string{"myoskeletal-alignment", "deep-tissue", "hot-stone"},
			Credentials: []clinic.Credential{licence("RMT-05562", far)}, Shifts: shifts(to, []time.Weekday{time.Wednesday, time.Thursday, time.Friday}, "11:00", "20:00")},
		{Name: "Noah Bennett", YearsExperience: 2, Bio: "Relaxation and maintenance massage.",
			Specialties: []string{"relaxation"}, Modalities: []string{"swedish", "cupping", "sciatica-release"},
			Credentials: []clinic.Credential{licence("RMT-22901", far)}, Shifts: shifts(van, []time.Weekday{time.Wednesday, time.Thursday, time.Friday, time.Saturday}, "09:00", "13:00")},
	}
	out := make([]clinic.Therapist, 0, len(list))
	for _, t := range list {
		out = append(out, must(s.st.CreateTherapist(s.ctx, s.c.ID, t)))
	}
	return out
}

func (s *seeder) services() []clinic.Service {
	type svc struct {
		name, modality string
		minutes        int
		price          int64
		before, after  int
		equipment      []string
	}
	list := []svc{
		{"Swedish relaxation massage", "swedish", 60, 11000, 0, 15, nil},
		{"Deep tissue massage", "deep-tissue", 60, 12500, 0, 15, nil},
		{"Trigger point therapy", "trigger-point", 45, 9500, 0, 15, nil},
		{"Myofascial release", "myofascial-release", 60, 12000, 0, 15, nil},
		{"Myoskeletal alignment", "myoskeletal-alignment", 75, 14500, 0, 15, nil},
		{"Hot stone massage", "hot-stone", 90, 16500, 15, 15, []string{"hot-stone-heater"}},
		{"Cupping therapy", "cupping", 45, 9000, 0, 15, []string{"cupping-set"}},
		{"Sciatica release", "sciatica-release", 60, 12500, 0, 15, nil},
		{"Sports massage", "sports", 60, 12000, 0, 15, nil},
		{"Thai stretching massage", "thai", 90, 15000, 0, 15, nil},
	}
	out := make([]clinic.Service, 0, len(list))
	for _, v := range list {
		out = append(out, must(s.st.CreateService(s.ctx, s.c.ID, clinic.Service{
			Name: v.name, Modality: v.modality, DurationMinutes: v.minutes, Price: v.price, Currency: "CAD",
			BufferBeforeMinutes: v.before, BufferAfterMinutes: v.after, Equipment: v.equipment,
			MinNoticeMinutes: 120, HorizonDays: 90, CancelWindowHours: 24, LateCancel: clinic.LateCancelFee, LateCancelFee: v.price / 2,
		})))
	}
	return out
}

func (s *seeder) users(therapists []clinic.Therapist) {
	names := []string{"Olivia Grant", "Sam Patel", "Maya Okafor"}
	for i, l := range Logins {
		hash := must(auth.HashPassword(l.Password))
		u := clinic.User{Email: l.Email, Name: names[i], Role: l.Role, PasswordHash: hash}
		if l.Role == clinic.RoleTherapist && len(therapists) > 0 {
			u.TherapistID = therapists[0].ID
		}
		must(s.st.CreateUser(s.ctx, s.c.ID, u))
	}
}

var firstNames = []string{"Ava", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Isla", "Jun", "Kira", "Leo", "Mia", "Nils", "Omar", "Priya"}
var lastNames = []string{"Adams", "Bauer", "Chen", "Diaz", "Evans", "Fischer", "Gupta", "Hughes", "Ito", "Jones", "Khan", "Lopez"}

// bookings fills the next three weeks about a third full, through the same
// booking code a client uses, so every seeded visit obeys every rule.
func (s *seeder) bookings(now time.Time, locations []clinic.Location, services []clinic.Service) {
	rng := rand.New(rand.NewPCG(2027, 1))
	today := civil.DateOf(now)
	for day := 1; day <= 21; day++ {
		date := today.AddDays(day)
		for _, loc := range locations {
			for range 6 {
				svc := services[rng.IntN(len(services))]
				av, err := booking.Slots(s.ctx, s.st, booking.Query{ClinicID: s.c.ID, LocationID: loc.ID, ServiceID: svc.ID, From: date, To: date}, now)
				must(av, err)
				if len(av.Slots) == 0 {
					continue
				}
				slot := av.Slots[rng.IntN(len(av.Slots))]
				first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
				_, err = booking.Book(s.ctx, s.st, booking.Request{
					ClinicID: s.c.ID, LocationID: loc.ID, ServiceID: svc.ID, TherapistID: av.Therapist(slot), Start: slot.StartTime(av.Zone),
					Client: clinic.Client{Name: first + " " + last, Email: strings.ToLower(first + "." + last + "@example.com"),
						Phone: fmt.Sprintf("+1 416 555 %04d", rng.IntN(10000))},
				}, now)
				if clinic.ErrorCode(err) != clinic.EConflict {
					must(0, err)
				}
			}
		}
	}
}
