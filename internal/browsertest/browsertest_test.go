package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

// csp is the policy that every page of the test server has, as strict as the
// real pages'.
const csp = "default-src 'self'; script-src 'self'"

const formPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Book a massage</title></head>
<body><main>
<h1>Book a massage</h1>
<form method="post" action="/submitted">
  <label for="name">Your name</label>
  <input id="name" name="name" value="an old value" required>
  <label for="service">Service</label>
  <select id="service" name="service">
    <option value="">Choose one</option>
    <option value="back">Back massage (60 min)</option>
    <option value="sports">Sports massage</option>
  </select>
  <label for="day">Day</label>
  <input id="day" name="day" type="date">
  <button type="submit" name="action" value="book">Book</button>
</form>
</main></body></html>`

// cspPage is accessible, and has an inline script that its policy must block.
const cspPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Strict page</title></head>
<body><main>
<h1>Strict page</h1>
<p>Only scripts from this origin may run here.</p>
<script>document.title = 'the inline script ran';</script>
</main></body></html>`

// badPage breaks two critical axe rules: an image with no text alternative
// and a field with no label.
const badPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Inaccessible</title></head>
<body><main>
<h1>Inaccessible</h1>
<img src="/pixel.png">
<form><input type="text" name="q"></form>
</main></body></html>`

const geoPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Near me</title></head>
<body><main><h1>Clinics near me</h1><p>Locating you…</p></main>
<script src="/geo.js"></script>
</body></html>`

const geoJS = `navigator.geolocation.getCurrentPosition(pos => {
  const p = document.createElement('p');
  p.id = 'coords';
  p.textContent = pos.coords.latitude.toFixed(4) + ',' + pos.coords.longitude.toFixed(4);
  document.querySelector('main').append(p);
}, err => {
  const p = document.createElement('p');
  p.id = 'geo-error';
  p.textContent = 'error ' + err.code + ': ' + err.message;
  document.querySelector('main').append(p);
});`

func server(t *testing.T) *httptest.Server {
	t.Helper()
	var pixel bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.Black)
	if err := png.Encode(&pixel, img); err != nil {
		t.Fatal(err)
	}
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", page(formPage))
	mux.HandleFunc("GET /csp", page(cspPage))
	mux.HandleFunc("GET /bad", page(badPage))
	mux.HandleFunc("GET /geo", page(geoPage))
	mux.HandleFunc("GET /geo.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, geoJS)
	})
	mux.HandleFunc("GET /pixel.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixel.Bytes())
	})
	mux.HandleFunc("POST /submitted", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		http.Redirect(w, r, "/done?"+r.PostForm.Encode(), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Booked</title></head>
<body><main><h1>Booked</h1><dl>
<dt>Name</dt><dd id="name">%s</dd>
<dt>Service</dt><dd id="service">%s</dd>
<dt>Day</dt><dd id="day">%s</dd>
<dt>Button</dt><dd id="action">%s</dd>
</dl></main></body></html>`,
			html.EscapeString(q.Get("name")), html.EscapeString(q.Get("service")),
			html.EscapeString(q.Get("day")), html.EscapeString(q.Get("action")))
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFormFillSelectSubmit(t *testing.T) {
	srv := server(t)
	p := Start(t).Page(t, Desktop)

	if status := p.Go(srv.URL + "/form"); status != http.StatusOK {
		t.Fatalf("GET /form: status %d", status)
	}
	if !p.Has("form") || p.Has("#no-such-element") {
		t.Fatal("Has: want the form and nothing else")
	}
	p.Fill("#name", `Ann O'Neil <3`) // replaces "an old value"
	p.Select("#service", "back")
	p.Fill("#day", "2026-03-14")
	p.Screenshot("filled")
	if status := p.Submit("button[type=submit]"); status != http.StatusOK {
		t.Fatalf("submitting: status %d after the redirect", status)
	}
	if u := p.URL(); !strings.HasPrefix(u, srv.URL+"/done?") {
		t.Fatalf("URL after submitting = %s", u)
	}
	for sel, want := range map[string]string{
		"#name": `Ann O'Neil <3`, "#service": "back", "#day": "2026-03-14", "#action": "book",
	} {
		if got := p.Text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	p.Screenshot("done")

	// A form submitted as a whole has no submitter; Select also takes the label.
	p.Go(srv.URL + "/form")
	p.Select("#service", "Sports massage")
	p.Submit("form")
	if got := p.Text("#service"); got != "sports" {
		t.Errorf("service = %q, want sports", got)
	}
	if got := p.Text("#action"); got != "" {
		t.Errorf("action = %q, want none", got)
	}
	if got := p.Text("#name"); got != "an old value" {
		t.Errorf("name = %q, want the untouched value", got)
	}
}

// fakeTB records the failures of a step, and ends its goroutine on Fatal as a
// testing.T does.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Error(args ...any)              { f.record(fmt.Sprint(args...)) }
func (f *fakeTB) Errorf(format string, a ...any) { f.record(fmt.Sprintf(format, a...)) }
func (f *fakeTB) Fatal(args ...any)              { f.record(fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) Fatalf(format string, a ...any) {
	f.record(fmt.Sprintf(format, a...))
	runtime.Goexit()
}
func (f *fakeTB) Fail()                           { f.record("Fail") }
func (f *fakeTB) FailNow()                        { f.record("FailNow"); runtime.Goexit() }
func (f *fakeTB) Logf(format string, args ...any) {}

func (f *fakeTB) record(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, msg)
}

// failure runs f with a fake testing.TB and returns what it reported.
func failure(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	fake := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(fake)
	}()
	<-done
	return strings.Join(fake.msgs, "\n")
}

func TestStepsFailFastWithURLAndScreenshot(t *testing.T) {
	srv := server(t)
	p := Start(t).Page(t, Phone)
	p.Go(srv.URL + "/form")
	p.SetTimeout(time.Second)

	for _, c := range []struct {
		name string
		do   func(p *Page)
		want []string
	}{
		{"missing element", func(p *Page) { p.WaitVisible("#never") }, []string{"timed out after 1s"}},
		{"unknown option", func(p *Page) { p.Select("#service", "hot-stones") },
			[]string{`no option "hot-stones"`, `"back" (Back massage (60 min))`}},
		{"invalid form", func(p *Page) { p.Fill("#name", ""); p.Submit("form") },
			[]string{"does not validate", "name: "}},
		{"not a field", func(p *Page) { p.Fill("h1", "x") }, []string{"not a text field"}},
	} {
		start := time.Now()
		msg := failure(t, func(tb testing.TB) { c.do(p.with(tb)) })
		if took := time.Since(start); took > 8*time.Second {
			t.Errorf("%s: took %v to fail", c.name, took)
		}
		for _, want := range append(c.want, "on the phone page", "page: "+srv.URL+"/form", "screenshot: ") {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: the failure does not say %q:\n%s", c.name, want, msg)
			}
		}
		_, path, ok := strings.Cut(msg, "screenshot: ")
		path, _, _ = strings.Cut(path, "\n")
		if !ok || !strings.HasPrefix(filepath.Base(path), "failure-") {
			t.Errorf("%s: no failure screenshot named in %q", c.name, msg)
		} else if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestAxeRunsUnderStrictCSP(t *testing.T) {
	srv := server(t)
	p := Start(t).Page(t, Phone)
	p.Go(srv.URL + "/csp")

	// The policy is in force: the inline script did not run, and the console
	// says why.
	var title string
	p.Eval("document.title", &title)
	if title != "Strict page" {
		t.Fatalf("title = %q: the page's Content-Security-Policy is not in force", title)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(strings.Join(p.Errors(), "\n"), "Content Security Policy") {
		if time.Now().After(deadline) {
			t.Fatalf("no CSP violation in the console: %q", p.Errors())
		}
		time.Sleep(50 * time.Millisecond)
	}

	p.Axe(t)
	var kind string
	p.Eval("typeof axe", &kind)
	if kind != "object" {
		t.Errorf("typeof axe = %q after Axe", kind)
	}
	p.Axe(t) // a second run reuses the injected script
}

func TestAxeReportsViolations(t *testing.T) {
	srv := server(t)
	p := Start(t).Page(t, Desktop)
	p.Go(srv.URL + "/bad")

	vs, ok := step(p, "axe", p.axeViolations)
	if !ok {
		return
	}
	impact := map[string]string{}
	for _, v := range vs {
		impact[v.ID] = v.Impact
	}
	for _, id := range []string{"image-alt", "label"} {
		if impact[id] != "critical" && impact[id] != "serious" {
			t.Errorf("violation %s: impact %q, want serious or critical (all: %v)", id, impact[id], vs)
		}
	}

	msg := failure(t, func(tb testing.TB) { p.Axe(tb) })
	for _, want := range []string{"serious or critical", "image-alt (critical)", "label (critical)", "img", "input", "/bad", "screenshot: "} {
		if !strings.Contains(msg, want) {
			t.Errorf("Axe's failure does not say %q:\n%s", want, msg)
		}
	}
}

func TestGeolocation(t *testing.T) {
	srv := server(t)
	p := Start(t).Page(t, Phone)
	p.SetGeolocation(43.6532, -79.3832)
	p.Go(srv.URL + "/geo")
	p.WaitVisible("#coords")
	if got := p.Text("#coords"); got != "43.6532,-79.3832" {
		t.Errorf("coords = %q", got)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestViewports(t *testing.T) {
	srv := server(t)
	b := Start(t)
	for _, v := range []Viewport{Phone, Desktop} {
		p := b.Page(t, v)
		p.Go(srv.URL + "/csp")
		var got struct {
			Width, Height int
			Scale         float64
			UA            string
			Touch         int
		}
		p.Eval(`({width: innerWidth, height: innerHeight, scale: devicePixelRatio,
			ua: navigator.userAgent, touch: navigator.maxTouchPoints})`, &got)
		if got.Width != v.Width || got.Height != v.Height || got.Scale != v.Scale {
			t.Errorf("%s: viewport %dx%d at %v, want %dx%d at %v", v.Name, got.Width, got.Height, got.Scale, v.Width, v.Height, v.Scale)
		}
		if mobile := strings.Contains(got.UA, "Mobile") && got.Touch > 0; mobile != v.Mobile {
			t.Errorf("%s: user agent %q with %d touch points, want mobile %v", v.Name, got.UA, got.Touch, v.Mobile)
		}

		path := p.Screenshot("home page")
		if want := fmt.Sprintf("-%s-home-page.png", v.Name); !strings.HasSuffix(path, want) || filepath.Dir(path) != artifactDir(t) {
			t.Errorf("screenshot at %s, want NN%s in %s", path, want, artifactDir(t))
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := int(float64(v.Width) * v.Scale); cfg.Width != want {
			t.Errorf("%s: screenshot %d px wide, want %d", v.Name, cfg.Width, want)
		}
	}
	entries, _ := os.ReadDir(artifactDir(t))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"01-phone-home-page.png", "02-desktop-home-page.png"}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("artifacts %v, want %v", names, want)
	}
}

func TestMissingToolsFailWithHowToInstall(t *testing.T) {
	t.Setenv("KNEAD_CHROMIUM", "/nonexistent/chromium")
	if _, err := chromiumPath(); err == nil || !strings.Contains(err.Error(), "apt-get install -y chromium") {
		t.Errorf("chromiumPath with a missing binary: %v", err)
	}
	t.Setenv("KNEAD_AXE_JS", "/nonexistent/axe.min.js")
	if _, err := axePath(); err == nil || !strings.Contains(err.Error(), "npm install") {
		t.Errorf("axePath with a missing file: %v", err)
	}
}

func TestAxeVersionMatchesTestScript(t *testing.T) {
	wd, _ := os.Getwd()
	root, err := moduleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "\naxe_version="+AxeVersion+"\n") {
		t.Errorf("scripts/test.sh does not install axe-core %s (browsertest.AxeVersion)", AxeVersion)
	}
}
