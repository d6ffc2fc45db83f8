package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// Fixture is a small bookable clinic made by NewFixture: one location open
// every day 08:00-20:00 UTC with a room per therapist, one 50-minute
// Swedish massage with a 10-minute buffer after, therapists licensed through
// 2099 who work every day at that location, and clients. Tests, benchmarks
// and the load test build on it.
type Fixture struct {
	Clinic     clinic.Clinic
	Location   clinic.Location
	Service    clinic.Service
	Therapists []clinic.Therapist
	Rooms      []clinic.Room
	Clients    []clinic.Client
}

// NewFixture creates a Fixture with the clinic slug and n therapists, rooms
// and clients.
func NewFixture(ctx context.Context, db *DB, slug string, n int) (Fixture, error) {
	var f Fixture
	var err error
	wrap := func(err error) error { return fmt.Errorf("new fixture %s: %w", slug, err) }
	if f.Clinic, err = db.CreateClinic(ctx, clinic.Clinic{Slug: slug, Name: "Clinic " + slug, Currency: "CAD"}); err != nil {
		return Fixture{}, wrap(err)
	}
	var hours civil.Weekly
	for d := range hours {
		hours[d] = []civil.Range{{Start: 8 * 60, End: 20 * 60}}
	}
	if f.Location, err = db.CreateLocation(ctx, f.Clinic.ID, clinic.Location{
		Name: "Main", Address: "1 Main St", TimeZone: "UTC", Hours: hours,
	}); err != nil {
		return Fixture{}, wrap(err)
	}
	if f.Service, err = db.CreateService(ctx, f.Clinic.ID, clinic.Service{
		Name: "Swedish 50", Modality: "swedish", DurationMinutes: 50, Price: 9500, Currency: "CAD",
		BufferAfterMinutes: 10, HorizonDays: 90, CancelWindowHours: 24, LateCancel: clinic.LateCancelFee,
		LateCancelFee: 4000, SlotStepMinutes: 15,
	}); err != nil {
		return Fixture{}, wrap(err)
	}
	for i := range n {
		var shifts []clinic.Shift
		for d := range 7 {
			shifts = append(shifts, clinic.Shift{LocationID: f.Location.ID, Weekday: civil.Weekday(d), Start: 8 * 60, End: 20 * 60})
		}
		t, err := db.CreateTherapist(ctx, f.Clinic.ID, clinic.Therapist{
			Name: fmt.Sprintf("Therapist %03d", i), Modalities: []string{"swedish"}, Shifts: shifts,
			Credentials: []clinic.Credential{{Kind: clinic.CredentialLicence, Number: fmt.Sprint(1000 + i),
				Issuer: "CMTO", Expires: civil.Date{Year: 2099, Month: 12, Day: 31}}},
		})
		if err != nil {
			return Fixture{}, wrap(err)
		}
		f.Therapists = append(f.Therapists, t)
		r, err := db.CreateRoom(ctx, f.Clinic.ID, clinic.Room{LocationID: f.Location.ID, Name: fmt.Sprintf("Room %03d", i)})
		if err != nil {
			return Fixture{}, wrap(err)
		}
		f.Rooms = append(f.Rooms, r)
	}
	err = db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error {
		f.Clients = f.Clients[:0]
		for i := range n {
			c, err := tx.UpsertClient(ctx, f.Clinic.ID, clinic.Client{
				Name: fmt.Sprintf("Client %03d", i), Email: fmt.Sprintf("client%03d@%s.example", i, slug), Phone: "555-0100",
			})
			if err != nil {
				return err
			}
			f.Clients = append(f.Clients, c)
		}
		return nil
	})
	if err != nil {
		return Fixture{}, wrap(err)
	}
	return f, nil
}

// Generation lays out Count appointments of a Fixture, deterministically.
// Each therapist gets eight back-to-back visits a day (09:00-17:00 UTC, each
// 50 minutes plus its 10-minute buffer, in the therapist's own room), day
// after day from the UTC date of From, so the visits per day stay the same
// however large Count is and never overlap. Every CancelEvery-th is
// cancelled (0: none). Seed fixes the ids.
type Generation struct {
	From        time.Time
	Count       int
	CancelEvery int
	Seed        uint64
}

// Days returns how many days the generated visits span.
func (g Generation) Days(therapists int) int {
	perDay := 8 * therapists
	return (g.Count + perDay - 1) / perDay
}

// GenerateAppointments inserts g.Count appointments into f's clinic in
// bulk, 100,000 rows per transaction: COPY on PostgreSQL, a prepared
// multi-row INSERT on SQLite. A million rows take seconds, not the hours of
// one durable commit each.
func GenerateAppointments(ctx context.Context, db *DB, f Fixture, g Generation) error {
	if len(f.Therapists) == 0 || len(f.Clients) == 0 || len(f.Rooms) < len(f.Therapists) {
		return fmt.Errorf("generate appointments: the fixture needs therapists, a room each and clients")
	}
	const rowsPerTx = 100_000
	prefix := fmt.Sprintf("gen%08x", uint32(g.Seed))
	day0 := time.Date(g.From.UTC().Year(), g.From.UTC().Month(), g.From.UTC().Day(), 9, 0, 0, 0, time.UTC)
	created := day0.Add(-30 * 24 * time.Hour).Unix()
	nt := len(f.Therapists)
	row := func(i int) []any {
		t := i % nt
		k := i / nt
		start := day0.Add(time.Duration(k/8)*24*time.Hour + time.Duration(k%8)*time.Hour)
		status, cancelled := clinic.StatusBooked, int64(0)
		if g.CancelEvery > 0 && i%g.CancelEvery == g.CancelEvery-1 {
			status, cancelled = clinic.StatusCancelled, created+3600
		}
		// Ids rise with i, so the primary key grows at its right edge
		// instead of splitting pages all over the index: ten times faster.
		id := fmt.Sprintf("%s%010d", prefix, i)
		return []any{f.Clinic.ID, id, f.Location.ID, f.Service.ID, f.Therapists[t].ID, f.Rooms[t].ID,
			f.Clients[i%len(f.Clients)].ID, start.Unix(), start.Add(50 * time.Minute).Unix(), int64(0), int64(600),
			"[]", status, int64(0), created, cancelled, nil, int64(0)}
	}
	rows := make([][]any, 0, min(g.Count, rowsPerTx))
	for txStart := 0; txStart < g.Count; txStart += rowsPerTx {
		rows = rows[:0]
		for i := txStart; i < min(txStart+rowsPerTx, g.Count); i++ {
			rows = append(rows, row(i))
		}
		if err := db.bulkInsertAppointments(ctx, rows); err != nil {
			return fmt.Errorf("generate appointments: %w", err)
		}
	}
	if err := bumpScheduleVersion(ctx, db.rw(), f.Clinic.ID); err != nil {
		return fmt.Errorf("generate appointments: %w", err)
	}
	db.writeGen.Add(1)
	return nil
}

// bulkInsertAppointments inserts rows of appointmentCols values in one
// transaction.
func (db *DB) bulkInsertAppointments(ctx context.Context, rows [][]any) error {
	var cols []string
	for _, c := range strings.Split(appointmentCols, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	if db.d.engine == EnginePostgres {
		sc, err := db.write.Conn(ctx)
		if err != nil {
			return err
		}
		defer sc.Close()
		return sc.Raw(func(driverConn any) error {
			pc := driverConn.(*stdlib.Conn).Conn()
			_, err := pc.CopyFrom(ctx, pgx.Identifier{"appointments"}, cols, pgx.CopyFromRows(rows))
			return err
		})
	}
	const perStatement = 100 // 1,700 parameters
	values := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	insert := func(n int) string {
		return "INSERT INTO appointments (" + appointmentCols + ") VALUES " + values + strings.Repeat(", "+values, n-1)
	}
	return db.inWriteTx(ctx, func(c conn) error {
		tx := c.q.(preparedTx).tx
		full, err := tx.PrepareContext(ctx, insert(perStatement))
		if err != nil {
			return err
		}
		defer full.Close()
		args := make([]any, 0, perStatement*len(cols))
		for s := 0; s < len(rows); s += perStatement {
			batch := rows[s:min(s+perStatement, len(rows))]
			args = args[:0]
			for _, r := range batch {
				args = append(args, r...)
			}
			if len(batch) == perStatement {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, insert(len(batch)), args...)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
