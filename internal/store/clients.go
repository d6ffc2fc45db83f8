package store

import (
	"context"
	"fmt"
	"strings"

	"knead/internal/clinic"
)

const clientCols = "clinic_id, id, name, email, phone"

func scanClient(s scanner) (clinic.Client, error) {
	var c clinic.Client
	err := s.Scan(&c.ClinicID, &c.ID, &c.Name, &c.Email, &c.Phone)
	return c, err
}

// clientSearch is what ListClients matches a query against: name, email
// and phone, lower-cased in Go like emailKey.
func clientSearch(c clinic.Client) string {
	return strings.ToLower(c.Name + "\n" + c.Email + "\n" + c.Phone)
}

// upsertClient finds the clinic's client by email, in any case, and updates
// name and phone, or creates one. An empty name or phone leaves the stored
// one as it is: a returning client who skips the phone field keeps their
// number. A client without an email is always new: there is nothing to
// recognise them by.
func upsertClient(ctx context.Context, c conn, clinicID string, in clinic.Client) (clinic.Client, error) {
	key := emailKey(in.Email)
	if key != "" && in.Name != "" && in.Phone != "" {
		// The common case (a booking always brings name, email and phone):
		// one statement, one round trip on PostgreSQL.
		out, err := getOne(ctx, c, "Client", scanClient, upsertClientQuery+" RETURNING "+clientCols,
			upsertClientArgs(clinicID, in)...)
		if err != nil {
			return clinic.Client{}, c.d.mapErr(fmt.Errorf("upsert client: %w", err), "A client with this email already exists.", "Clinic not found.")
		}
		return out, nil
	}
	if key != "" {
		found, err := getOne(ctx, c, "Client", scanClient,
			"SELECT "+clientCols+" FROM clients WHERE clinic_id = ? AND email_key = ?", clinicID, key)
		switch {
		case err == nil:
			if in.Name != "" {
				found.Name = in.Name
			}
			if in.Phone != "" {
				found.Phone = in.Phone
			}
			if _, err := c.exec(ctx, "UPDATE clients SET name = ?, phone = ?, search = ? WHERE clinic_id = ? AND id = ?",
				found.Name, found.Phone, clientSearch(found), clinicID, found.ID); err != nil {
				return clinic.Client{}, fmt.Errorf("update client: %w", err)
			}
			return found, nil
		case clinic.ErrorCode(err) != clinic.ENotFound:
			return clinic.Client{}, err
		}
	}
	in.ID, in.ClinicID = newID(), clinicID
	_, err := c.exec(ctx, "INSERT INTO clients ("+clientCols+", email_key, search) VALUES (?, ?, ?, ?, ?, ?, ?)",
		clinicID, in.ID, in.Name, in.Email, in.Phone, nullable(key), clientSearch(in))
	if err != nil {
		return clinic.Client{}, c.d.mapErr(fmt.Errorf("insert client: %w", err), "A client with this email already exists.", "Clinic not found.")
	}
	return in, nil
}

// upsertClientQuery inserts a client with email, name and phone, or
// updates name and phone of the one with that email.
const upsertClientQuery = `INSERT INTO clients (` + clientCols + `, email_key, search) VALUES (?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (clinic_id, email_key) DO UPDATE SET name = excluded.name, phone = excluded.phone, search = excluded.search`

func upsertClientArgs(clinicID string, in clinic.Client) []any {
	return []any{clinicID, newID(), in.Name, in.Email, in.Phone, emailKey(in.Email), clientSearch(in)}
}

// GetClient returns the clinic's client id.
func (db *DB) GetClient(ctx context.Context, clinicID, id string) (clinic.Client, error) {
	return getOne(ctx, db.r(), "Client", scanClient,
		"SELECT "+clientCols+" FROM clients WHERE clinic_id = ? AND id = ?", clinicID, id)
}

// ListClients returns the clinic's clients whose name, email or phone
// contains query (in any case; "" matches all), ordered by name, at most
// limit (DefaultListLimit when 0).
func (db *DB) ListClients(ctx context.Context, clinicID string, query string, limit int) ([]clinic.Client, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	pattern := "%" + escapeLike(strings.ToLower(strings.TrimSpace(query))) + "%"
	cs, err := list(ctx, db.r(), "clients", scanClient, "SELECT "+clientCols+` FROM clients
		WHERE clinic_id = ? AND search LIKE ? ESCAPE '\'
		ORDER BY name COLLATE BINARY, id LIMIT ?`, clinicID, pattern, limit)
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
