package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/store"
)

func deepEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestClinics(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		created := time.Date(2027, 3, 14, 9, 30, 15, 999, time.FixedZone("EDT", -4*3600))
		a, err := db.CreateClinic(ctx, clinic.Clinic{ID: "ignored", Slug: "ash", Name: "Ash Clinic", Currency: "CAD", Created: created})
		ok(t, err)
		if a.ID == "" || a.ID == "ignored" {
			t.Fatalf("id = %q, want a fresh one", a.ID)
		}
		deepEqual(t, "created", a, clinic.Clinic{ID: a.ID, Slug: "ash", Name: "Ash Clinic", Currency: "CAD",
			Created: time.Date(2027, 3, 14, 13, 30, 15, 0, time.UTC)})
		got, err := db.ClinicBySlug(ctx, "ash")
		ok(t, err)
		deepEqual(t, "by slug", got, a)

		b, err := db.CreateClinic(ctx, clinic.Clinic{Slug: "birch", Name: "Birch", Currency: "EUR"})
		ok(t, err)
		_, err = db.CreateClinic(ctx, clinic.Clinic{Slug: "ash", Name: "Again", Currency: "CAD"})
		wantCode(t, err, clinic.EConflict)

		b.Name, b.Currency = "Birch & Co", "USD"
		got, err = db.UpdateClinic(ctx, b)
		ok(t, err)
		deepEqual(t, "updated", got, b)
		b.Slug = "ash"
		_, err = db.UpdateClinic(ctx, b)
		wantCode(t, err, clinic.EConflict)
		_, err = db.UpdateClinic(ctx, clinic.Clinic{ID: "nope", Slug: "nope"})
		wantCode(t, err, clinic.ENotFound)
		_, err = db.ClinicBySlug(ctx, "nope")
		wantCode(t, err, clinic.ENotFound)

		all, err := db.ListClinics(ctx)
		ok(t, err)
		b.Slug = "birch"
		deepEqual(t, "list", all, []clinic.Clinic{a, b})
	})
}

func TestCatalogRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, err := db.CreateClinic(ctx, clinic.Clinic{Slug: "ash", Name: "Ash", Currency: "CAD"})
		ok(t, err)
		toronto, err := time.LoadLocation("America/Toronto")
		ok(t, err)

		var hours civil.Weekly
		hours[time.Monday] = []civil.Range{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17*60 + 30}}
		hours[time.Saturday] = []civil.Range{{Start: 10 * 60, End: 1440}}
		loc := clinic.Location{ID: "ignored", ClinicID: "ignored", Name: "Queen St", Address: "1 Queen St W, Toronto",
			Latitude: 43.6532, Longitude: -79.3832, TimeZone: "America/Toronto", Hours: hours,
			Closures: []clinic.Closure{
				{From: civil.Date{Year: 2027, Month: 12, Day: 24}, To: civil.Date{Year: 2027, Month: 12, Day: 26}, Reason: "Holidays"},
				{}, // a zero closure still round-trips exactly
			}}
		var locID string
		t.Run("location", func(t *testing.T) {
			got, err := db.CreateLocation(ctx, c.ID, loc)
			ok(t, err)
			want := loc
			want.ID, want.ClinicID = got.ID, c.ID
			deepEqual(t, "created", got, want)
			again, err := db.GetLocation(ctx, c.ID, got.ID)
			ok(t, err)
			deepEqual(t, "get", again, want)

			want.Name, want.TimeZone, want.Latitude, want.Closures = "Queen Street", "Europe/Berlin", 52.52, nil
			want.Hours[time.Monday] = nil
			want.Hours[time.Sunday] = []civil.Range{{Start: 0, End: 30}}
			updated, err := db.UpdateLocation(ctx, c.ID, want)
			ok(t, err)
			deepEqual(t, "updated", updated, want)
			list, err := db.ListLocations(ctx, c.ID)
			ok(t, err)
			deepEqual(t, "list", list, []clinic.Location{want})
			locID = got.ID
		})

		t.Run("room", func(t *testing.T) {
			got, err := db.CreateRoom(ctx, c.ID, clinic.Room{LocationID: locID, Name: "Room 1"})
			ok(t, err)
			deepEqual(t, "created", got, clinic.Room{ID: got.ID, ClinicID: c.ID, LocationID: locID, Name: "Room 1"})
			got.Name = "Cedar"
			updated, err := db.UpdateRoom(ctx, c.ID, got)
			ok(t, err)
			deepEqual(t, "updated", updated, got)
			again, err := db.GetRoom(ctx, c.ID, got.ID)
			ok(t, err)
			deepEqual(t, "get", again, got)
			_, err = db.CreateRoom(ctx, c.ID, clinic.Room{LocationID: "nope", Name: "X"})
			wantCode(t, err, clinic.ENotFound)
			got.LocationID = "nope"
			_, err = db.UpdateRoom(ctx, c.ID, got)
			wantCode(t, err, clinic.ENotFound)
		})

		t.Run("equipment", func(t *testing.T) {
			got, err := db.CreateEquipment(ctx, c.ID, clinic.Equipment{LocationID: locID, Kind: "hot-stone-heater", Name: "Heater", Count: 2})
			ok(t, err)
			deepEqual(t, "created", got, clinic.Equipment{ID: got.ID, ClinicID: c.ID, LocationID: locID, Kind: "hot-stone-heater", Name: "Heater", Count: 2})
			got.Count, got.Kind = 3, "cupping-set"
			updated, err := db.UpdateEquipment(ctx, c.ID, got)
			ok(t, err)
			deepEqual(t, "updated", updated, got)
			list, err := db.ListEquipment(ctx, c.ID)
			ok(t, err)
			deepEqual(t, "list", list, []clinic.Equipment{got})
		})

		t.Run("therapist", func(t *testing.T) {
			in := clinic.Therapist{Name: "Ana", Bio: "Ten years of sports massage.", YearsExperience: 10,
				Specialties: []string{"athletes", "runners"}, Modalities: []string{"sports", "deep-tissue"},
				Credentials: []clinic.Credential{
					{Kind: clinic.CredentialLicence, Number: "RMT-1", Issuer: "CMTO", Expires: civil.Date{Year: 2028, Month: 2, Day: 29}},
					{Kind: "certification", Issuer: "Cupping Co"}, // no expiry
				},
				Shifts: []clinic.Shift{
					{LocationID: locID, Weekday: civil.Weekday(time.Monday), Start: 9 * 60, End: 17 * 60},
					{LocationID: locID, Weekday: civil.Weekday(time.Sunday), Start: 0, End: 1440},
				},
				TimeOff: []clinic.TimeOff{{
					Start:  time.Date(2027, 3, 14, 1, 30, 0, 123, toronto), // the night clocks go forward
					End:    time.Date(2027, 3, 14, 4, 0, 0, 0, toronto),
					Reason: "Travel",
				}},
			}
			got, err := db.CreateTherapist(ctx, c.ID, in)
			ok(t, err)
			want := in
			want.ID, want.ClinicID = got.ID, c.ID
			want.TimeOff = []clinic.TimeOff{{Start: time.Date(2027, 3, 14, 6, 30, 0, 0, time.UTC),
				End: time.Date(2027, 3, 14, 8, 0, 0, 0, time.UTC), Reason: "Travel"}}
			deepEqual(t, "created", got, want)
			again, err := db.GetTherapist(ctx, c.ID, got.ID)
			ok(t, err)
			deepEqual(t, "get", again, want)

			want.Specialties, want.Credentials, want.TimeOff, want.Shifts = nil, nil, []clinic.TimeOff{}, want.Shifts[:1]
			updated, err := db.UpdateTherapist(ctx, c.ID, want)
			ok(t, err)
			want.TimeOff = nil // an empty list reads back as nil
			deepEqual(t, "updated", updated, want)
		})

		t.Run("service", func(t *testing.T) {
			in := clinic.Service{Name: "Hot stone 80", Modality: "hot-stone", DurationMinutes: 80, Price: 14500,
				Currency: "CAD", BufferBeforeMinutes: 5, BufferAfterMinutes: 20, Equipment: []string{"hot-stone-heater"},
				MinNoticeMinutes: 120, HorizonDays: 60, CancelWindowHours: 24, LateCancel: clinic.LateCancelRefuse,
				LateCancelFee: 5000, SlotStepMinutes: 30}
			got, err := db.CreateService(ctx, c.ID, in)
			ok(t, err)
			want := in
			want.ID, want.ClinicID = got.ID, c.ID
			deepEqual(t, "created", got, want)
			want.Equipment, want.Price = nil, 15000
			updated, err := db.UpdateService(ctx, c.ID, want)
			ok(t, err)
			deepEqual(t, "updated", updated, want)
			list, err := db.ListServices(ctx, c.ID)
			ok(t, err)
			deepEqual(t, "list", list, []clinic.Service{want})
		})
	})
}

func TestListsOrderByNameInByteOrder(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, err := db.CreateClinic(ctx, clinic.Clinic{Slug: "ash", Name: "Ash", Currency: "CAD"})
		ok(t, err)
		for _, name := range []string{"beta", "Zed", "alpha", "Émile"} {
			_, err := db.CreateTherapist(ctx, c.ID, clinic.Therapist{Name: name})
			ok(t, err)
		}
		ts, err := db.ListTherapists(ctx, c.ID)
		ok(t, err)
		var names []string
		for _, th := range ts {
			names = append(names, th.Name)
		}
		deepEqual(t, "names", names, []string{"Zed", "alpha", "beta", "Émile"})
	})
}
