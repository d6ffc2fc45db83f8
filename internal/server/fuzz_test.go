package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// FuzzPublicInputs sends arbitrary bodies and query strings to the public
// booking and availability endpoints of a running server on SQLite: the
// answer is never a 500, and every error is problem+json. The seeds run with
// every `go test`; `go test -fuzz FuzzPublicInputs ./internal/server` runs
// it for as long as you like.
func FuzzPublicInputs(f *testing.F) {
	f.Add(`{"service":"x","location":"y","start":"2027-01-05T10:00:00-05:00","client":{"name":"A","email":"a@b.c","phone":"4165550100"}}`, "service=x&location=y&from=2027-01-05&to=2027-01-05")
	f.Add(`{"start":"9999-12-31T23:59:59+14:00"}`, "from=0001-01-01&to=9999-12-31")
	f.Add(`{"start":"0000-01-01T00:00:00Z","client":{"email":"\u0000"}}`, "therapist=%00&from=2027-02-30")
	f.Add(`[{}]`, "service=&location=&from=&to=")
	f.Add(`{"client":null,"therapist":"any"}`, "from=2027-01-01&to=2027-01-01&from=2028-01-01")
	fx := newFixture(f, "sqlite")
	f.Fuzz(func(t *testing.T, body, query string) {
		fx.t = t
		// Put real ids in for the placeholders some of the time, so the
		// fuzzer reaches the engine and the booking transaction.
		body = strings.NewReplacer(`"x"`, `"`+fx.swedish+`"`, `"y"`, `"`+fx.location+`"`).Replace(body)
		query = strings.NewReplacer("service=x", "service="+fx.swedish, "location=y", "location="+fx.location).Replace(query)
		checks := []response{
			fx.do("POST", fx.path("/appointments"), "", body),
			fx.do("GET", fx.path("/availability?"+escapeQuery(query)), "", nil),
			fx.do("POST", fx.path("/appointments/"+url.PathEscape(query)+"/reschedule"), "", body),
		}
		for _, r := range checks {
			if r.Status >= 500 {
				t.Fatalf("status %d for body %q query %q: %s", r.Status, body, query, r.Body)
			}
			if r.Status >= 400 {
				r.problem(t)
			}
		}
	})
}

// escapeQuery percent-encodes what may not stand raw in a URL, as any HTTP
// client does; the rest of the query reaches the server as the fuzzer made it.
func escapeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
