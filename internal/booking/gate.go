package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"knead/internal/care"
	"knead/internal/clinic"
	"knead/internal/intake"
)

// Red flags and clearances (DOMAIN.md section 4) stop bookings on every
// path: online, the portal, the front desk, the API, and moves. A client
// with no intake yet may book (the intake comes with a first visit's
// confirmation); one whose latest intake needs a clearance, or a
// clinician's, or emergency care, may not until the clinic records it.
//
// The refusal never says why: a guest booking by email may be anyone, and
// the front desk may know only that a clearance is missing (issue 4).

// mayBook returns an EPolicy error when the client may not be booked now
// (a booking reads the status inside its transaction, see Book; a move
// asks here).
func mayBook(ctx context.Context, st clinic.BookingStore, clinicID, clientID string, staff bool) error {
	s, err := st.ClientStatus(ctx, clinicID, clientID)
	if err != nil {
		return err
	}
	return gate(s, staff)
}

// gate refuses a booking for a client with the clinical status s.
func gate(s clinic.ClientClinicalStatus, staff bool) error {
	if !s.HasIntake || s.Bookable {
		return nil
	}
	if staff {
		msg := "This client needs a clearance recorded before they can be booked."
		if s.Needs == clinic.NeedsClinicianClearance {
			msg = "This client needs a clinician's clearance recorded before they can be booked."
		} else if s.Needs == clinic.NeedsEmergency {
			msg = "This client cannot be booked on their current intake: ask them to fill it in again after seeing a doctor."
		}
		return clinic.Errorf(clinic.EPolicy, "%s", msg)
	}
	return clinic.Errorf(clinic.EPolicy, "We cannot book this visit online. Please call the clinic.")
}

// ruledOut refuses a service whose modality the client's latest intake
// contraindicates (DOMAIN.md section 5): a contraindicated modality is never
// bookable; one that needs a clearance is bookable once a clearance is
// recorded for that intake. As with red flags, the refusal never says why.
func ruledOut(s clinic.ClientClinicalStatus, modality string, now time.Time, staff bool) error {
	if len(s.Answers) == 0 {
		return nil
	}
	var a intake.Answers
	if err := json.Unmarshal(s.Answers, &a); err != nil {
		return fmt.Errorf("stored intake: %w", err)
	}
	level := intake.Assess(a, now)[modality].Level
	if intake.Bookable(level) || level == intake.LevelClearance && s.Clearance != "" {
		return nil
	}
	name := modality
	if m, ok := care.ModalityOf(modality); ok {
		name = m.Name
	}
	if staff {
		if level == intake.LevelClearance {
			return clinic.Errorf(clinic.EPolicy, "This client needs a clearance recorded before %s can be booked.", name)
		}
		return clinic.Errorf(clinic.EPolicy, "%s is ruled out for this client by their intake: please choose another service.", name)
	}
	return clinic.Errorf(clinic.EPolicy, "%s cannot be booked online for you. Please choose another kind of massage, or call the clinic.", name)
}
