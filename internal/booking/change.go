package booking

import (
	"context"
	"fmt"
	"time"

	"knead/internal/auth"
	"knead/internal/clinic"
)

// Actor is who asks to change a booking: staff of the clinic, or a client
// holding the booking's cancel token or owning the booking.
type Actor struct {
	Staff       bool
	CancelToken string
	// Owner: the caller has proven the booking is the client's own (it is
	// linked to their logged-in account). The policy applies as to a
	// client with the token.
	Owner    bool
	WaiveFee bool // staff may waive a late-cancellation fee
}

// load reads the appointment the actor wants to change and checks that
// the actor may change it.
func (a Actor) load(ctx context.Context, tx clinic.BookingTx, clinicID, id string) (clinic.Appointment, error) {
	appt, err := tx.GetAppointment(ctx, clinicID, id)
	if err != nil {
		return appt, err
	}
	if !a.Staff && !a.Owner && !auth.TokenMatches(a.CancelToken, appt.CancelTokenHash) {
		return appt, clinic.Errorf(clinic.EForbidden, "The cancel token does not match this booking.")
	}
	return appt, nil
}

// lateFee applies the service's cancellation policy to a change made at now.
// It returns the fee to record, or an EPolicy error when a client may not
// make the change online.
func lateFee(svc clinic.Service, appt clinic.Appointment, actor Actor, now time.Time, verb string) (int64, error) {
	window := time.Duration(svc.CancelWindowHours) * time.Hour
	if !appt.Start.After(now) {
		return 0, clinic.Errorf(clinic.EPolicy, "This visit has already started and can no longer be %s.", verb)
	}
	if appt.Start.Sub(now) >= window {
		return 0, nil
	}
	if actor.Staff {
		if actor.WaiveFee || svc.LateCancel == clinic.LateCancelRefuse {
			return 0, nil
		}
		return svc.LateCancelFee, nil
	}
	if svc.LateCancel == clinic.LateCancelRefuse {
		return 0, clinic.Errorf(clinic.EPolicy,
			"Visits can be %s online up to %d hours before they start. Please call the clinic.", verb, svc.CancelWindowHours)
	}
	return svc.LateCancelFee, nil
}

// Cancel cancels a booked visit as of now. Cancelling a cancelled visit
// again returns it unchanged.
func Cancel(ctx context.Context, st clinic.BookingStore, clinicID, id string, actor Actor, now time.Time) (clinic.Appointment, error) {
	var out clinic.Appointment
	err := st.InBookingTx(ctx, clinicID, func(tx clinic.BookingTx) error {
		appt, err := actor.load(ctx, tx, clinicID, id)
		if err != nil {
			return err
		}
		switch appt.Status {
		case clinic.StatusCancelled:
			out = appt
			return nil
		case clinic.StatusBooked:
		default:
			return clinic.Errorf(clinic.EConflict, "This visit is %s and can no longer be cancelled.", appt.Status)
		}
		data, err := tx.Schedule(ctx, clinic.ScheduleQuery{ClinicID: clinicID, LocationID: appt.LocationID, ServiceID: appt.ServiceID,
			From: appt.Start, To: appt.End})
		if err != nil {
			return err
		}
		fee, err := lateFee(data.Service, appt, actor, now, "cancelled")
		if err != nil {
			return err
		}
		appt.Status, appt.CancelFee, appt.Cancelled = clinic.StatusCancelled, fee, now
		if err := tx.UpdateAppointment(ctx, appt); err != nil {
			return err
		}
		out = appt
		return nil
	})
	return out, err
}

// Move asks to move a booking to a new start, and optionally to another
// therapist ("" keeps the current one; AnyTherapist lets knead choose).
type Move struct {
	Start       time.Time
	TherapistID string
}

// AnyTherapist in Move.TherapistID lets knead pick any qualified therapist.
const AnyTherapist = "any"

// Reschedule moves a booked visit in one transaction: if the new time is not
// free, the error is EConflict and the old booking stands unchanged.
func Reschedule(ctx context.Context, st clinic.BookingStore, clinicID, id string, m Move, actor Actor, now time.Time) (clinic.Appointment, error) {
	if m.Start.IsZero() {
		return clinic.Appointment{}, &clinic.Error{Code: clinic.EInvalid, Message: "The new start time is missing.",
			Fields: []clinic.FieldError{{Field: "start", Message: "is required (RFC 3339 time)"}}}
	}
	var out clinic.Appointment
	err := st.InBookingTx(ctx, clinicID, func(tx clinic.BookingTx) error {
		appt, err := actor.load(ctx, tx, clinicID, id)
		if err != nil {
			return err
		}
		if appt.Status != clinic.StatusBooked {
			return clinic.Errorf(clinic.EConflict, "This visit is %s and can no longer be moved.", appt.Status)
		}
		// A read outside the transaction, from the read pool: the clinical
		// status is not part of what the move writes.
		if err := mayBook(ctx, st, clinicID, appt.ClientID, actor.Staff); err != nil {
			return err
		}
		therapist := m.TherapistID
		switch therapist {
		case "":
			therapist = appt.TherapistID
		case AnyTherapist:
			therapist = ""
		}
		slot, data, err := checkSlot(ctx, tx, clinicID, appt.LocationID, appt.ServiceID, engineInput{
			therapistID: therapist, now: now, staff: actor.Staff, ignoreID: appt.ID,
		}, m.Start)
		if err != nil {
			return err
		}
		fee, err := lateFee(data.Service, appt, actor, now, "moved")
		if err != nil {
			return err
		}
		appt.Start, appt.End = slot.Start, slot.End
		appt.TherapistID, appt.RoomID = slot.TherapistID, slot.RoomID
		appt.BufferBefore = time.Duration(data.Service.BufferBeforeMinutes) * time.Minute
		appt.BufferAfter = time.Duration(data.Service.BufferAfterMinutes) * time.Minute
		appt.Equipment = data.Service.Equipment
		appt.CancelFee += fee
		if err := tx.UpdateAppointment(ctx, appt); err != nil {
			return fmt.Errorf("reschedule %s: %w", appt.ID, err)
		}
		out = appt
		return nil
	})
	return out, err
}
