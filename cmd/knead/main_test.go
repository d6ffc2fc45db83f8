package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// syncBuffer is an io.Writer safe for the server goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

var listenRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// startRun runs knead in-process and returns its URL once /healthz answers.
func startRun(t *testing.T, args ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	begin := time.Now()
	go func() { done <- run(ctx, args, func(string) string { return "" }, &stdout, &stderr) }()
	var url string
	for time.Since(begin) < 10*time.Second {
		if m := listenRE.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			if resp, err := http.Get(url + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
		}
		select {
		case err := <-done:
			t.Fatalf("knead exited early: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if url == "" {
		t.Fatalf("knead did not start: %s %s", stdout.String(), stderr.String())
	}
	return url, &stdout, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("knead stopped with %v", err)
		}
	}
}

func TestDemoOnEmbeddedDatabase(t *testing.T) {
	dir := t.TempDir()
	begin := time.Now()
	url, stdout, stop := startRun(t, "demo", "--addr", "127.0.0.1:0", "--data", dir, "--log", "warn")
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("demo took %v to answer /healthz", d)
	}
	out := stdout.String()
	for _, want := range []string{"/api/v1/clinics/demo", "owner@demo.knead.test", "desk@demo.knead.test"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	base := url + "/api/v1/clinics/demo"
	var services, locations, therapists struct{ Items []map[string]any }
	getJSON(t, base+"/services", &services)
	getJSON(t, base+"/locations", &locations)
	getJSON(t, base+"/therapists", &therapists)
	modalities := map[string]bool{}
	for _, s := range services.Items {
		modalities[s["modality"].(string)] = true
	}
	for _, m := range clinic.Modalities {
		if !modalities[m] {
			t.Errorf("the demo has no %s service", m)
		}
	}
	if len(locations.Items) != 2 || locations.Items[0]["timezone"] == locations.Items[1]["timezone"] {
		t.Errorf("want two locations in different zones: %v", locations.Items)
	}
	if len(therapists.Items) < 6 {
		t.Errorf("%d therapists, want at least 6", len(therapists.Items))
	}
	// Availability over the next two weeks is neither empty nor untouched.
	from := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	to := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	total := 0
	for _, s := range services.Items {
		for _, l := range locations.Items {
			var av struct{ Slots []any }
			if st := getJSON(t, fmt.Sprintf("%s/availability?service=%s&location=%s&from=%s&to=%s", base, s["id"], l["id"], from, to), &av); st != 200 {
				t.Fatalf("availability status %d", st)
			}
			total += len(av.Slots)
		}
	}
	if total == 0 {
		t.Fatal("no free slot in the demo's next two weeks")
	}
	stop()

	// Reopening the same folder keeps the data and does not seed again.
	url, _, stop = startRun(t, "demo", "--addr", "127.0.0.1:0", "--data", dir, "--log", "warn")
	defer stop()
	var again struct{ Items []map[string]any }
	getJSON(t, url+"/api/v1/clinics/demo/services", &again)
	if len(again.Items) != len(services.Items) {
		t.Fatalf("%d services after reopening, want %d", len(again.Items), len(services.Items))
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"serve", "--db", "mysql://x"}, {"serve", "extra"}, {"serve", "--log", "loud"}} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, &stdout, io.Discard); err != nil || !strings.Contains(stdout.String(), "knead demo") {
		t.Errorf("--help: %v %q", err, stdout.String())
	}
}

// buildKnead builds the binary once for the tests that run it as processes.
func buildKnead(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "knead")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// startProcess starts a knead process and returns its URL.
func startProcess(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		close(urls)
	}()
	select {
	case url, ok := <-urls:
		if !ok {
			t.Fatalf("%v exited before listening", args)
		}
		return url
	case <-time.After(60 * time.Second):
		t.Fatalf("%v did not start", args)
	}
	return ""
}

func post(url, key string, body any) (int, map[string]any, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

// TestThreeProcessesOnePostgres races bookings for one slot through three
// knead processes on one PostgreSQL database.
func TestThreeProcessesOnePostgres(t *testing.T) {
	bin := buildKnead(t)
	dsn, _ := testdb.DSN(t, "postgres")
	urls := []string{startProcess(t, bin, "demo", "--addr", "127.0.0.1:0", "--db", dsn, "--log", "warn")}
	for range 2 {
		urls = append(urls, startProcess(t, bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log", "warn"))
	}
	base := "/api/v1/clinics/demo"
	var services, locations struct{ Items []map[string]any }
	getJSON(t, urls[1]+base+"/services", &services)
	getJSON(t, urls[2]+base+"/locations", &locations)
	svc, loc := services.Items[0]["id"].(string), locations.Items[0]["id"].(string)
	var av struct{ Slots []map[string]string }
	from := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	to := time.Now().AddDate(0, 0, 9).Format(time.DateOnly)
	getJSON(t, fmt.Sprintf("%s%s/availability?service=%s&location=%s&from=%s&to=%s", urls[0], base, svc, loc, from, to), &av)
	if len(av.Slots) < 2 {
		t.Fatalf("too few free slots to race for: %d", len(av.Slots))
	}
	booking := func(s map[string]string, i int) map[string]any {
		return map[string]any{"service": svc, "location": loc, "therapist": s["therapist"], "start": s["start"],
			"client": map[string]any{"name": fmt.Sprintf("Racer %d", i), "email": fmt.Sprintf("racer%d@example.com", i), "phone": "+1 416 555 0199"}}
	}

	const n = 60
	var mu sync.Mutex
	status := map[int]int{}
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body, err := post(urls[i%3]+base+"/appointments", "", booking(av.Slots[0], i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			status[code]++
			if code == 201 {
				ids[body["id"].(string)] = true
			}
		}()
	}
	wg.Wait()
	if status[201] != 1 || status[409] != n-1 {
		t.Fatalf("one slot raced through three processes: %v, want 1 created, %d conflicts", status, n-1)
	}

	// The same Idempotency-Key sent to all three processes at once makes one booking.
	clear(ids)
	for i := range 9 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body, err := post(urls[i%3]+base+"/appointments", "retry-key-1", booking(av.Slots[len(av.Slots)-1], 1000))
			mu.Lock()
			defer mu.Unlock()
			if err != nil || code != 201 {
				t.Errorf("idempotent retry: %d %v %v", code, body, err)
				return
			}
			ids[body["id"].(string)] = true
		}()
	}
	wg.Wait()
	if len(ids) != 1 {
		t.Fatalf("one Idempotency-Key across three processes made %d bookings", len(ids))
	}
}

func TestClinicCreateThenOwnerLogsIn(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "KNEAD_OWNER_PASSWORD" {
			return "riverside owner pass"
		}
		return ""
	}
	var out, errOut bytes.Buffer
	args := []string{"clinic", "create", "--slug", "riverside", "--name", "Riverside Massage", "--currency", "cad",
		"--owner-email", "owner@riverside.example", "--data", dir}
	if err := run(context.Background(), args, env, &out, &errOut); err != nil {
		t.Fatalf("clinic create: %v\n%s", err, errOut.String())
	}
	if strings.Contains(out.String(), "password") {
		t.Errorf("printed a password it was given: %s", out.String())
	}
	// The same slug again is refused, and bad input names the fields.
	if err := run(context.Background(), args, env, &out, &errOut); err == nil {
		t.Error("a second clinic with the same slug was created")
	}
	err := run(context.Background(), []string{"clinic", "create", "--slug", "Bad Slug", "--currency", "x", "--data", dir}, env, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "slug:") || !strings.Contains(err.Error(), "currency:") {
		t.Errorf("bad input: %v", err)
	}

	url, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--log", "warn")
	defer stop()
	code, body, err := post(url+"/api/v1/auth/login", "", map[string]any{"clinic": "riverside", "email": "owner@riverside.example", "password": "riverside owner pass"})
	if err != nil || code != 200 || body["token"] == "" {
		t.Fatalf("owner login: %d %v %v", code, body, err)
	}
}

// TestServeSweepsAtStart: a knead that starts removes the sessions that
// expired while it was down, and keeps the live ones.
func TestServeSweepsAtStart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := store.NewFixture(ctx, st, "sweep", 1)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, f.Clinic.ID, clinic.User{Email: "o@example.com", Name: "O", Role: clinic.RoleOwner, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, expires := range []time.Time{now.Add(-time.Hour), now.Add(time.Hour)} {
		if err := st.CreateSession(ctx, clinic.Session{TokenHash: []byte{byte(i)}, UserID: u.ID, ClinicID: f.Clinic.ID, Created: now.Add(-2 * time.Hour), Expires: expires}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	_, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	stop()
	st, err = store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if swept, err := st.Sweep(ctx, now); err != nil || swept.StaffSessions != 0 {
		t.Fatalf("the expired session was still there after knead started: %+v %v", swept, err)
	}
	if _, _, err := st.SessionByTokenHash(ctx, []byte{1}, now); err != nil {
		t.Fatalf("the live session went: %v", err)
	}
}
