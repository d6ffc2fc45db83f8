// Package browsertest drives a real headless Chromium from Go tests, so that a
// test can use a page as a person would: open it on a phone or a desktop, fill
// in and submit its forms, read what it shows, take screenshots, and check it
// with axe-core for accessibility problems.
//
// A test starts the browser and opens a page (a new tab) with a viewport:
//
//	b := browsertest.Start(t)
//	p := b.Page(t, browsertest.Phone)
//	p.Go(srv.URL + "/riverside")
//	p.Fill("#email", "ann@example.com")
//	p.Submit("#book")
//	if got := p.Text("h1"); got != "Booked" { ... }
//	p.Screenshot("booked")
//	p.Axe(t)
//
// Every method fails the test with the step, the current URL, the console
// errors of the page and a screenshot (failure-NN-viewport-step.png in the
// test's artifact directory) when it cannot do what it says, and every step has
// a timeout ([DefaultTimeout]), so a broken page fails fast and never hangs the
// suite. Nothing is ever skipped: a missing Chromium or a missing axe-core fails
// the test with the command that installs it (scripts/test.sh installs both).
//
// A package whose tests open pages should share one browser across its tests:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
// Without it, [Start] starts a browser for each test and closes it at the
// test's cleanup, which is correct but costs about a second a test.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds every step of a [Page]: a navigation, a click, a wait
// for an element, an evaluation. Page.SetTimeout changes it for one page.
const DefaultTimeout = 10 * time.Second

// startTimeout bounds the start of the browser, which is slower than a step on
// a busy machine.
const startTimeout = 30 * time.Second

// Viewport is the screen that a page emulates.
type Viewport struct {
	Name          string // used in screenshot names
	Width, Height int    // CSS pixels
	Mobile        bool   // mobile layout, touch events and a mobile user agent
	Scale         float64
}

// Phone is a 375x812 phone (an iPhone X-sized screen) at device scale 2, with
// touch and an Android Chrome user agent.
var Phone = Viewport{Name: "phone", Width: 375, Height: 812, Mobile: true, Scale: 2}

// Desktop is a 1280x800 desktop window at device scale 1.
var Desktop = Viewport{Name: "desktop", Width: 1280, Height: 800, Scale: 1}

// Browser is one running headless Chromium. Its pages are tabs, each in a
// browser context of its own (cookies and storage are not shared between
// pages), so tests that run in parallel can share it.
type Browser struct {
	ctx       context.Context // a chromedp context whose browser is running
	cancelCtx context.CancelFunc
	cancelAll context.CancelFunc // stops the allocator: the process and its profile
	version   string             // the major version, such as "156"
	closeOnce sync.Once
}

// shared is the browser of a package that runs its tests through [Main].
var shared struct {
	mu      sync.Mutex
	enabled bool
	b       *Browser
}

// Main runs the tests of a package with one browser shared by all of them,
// started by the first [Start] and closed when the tests end. Call it from
// TestMain, which may do its own set-up before and its clean-up after:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
// The testing package exits with the result of m.Run when TestMain returns.
func Main(m *testing.M) { Around(m.Run) }

// Around is Main around another runner of the package's tests, such as
// testdb.Run: func TestMain(m *testing.M) { os.Exit(browsertest.Around(func() int { return testdb.Run(m) })) }.
func Around(run func() int) int {
	shared.mu.Lock()
	shared.enabled = true
	shared.mu.Unlock()
	defer func() {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		if shared.b != nil {
			shared.b.close()
			shared.b = nil
		}
		shared.enabled = false
	}()
	return run()
}

// Start returns a running headless Chromium: the package's shared browser when
// its tests run through [Main], or else a browser of the test's own that closes
// at the test's cleanup. It fails the test, with how to install it, when
// Chromium is not there.
//
// Chromium is $KNEAD_CHROMIUM, else /usr/bin/chromium, else chromium on PATH.
func Start(t testing.TB) *Browser {
	t.Helper()
	shared.mu.Lock()
	if !shared.enabled {
		shared.mu.Unlock()
		b, err := launch()
		if err != nil {
			t.Fatalf("browsertest: %v", err)
			return nil
		}
		t.Cleanup(b.close)
		return b
	}
	defer shared.mu.Unlock()
	if shared.b != nil && shared.b.ctx.Err() != nil {
		// The browser crashed or was killed: start another one rather than
		// fail every later test for it.
		shared.b.close()
		shared.b = nil
	}
	if shared.b == nil {
		b, err := launch()
		if err != nil {
			t.Fatalf("browsertest: %v", err)
			return nil
		}
		shared.b = b
	}
	return shared.b
}

// chromiumPath finds the Chromium binary.
func chromiumPath() (string, error) {
	const install = "install it with `apt-get update && apt-get install -y chromium` " +
		"(scripts/test.sh does this), or set KNEAD_CHROMIUM to a Chromium or Chrome binary"
	if p := os.Getenv("KNEAD_CHROMIUM"); p != "" {
		if err := isExecutable(p); err != nil {
			return "", fmt.Errorf("KNEAD_CHROMIUM=%s: %v; %s", p, err, install)
		}
		return p, nil
	}
	if isExecutable("/usr/bin/chromium") == nil {
		return "/usr/bin/chromium", nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("Chromium is not installed (no /usr/bin/chromium, no chromium on PATH): %s", install)
}

func isExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return errors.New("not an executable file")
	}
	return nil
}

// launch starts a browser and waits until it answers.
func launch() (*Browser, error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no first run, disable-dev-shm-usage
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root here, and Chromium's sandbox refuses root
		chromedp.DisableGPU,
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("disable-search-engine-choice-screen", true),
		chromedp.WindowSize(Desktop.Width, Desktop.Height),
	)
	allocCtx, cancelAll := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, cancelCtx: cancelCtx, cancelAll: cancelAll}

	// The first Do starts the process and binds its life to ctx, so it gets
	// no deadline of its own: a timer cancels it if the start hangs.
	timer := time.AfterFunc(startTimeout, cancelCtx)
	err = chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("did not answer within %v", startTimeout)
	}
	if err == nil {
		var v browser.GetVersionResult
		vctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
		v, err = chromedp.CallBrowser(vctx, browser.GetVersion, cdp.Empty{})
		cancel()
		// Product is "HeadlessChrome/156.0.8078.79".
		_, full, _ := strings.Cut(v.Product, "/")
		b.version, _, _ = strings.Cut(full, ".")
	}
	if err != nil {
		b.close()
		return nil, fmt.Errorf("starting %s: %v (run `%s --headless --no-sandbox --dump-dom about:blank` to see why)", path, err, path)
	}
	return b, nil
}

// close stops the browser gracefully if it can, within a few seconds, and then
// for good, and removes its temporary profile.
func (b *Browser) close() {
	b.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		_ = chromedp.Cancel(ctx) // errors here only say that it had already stopped
		cancel()
		b.cancelCtx()
		b.cancelAll()
	})
}

// mobileUserAgent is the user agent of Chrome on an Android phone, of the same
// version as the running browser.
func (b *Browser) mobileUserAgent() string {
	v := b.version
	if v == "" {
		v = "130"
	}
	return "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
		v + ".0.0.0 Mobile Safari/537.36"
}
