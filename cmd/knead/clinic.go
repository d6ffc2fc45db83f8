package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"knead/internal/auth"
	"knead/internal/clinic"
	"knead/internal/store"
)

// clinicCommand creates a clinic and its owner: how an operator starts a
// real clinic on a fresh database (the demo seeds its own).
func clinicCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, usage)
		return errors.New(`usage: knead clinic create --slug S --name N --currency CAD --owner-email E`)
	}
	fs := flag.NewFlagSet("clinic create", flag.ContinueOnError)
	slug := fs.String("slug", "", "URL slug, e.g. riverside-massage")
	name := fs.String("name", "", "the clinic's name")
	currency := fs.String("currency", "", "ISO 4217 currency of its prices, e.g. CAD")
	ownerEmail := fs.String("owner-email", "", "the owner's login email")
	ownerName := fs.String("owner-name", "Owner", "the owner's name")
	o, err := parseFlagsWith(fs, args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	c := clinic.Clinic{Slug: *slug, Name: *name, Currency: strings.ToUpper(*currency)}
	owner := clinic.User{Email: strings.TrimSpace(*ownerEmail), Name: *ownerName, Role: clinic.RoleOwner}
	if err := errors.Join(c.Validate(), owner.Validate()); err != nil {
		return fmt.Errorf("the clinic or its owner is not valid:%s", fieldList(err))
	}
	password, generated := getenv("KNEAD_OWNER_PASSWORD"), false
	if password == "" {
		password, generated = rand.Text(), true
	}
	if owner.PasswordHash, err = auth.HashPassword(password); err != nil {
		return fmt.Errorf("KNEAD_OWNER_PASSWORD: %s", auth.CheckPasswordRules(password))
	}
	st, err := store.Open(ctx, o.db, o.data)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	created, err := st.CreateClinic(ctx, c)
	if err != nil {
		return fmt.Errorf("create clinic: %w", err)
	}
	if _, err := st.CreateUser(ctx, created.ID, owner); err != nil {
		return fmt.Errorf("create owner of %q (the clinic was created): %w", created.Slug, err)
	}
	fmt.Fprintf(stdout, "created clinic %q (%s) with owner %s\n", created.Slug, created.Name, owner.Email)
	if generated {
		fmt.Fprintf(stdout, "owner's password (shown once): %s\n", password)
	}
	return nil
}

// fieldList spells out the field errors of a validation error.
func fieldList(err error) string {
	var b strings.Builder
	for e := range errorsOf(err) {
		for _, f := range e.Fields {
			fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
		}
	}
	return b.String()
}

// errorsOf yields every *clinic.Error joined in err.
func errorsOf(err error) func(func(*clinic.Error) bool) {
	return func(yield func(*clinic.Error) bool) {
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) {
			for _, e := range joined.Unwrap() {
				var ce *clinic.Error
				if errors.As(e, &ce) && !yield(ce) {
					return
				}
			}
			return
		}
		var ce *clinic.Error
		if errors.As(err, &ce) {
			yield(ce)
		}
	}
}
