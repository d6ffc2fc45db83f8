package api

import (
	"context"
	"fmt"
	"net/http"

	"knead/internal/auth"
	"knead/internal/clinic"
)

// Items is the envelope of every list.
type Items[T any] struct {
	Items []T `json:"items"`
}

// resource describes one kind of catalog row, so that its five routes are
// made by one piece of code.
type resource[T any] struct {
	plural, singular, schema string
	publicRead               bool // list and get without a token

	create func(ctx context.Context, clinicID string, v T) (T, error)
	get    func(ctx context.Context, clinicID, id string) (T, error)
	list   func(ctx context.Context, clinicID string) ([]T, error)
	update func(ctx context.Context, clinicID string, v T) (T, error)
	del    func(ctx context.Context, clinicID, id string) error

	validate func(T) error
	setID    func(*T, string)
	// refs checks that what v points to belongs to the clinic.
	refs func(ctx context.Context, clinicID string, v T) error
	// public shapes an item for an anonymous reader.
	public func(T) T
}

func (res resource[T]) routes(a *API) []Route {
	base := "/api/v1/clinics/{clinic}/" + res.plural
	readAccess, readRoles := Staff, "owner, front desk, therapist"
	if res.publicRead {
		readAccess, readRoles = Public, "anyone"
	}
	return []Route{
		{Method: "GET", Pattern: base, Summary: "List " + res.plural, Tag: "catalog", Access: readAccess, Roles: readRoles,
			Status: 200, Response: "List" + res.schema, Errors: []int{401, 403, 404}, Handler: res.listHandler(a)},
		{Method: "POST", Pattern: base, Summary: "Create a " + res.singular, Tag: "catalog", Access: Staff, Roles: "owner",
			Body: res.schema, Status: 201, Response: res.schema, Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: res.createHandler(a)},
		{Method: "GET", Pattern: base + "/{id}", Summary: "Get a " + res.singular, Tag: "catalog", Access: readAccess, Roles: readRoles,
			Status: 200, Response: res.schema, Errors: []int{401, 403, 404}, Handler: res.getHandler(a)},
		{Method: "PUT", Pattern: base + "/{id}", Summary: "Replace a " + res.singular, Tag: "catalog", Access: Staff, Roles: "owner",
			Body: res.schema, Status: 200, Response: res.schema, Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: res.updateHandler(a)},
		{Method: "DELETE", Pattern: base + "/{id}", Summary: "Delete a " + res.singular + " that nothing refers to", Tag: "catalog", Access: Staff, Roles: "owner",
			Status: 204, Errors: []int{401, 403, 404, 409}, Handler: res.deleteHandler(a)},
	}
}

// reader resolves the clinic for a read and says whether the reader is staff.
func (res resource[T]) reader(a *API, r *http.Request) (clinic.Clinic, bool, error) {
	if !res.publicRead {
		c, _, err := a.staff(r, auth.ReadCatalog)
		return c, true, err
	}
	c, u, err := a.optionalStaff(r, auth.ReadCatalog)
	return c, u != nil, err
}

func (res resource[T]) listHandler(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, isStaff, err := res.reader(a, r)
		if err != nil {
			return err
		}
		items, err := res.list(r.Context(), c.ID)
		if err != nil {
			return err
		}
		if items == nil {
			items = []T{}
		}
		if !isStaff && res.public != nil {
			for i := range items {
				items[i] = res.public(items[i])
			}
		}
		writeJSON(w, http.StatusOK, Items[T]{Items: items})
		return nil
	}
}

func (res resource[T]) getHandler(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, isStaff, err := res.reader(a, r)
		if err != nil {
			return err
		}
		v, err := res.get(r.Context(), c.ID, r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, res.singular)
		}
		if !isStaff && res.public != nil {
			v = res.public(v)
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// checked decodes, validates and checks the references of a body.
func (res resource[T]) checked(a *API, w http.ResponseWriter, r *http.Request, clinicID string) (T, error) {
	var v T
	if err := decode(w, r, &v); err != nil {
		return v, err
	}
	if err := res.validate(v); err != nil {
		return v, err
	}
	if res.refs != nil {
		if err := res.refs(r.Context(), clinicID, v); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (res resource[T]) createHandler(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, _, err := a.staff(r, auth.EditCatalog)
		if err != nil {
			return err
		}
		v, err := res.checked(a, w, r, c.ID)
		if err != nil {
			return err
		}
		out, err := res.create(r.Context(), c.ID, v)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, out)
		return nil
	}
}

func (res resource[T]) updateHandler(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, _, err := a.staff(r, auth.EditCatalog)
		if err != nil {
			return err
		}
		if _, err := res.get(r.Context(), c.ID, r.PathValue("id")); err != nil {
			return notFoundAs(err, res.singular)
		}
		v, err := res.checked(a, w, r, c.ID)
		if err != nil {
			return err
		}
		res.setID(&v, r.PathValue("id"))
		out, err := res.update(r.Context(), c.ID, v)
		if err != nil {
			return notFoundAs(err, res.singular)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func (res resource[T]) deleteHandler(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, _, err := a.staff(r, auth.EditCatalog)
		if err != nil {
			return err
		}
		if err := res.del(r.Context(), c.ID, r.PathValue("id")); err != nil {
			if clinic.ErrorCode(err) == clinic.EConflict {
				return clinic.Errorf(clinic.EConflict, "This %s is still used by appointments or other records; change those first.", res.singular)
			}
			return notFoundAs(err, res.singular)
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// notFoundAs gives a not-found error a message naming the kind of thing.
func notFoundAs(err error, what string) error {
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return clinic.Errorf(clinic.ENotFound, "No such %s in this clinic.", what)
	}
	return err
}

// locationRef checks that a location id belongs to the clinic.
func (a *API) locationRef(ctx context.Context, clinicID, field, id string) error {
	if _, err := a.store.GetLocation(ctx, clinicID, id); err != nil {
		if clinic.ErrorCode(err) == clinic.ENotFound {
			return &clinic.Error{Code: clinic.EInvalid, Message: "A referenced location does not exist in this clinic.",
				Fields: []clinic.FieldError{{Field: field, Message: "no such location in this clinic"}}}
		}
		return err
	}
	return nil
}

func (a *API) catalogRoutes() []Route {
	s := a.store
	var routes []Route
	routes = append(routes, resource[clinic.Location]{
		plural: "locations", singular: "location", schema: "Location", publicRead: true,
		create: s.CreateLocation, get: s.GetLocation, list: s.ListLocations, update: s.UpdateLocation, del: s.DeleteLocation,
		validate: clinic.Location.Validate, setID: func(v *clinic.Location, id string) { v.ID = id },
	}.routes(a)...)
	routes = append(routes, resource[clinic.Room]{
		plural: "rooms", singular: "room", schema: "Room",
		create: s.CreateRoom, get: s.GetRoom, list: s.ListRooms, update: s.UpdateRoom, del: s.DeleteRoom,
		validate: clinic.Room.Validate, setID: func(v *clinic.Room, id string) { v.ID = id },
		refs: func(ctx context.Context, clinicID string, v clinic.Room) error {
			return a.locationRef(ctx, clinicID, "location", v.LocationID)
		},
	}.routes(a)...)
	routes = append(routes, resource[clinic.Equipment]{
		plural: "equipment", singular: "piece of equipment", schema: "Equipment",
		create: s.CreateEquipment, get: s.GetEquipment, list: s.ListEquipment, update: s.UpdateEquipment, del: s.DeleteEquipment,
		validate: clinic.Equipment.Validate, setID: func(v *clinic.Equipment, id string) { v.ID = id },
		refs: func(ctx context.Context, clinicID string, v clinic.Equipment) error {
			return a.locationRef(ctx, clinicID, "location", v.LocationID)
		},
	}.routes(a)...)
	routes = append(routes, resource[clinic.Therapist]{
		plural: "therapists", singular: "therapist", schema: "Therapist", publicRead: true,
		create: s.CreateTherapist, get: s.GetTherapist, list: s.ListTherapists, update: s.UpdateTherapist, del: s.DeleteTherapist,
		validate: clinic.Therapist.Validate, setID: func(v *clinic.Therapist, id string) { v.ID = id },
		refs: func(ctx context.Context, clinicID string, v clinic.Therapist) error {
			seen := map[string]bool{}
			for i, sh := range v.Shifts {
				if seen[sh.LocationID] {
					continue
				}
				seen[sh.LocationID] = true
				if err := a.locationRef(ctx, clinicID, fmt.Sprintf("shifts[%d].location", i), sh.LocationID); err != nil {
					return err
				}
			}
			return nil
		},
		// Time off is the staff's business; the public sees when a therapist
		// is free through availability, not why they are away.
		public: func(t clinic.Therapist) clinic.Therapist { t.TimeOff = nil; return t },
	}.routes(a)...)
	routes = append(routes, resource[clinic.Service]{
		plural: "services", singular: "service", schema: "Service", publicRead: true,
		create: s.CreateService, get: s.GetService, list: s.ListServices, update: s.UpdateService, del: s.DeleteService,
		validate: clinic.Service.Validate, setID: func(v *clinic.Service, id string) { v.ID = id },
	}.routes(a)...)
	return routes
}
