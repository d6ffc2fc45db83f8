package api

// Routes lists every operation of the JSON API. The server registers exactly
// these, and the OpenAPI document describes exactly these.
func (a *API) Routes() []Route {
	const c = "/api/v1/clinics/{clinic}"
	idem := Param{Name: "Idempotency-Key", Schema: "string",
		Description: "Any unique string (e.g. a UUID). A retry with the same key and body returns the first booking instead of making a second; the same key with another body is a 422."}
	routes := []Route{
		{Method: "GET", Pattern: "/api/v1/clinics", Summary: "List the clinics on this server", Tag: "clinics", Access: Public, Roles: "anyone",
			Status: 200, Response: "ListClinic", Handler: a.listClinics},
		{Method: "GET", Pattern: c, Summary: "Get a clinic", Tag: "clinics", Access: Public, Roles: "anyone",
			Status: 200, Response: "Clinic", Errors: []int{404}, Handler: a.getClinic},
		{Method: "PUT", Pattern: c, Summary: "Change a clinic's name, slug or currency", Tag: "clinics", Access: Staff, Roles: "owner",
			Body: "Clinic", Status: 200, Response: "Clinic", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.updateClinic},

		{Method: "GET", Pattern: c + "/availability", Summary: "Free slots of a service at a location", Tag: "booking", Access: Public,
			Roles: "anyone; staff also see times inside minimum notice and beyond the horizon",
			Query: []Param{
				{Name: "service", Schema: "string", Required: true, Description: "service id"},
				{Name: "location", Schema: "string", Required: true, Description: "location id"},
				{Name: "from", Schema: "date", Required: true, Description: "first local date, YYYY-MM-DD"},
				{Name: "to", Schema: "date", Required: true, Description: "last local date, inclusive; at most 62 days after from"},
				{Name: "therapist", Schema: "string", Description: "a therapist id; omit for any qualified therapist"},
			},
			Status: 200, Response: "Availability", Errors: []int{401, 403, 404, 422}, Handler: a.availability},
		{Method: "POST", Pattern: c + "/appointments", Summary: "Book a visit", Tag: "booking", Access: Public,
			Roles:   "anyone as a guest with client details; staff (owner, front desk) also for an existing client_id",
			Headers: []Param{idem}, Body: "BookRequest", Status: 201, Response: "Appointment",
			Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.book},
		{Method: "GET", Pattern: c + "/appointments", Summary: "List appointments (a therapist sees only their own)", Tag: "booking", Access: Staff,
			Roles: "owner, front desk, therapist",
			Query: []Param{
				{Name: "from", Schema: "date-time", Description: "visits starting at or after this instant"},
				{Name: "to", Schema: "date-time", Description: "visits starting before this instant"},
				{Name: "location", Schema: "string"}, {Name: "therapist", Schema: "string"}, {Name: "client", Schema: "string"},
				{Name: "status", Schema: "string", Description: "booked, cancelled, completed or no_show"},
			},
			Status: 200, Response: "ListAppointment", Errors: []int{401, 403, 404, 422}, Handler: a.listAppointments},
		{Method: "GET", Pattern: c + "/appointments/{id}", Summary: "Get a booking (with its cancel_token, or as staff)", Tag: "booking", Access: Public,
			Roles:  "the client holding the cancel token; owner, front desk",
			Query:  []Param{{Name: "cancel_token", Schema: "string", Description: "the token returned when booking"}},
			Status: 200, Response: "Appointment", Errors: []int{401, 403, 404}, Handler: a.getAppointment},
		{Method: "POST", Pattern: c + "/appointments/{id}/cancel", Summary: "Cancel a booking", Tag: "booking", Access: Public,
			Roles: "the client holding the cancel token; owner, front desk", Body: "CancelRequest", Status: 200, Response: "Appointment",
			Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.cancel},
		{Method: "POST", Pattern: c + "/appointments/{id}/reschedule", Summary: "Move a booking atomically: if the new time is taken, the old booking stands",
			Tag: "booking", Access: Public, Roles: "the client holding the cancel token; owner, front desk", Body: "RescheduleRequest",
			Status: 200, Response: "Appointment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.reschedule},
		{Method: "POST", Pattern: c + "/appointments/{id}/mark", Summary: "Record that the client checked in, or that the visit was completed or a no-show",
			Tag: "booking", Access: Staff, Roles: "owner, front desk", Body: "MarkRequest",
			Status: 200, Response: "Appointment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.mark},
		{Method: "GET", Pattern: c + "/clients", Summary: "Search clients by name, email or phone", Tag: "booking", Access: Staff,
			Roles: "owner, front desk", Query: []Param{{Name: "q", Schema: "string", Description: "part of a name, email or phone"}},
			Status: 200, Response: "ListClient", Errors: []int{401, 403, 404, 422}, Handler: a.listClients},

		{Method: "POST", Pattern: "/api/v1/auth/login", Summary: "Log in as staff; returns a bearer token", Tag: "auth", Access: Public, Roles: "anyone",
			Body: "Login", Status: 200, Response: "Token", Errors: []int{400, 401, 413, 415, 422}, Handler: a.login},
		{Method: "POST", Pattern: "/api/v1/auth/logout", Summary: "End the session of the bearer token", Tag: "auth", Access: Staff, Roles: "any staff",
			Status: 204, Errors: []int{401}, Handler: a.logout},
		{Method: "GET", Pattern: "/api/v1/auth/me", Summary: "The user of the bearer token", Tag: "auth", Access: Staff, Roles: "any staff",
			Status: 200, Response: "User", Errors: []int{401}, Handler: a.me},
		{Method: "GET", Pattern: c + "/users", Summary: "List staff users", Tag: "auth", Access: Staff, Roles: "owner",
			Status: 200, Response: "ListUser", Errors: []int{401, 403, 404}, Handler: a.listUsers},
		{Method: "POST", Pattern: c + "/users", Summary: "Create a staff user", Tag: "auth", Access: Staff, Roles: "owner",
			Body: "NewUser", Status: 201, Response: "User", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.createUser},
	}
	routes = append(routes, a.intakeRoutes(c)...)
	return append(routes, a.catalogRoutes()...)
}
