package booking

import (
	"context"
	"time"

	"knead/internal/clinic"
)

// What the front desk records of a visit as the day goes.
const (
	MarkCheckIn  = "check_in" // the client arrived
	MarkComplete = "complete" // the visit took place
	MarkNoShow   = "no_show"  // the client did not come
)

// checkInEarly is how long before its start a visit may be checked in.
const checkInEarly = 2 * time.Hour

// Mark records a check-in, completion or no-show of a booked visit at now.
func Mark(ctx context.Context, st clinic.BookingStore, clinicID, id, mark string, now time.Time) (clinic.Appointment, error) {
	var out clinic.Appointment
	err := st.InBookingTx(ctx, clinicID, func(tx clinic.BookingTx) error {
		a, err := tx.GetAppointment(ctx, clinicID, id)
		if err != nil {
			return err
		}
		if out, err = marked(a, mark, now); err != nil {
			return err
		}
		return tx.UpdateAppointment(ctx, out)
	})
	return out, err
}

// marked applies mark to a as of now, or says why it cannot be.
func marked(a clinic.Appointment, mark string, now time.Time) (clinic.Appointment, error) {
	if a.Status != clinic.StatusBooked {
		return a, clinic.Errorf(clinic.EConflict, "This visit is %s: it can no longer be changed.", statusWords[a.Status])
	}
	switch mark {
	case MarkCheckIn:
		if now.Before(a.Start.Add(-checkInEarly)) {
			return a, clinic.Errorf(clinic.EPolicy, "A visit can be checked in from %v before it starts.", checkInEarly)
		}
		if !now.Before(a.End) {
			return a, clinic.Errorf(clinic.EPolicy, "This visit has ended: mark it completed or a no-show.")
		}
		if a.CheckedIn.IsZero() {
			a.CheckedIn = now
		}
	case MarkComplete:
		if now.Before(a.Start) {
			return a, clinic.Errorf(clinic.EPolicy, "A visit can be marked completed once it has started.")
		}
		a.Status = clinic.StatusCompleted
	case MarkNoShow:
		if now.Before(a.Start) {
			return a, clinic.Errorf(clinic.EPolicy, "A client can be marked a no-show once the visit has started.")
		}
		if !a.CheckedIn.IsZero() {
			return a, clinic.Errorf(clinic.EPolicy, "The client checked in: this visit was not a no-show.")
		}
		a.Status = clinic.StatusNoShow
	default:
		return a, &clinic.Error{Code: clinic.EInvalid, Message: "Unknown change.",
			Fields: []clinic.FieldError{{Field: "mark", Message: "must be check_in, complete or no_show"}}}
	}
	return a, nil
}

var statusWords = map[string]string{
	clinic.StatusBooked: "booked", clinic.StatusCancelled: "cancelled", clinic.StatusCompleted: "completed",
	clinic.StatusNoShow: "marked a no-show",
}
