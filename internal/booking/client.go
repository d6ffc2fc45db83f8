package booking

import "knead/internal/clinic"

// ValidateClient checks a client's name, email and phone by the rules a
// booking applies to a guest's (fields client.name, client.email and
// client.phone): what a client account keeps to fill in its bookings.
func ValidateClient(c clinic.Client) error {
	var v clinic.Validation
	validateClient(&v, c)
	return v.Err()
}
