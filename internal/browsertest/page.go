package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Page is one tab of the browser with a viewport emulated. Its methods fail the
// test that opened it; it is not safe for use by several goroutines at once.
type Page struct {
	t       testing.TB
	b       *Browser
	v       Viewport
	ctx     context.Context // the tab's chromedp context
	timeout time.Duration

	lastURL    string // the URL of the last Go, for failure messages when the tab is gone
	lastStatus int    // the HTTP status of the last navigation that this package saw

	console *consoleLog
}

// consoleLog keeps the console errors, uncaught exceptions and browser log
// errors of a page.
type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

// with returns the page failing t instead of the test that opened it.
func (p *Page) with(t testing.TB) *Page {
	q := *p
	q.t = t
	return &q
}

// Page opens a new tab, in a browser context of its own, with the viewport v
// emulated. The tab closes at the test's cleanup.
func (b *Browser) Page(t testing.TB, v Viewport) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &Page{t: t, b: b, v: v, ctx: ctx, timeout: DefaultTimeout, console: new(consoleLog)}

	// The first Do creates the tab and binds its life to ctx, so it gets no
	// deadline of its own: a timer cancels it if the browser does not answer.
	timer := time.AfterFunc(DefaultTimeout, cancel)
	err := chromedp.Do(ctx, p.emulate())
	if !timer.Stop() {
		err = fmt.Errorf("the browser did not open a tab within %v", DefaultTimeout)
	}
	if err != nil {
		t.Fatalf("browsertest: opening a %s page: %v", v.Name, err)
		return nil
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException ||
				strings.HasSuffix(m.URL, "/favicon.ico") { // the browser asks for it by itself
				continue
			}
			line := fmt.Sprintf("%s: %s", m.Type, m.Text)
			if m.URL != "" {
				line = fmt.Sprintf("%s (%s:%d)", line, m.URL, m.Line+1)
			}
			p.console.mu.Lock()
			p.console.lines = append(p.console.lines, line)
			p.console.mu.Unlock()
		}
	}()
	return p
}

// emulate sets the viewport, touch and user agent of the tab. They stay for
// every document that the tab loads.
func (p *Page) emulate() chromedp.Action[chromedp.Void] {
	v := p.v
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		scale := v.Scale
		if scale == 0 {
			scale = 1
		}
		orientation := &emulation.ScreenOrientation{Type: emulation.ScreenOrientationTypePortraitPrimary}
		if v.Width > v.Height {
			orientation = &emulation.ScreenOrientation{Type: emulation.ScreenOrientationTypeLandscapePrimary, Angle: 90}
		}
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(v.Width), Height: int64(v.Height), DeviceScaleFactor: scale,
			Mobile: v.Mobile, ScreenOrientation: orientation,
		}); err != nil {
			return err
		}
		touch := emulation.SetTouchEmulationEnabledParams{Enabled: v.Mobile}
		if v.Mobile {
			touch.MaxTouchPoints = 5
		}
		if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, touch); err != nil {
			return err
		}
		if !v.Mobile {
			return nil
		}
		_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: p.b.mobileUserAgent(),
			Platform:  "Linux armv8l",
			UserAgentMetadata: &emulation.UserAgentMetadata{
				Brands:   []*emulation.UserAgentBrandVersion{{Brand: "Chromium", Version: p.b.version}},
				Platform: "Android", PlatformVersion: "14", Model: "Pixel 8", Mobile: true,
			},
		})
		return err
	})
}

// SetTimeout changes the timeout of each later step of the page (DefaultTimeout
// by default).
func (p *Page) SetTimeout(d time.Duration) { p.timeout = d }

// Go loads url, waits until its load event, and returns the HTTP status of the
// document. It fails the test when the page cannot be loaded at all; a 404 or a
// 500 is not a failure here.
func (p *Page) Go(url string) int {
	p.t.Helper()
	p.lastURL = url
	resp, _ := step(p, fmt.Sprintf("Go(%q)", url), func(ctx context.Context) (int, error) {
		r, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
		if err != nil || r == nil {
			return 0, err
		}
		return int(r.Status), nil
	})
	p.lastStatus = resp
	return resp
}

// Click clicks the first element that matches the CSS selector, once it is
// visible, with a real mouse event at its centre. It does not wait for a
// navigation that the click starts: use ClickAndWait for a link or a button
// that loads a new page.
func (p *Page) Click(selector string) {
	p.t.Helper()
	step(p, fmt.Sprintf("Click(%q)", selector), action(chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible)))
}

// ClickAndWait clicks like Click, waits until the page that the click loads
// has loaded, and returns its HTTP status.
func (p *Page) ClickAndWait(selector string) int {
	p.t.Helper()
	return p.navigation(fmt.Sprintf("ClickAndWait(%q)", selector),
		chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// Text returns the visible text (innerText, trimmed) of the first element that
// matches the CSS selector, once it is visible.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	s, _ := step(p, fmt.Sprintf("Text(%q)", selector), func(ctx context.Context) (string, error) {
		return chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible))
	})
	return strings.TrimSpace(s)
}

// Has reports whether an element matches the CSS selector now, visible or
// not. It does not wait.
func (p *Page) Has(selector string) bool {
	p.t.Helper()
	ok, _ := step(p, fmt.Sprintf("Has(%q)", selector), func(ctx context.Context) (bool, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(selector))))
	})
	return ok
}

// WaitVisible waits until an element that matches the CSS selector is
// visible.
func (p *Page) WaitVisible(selector string) {
	p.t.Helper()
	step(p, fmt.Sprintf("WaitVisible(%q)", selector), action(chromedp.WaitVisible(chromedp.CSS(selector))))
}

// URL returns the URL of the document in the tab.
func (p *Page) URL() string {
	p.t.Helper()
	u, _ := step(p, "URL()", func(ctx context.Context) (string, error) {
		return chromedp.Run(ctx, chromedp.Location())
	})
	return u
}

// Eval evaluates the JavaScript expression in the page (awaiting it if it is a
// promise) and decodes its JSON value into out, unless out is nil.
func (p *Page) Eval(js string, out any) {
	p.t.Helper()
	step(p, fmt.Sprintf("Eval(%q)", shorten(js, 80)), func(ctx context.Context) (chromedp.Void, error) {
		if out == nil {
			return chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](js, chromedp.EvalAwaitPromise))
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
		if err != nil {
			return chromedp.Void{}, err
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return chromedp.Void{}, fmt.Errorf("decoding %s into %T: %v", shorten(string(raw), 200), out, err)
		}
		return chromedp.Void{}, nil
	})
}

// SetGeolocation grants the page the geolocation permission and makes
// navigator.geolocation report the position lat, lng (accuracy 10 m), for this
// document and the next ones.
func (p *Page) SetGeolocation(lat, lng float64) {
	p.t.Helper()
	step(p, fmt.Sprintf("SetGeolocation(%v, %v)", lat, lng), func(ctx context.Context) (chromedp.Void, error) {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission:       &browser.PermissionDescriptor{Name: "geolocation"},
			Setting:          browser.PermissionSettingGranted,
			BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID,
		}); err != nil {
			return chromedp.Void{}, fmt.Errorf("granting the permission: %w", err)
		}
		_, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lng, Accuracy: new(10.0),
		})
		return chromedp.Void{}, err
	})
}

// Errors returns the console errors, uncaught exceptions and browser log errors
// (failed loads, Content-Security-Policy violations) that the page has had so
// far, oldest first.
func (p *Page) Errors() []string {
	p.console.mu.Lock()
	defer p.console.mu.Unlock()
	return append([]string(nil), p.console.lines...)
}
