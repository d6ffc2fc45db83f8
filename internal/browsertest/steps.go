package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Screenshot saves a PNG of the whole page (beyond the viewport) in the test's
// artifact directory as NN-viewport-name.png, NN counting the screenshots of
// the test, and returns its path. With `go test -artifacts -outputdir DIR` the
// directory is DIR/_artifacts/<package>/<test>/ and is kept; otherwise it is
// t.ArtifactDir(), a temporary directory removed after the test.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	path, _ := step(p, fmt.Sprintf("Screenshot(%q)", name), func(ctx context.Context) (string, error) {
		return p.saveScreenshot(ctx, fmt.Sprintf("%02d-%s-%s.png", nextShot(p.t), p.v.Name, fileName(name)))
	})
	return path
}

func (p *Page) saveScreenshot(ctx context.Context, file string) (string, error) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	path := filepath.Join(artifactDir(p.t), file)
	return path, os.WriteFile(path, png, 0o644)
}

// step runs f with the page's timeout and fails the test, with what can help to
// see why, when it returns an error. It reports whether f succeeded (for a
// testing.TB whose Fatal returns).
func step[T any](p *Page, name string, f func(ctx context.Context) (T, error)) (T, bool) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
	defer cancel()
	v, err := f(ctx)
	if err != nil {
		p.fail(name, err)
		return v, false
	}
	return v, true
}

// fail fails the test for the step name, with the page's URL, its last HTTP
// status, its console errors and a screenshot.
func (p *Page) fail(name string, err error) {
	p.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "browsertest: %s on the %s page: ", name, p.v.Name)
	switch {
	case p.ctx.Err() != nil:
		fmt.Fprintf(&b, "the tab or the browser is gone: %v", err)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(&b, "timed out after %v (%v)", p.timeout, err)
	default:
		fmt.Fprintf(&b, "%v", err)
	}

	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	url, uerr := chromedp.Run(ctx, chromedp.Location())
	if uerr != nil || url == "" {
		url = p.lastURL + " (the last Go; the current URL is unknown)"
	}
	fmt.Fprintf(&b, "\n\tpage: %s", url)
	if p.lastStatus != 0 {
		fmt.Fprintf(&b, " (last HTTP status %d)", p.lastStatus)
	}
	shot, serr := p.saveScreenshot(ctx, fmt.Sprintf("failure-%02d-%s-%s.png", nextShot(p.t), p.v.Name, fileName(name)))
	if serr != nil {
		fmt.Fprintf(&b, "\n\tscreenshot: none (%v)", serr)
	} else {
		fmt.Fprintf(&b, "\n\tscreenshot: %s", shot)
	}
	if errs := p.Errors(); len(errs) > 0 {
		if len(errs) > 10 {
			errs = errs[len(errs)-10:]
		}
		fmt.Fprintf(&b, "\n\tconsole:\n\t\t%s", strings.Join(errs, "\n\t\t"))
	}
	p.t.Fatal(b.String())
}

// action adapts an action with no value to step.
func action(a chromedp.Action[chromedp.Void]) func(ctx context.Context) (chromedp.Void, error) {
	return func(ctx context.Context) (chromedp.Void, error) { return chromedp.Run(ctx, a) }
}

// jsCheck evaluates an expression that returns "" when all is well and else
// what went wrong.
func jsCheck(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		msg, err := chromedp.Evaluate[string](expr)(ctx, t)
		if err == nil && msg != "" {
			err = errors.New(msg)
		}
		return err
	})
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// fileName makes a name fit for a file: letters, digits, dots and dashes.
func fileName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_'
		if ok {
			b.WriteRune(r)
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = !ok
	}
	name := strings.TrimRight(b.String(), "-")
	if len(name) > 60 {
		name = name[:60]
	}
	return name
}

// artifactDir returns t.ArtifactDir(), except where go test -artifacts put it
// straight in _artifacts/<random>, without the package and the test name that
// the testing package documents (Go 1.26's testing builds the path with a
// leading slash, which filepath.Localize rejects): there it returns
// _artifacts/<package>/<test>, made as documented, so that a person finds the
// screenshots of a test by its name.
func artifactDir(t testing.TB) string {
	dir := t.ArtifactDir()
	parent := filepath.Dir(dir)
	if filepath.Base(parent) != "_artifacts" {
		return dir
	}
	pkg, err := packageDir()
	if err != nil {
		return dir
	}
	named := filepath.Join(parent, pkg, fileName(strings.ReplaceAll(t.Name(), "/", "__")))
	if err := os.MkdirAll(named, 0o755); err != nil {
		return dir
	}
	return named
}

// packageDir is the folder of the package under test, relative to the root of
// its module (go test runs a package's tests in its folder).
func packageDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := moduleRoot(wd)
	if err != nil {
		return "", err
	}
	return filepath.Rel(root, wd)
}

// moduleRoot is the folder at or above dir that has a go.mod.
func moduleRoot(dir string) (string, error) {
	for root := dir; ; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root, nil
		}
		if root == filepath.Dir(root) {
			return "", errors.New("no go.mod at or above " + dir)
		}
	}
}

// shots counts the screenshots of each test, by name, since the artifact
// directory is the test's.
var shots sync.Map // test name -> *atomic.Int32

func nextShot(t testing.TB) int {
	c, loaded := shots.LoadOrStore(t.Name(), new(atomic.Int32))
	if !loaded {
		name := t.Name()
		t.Cleanup(func() { shots.Delete(name) })
	}
	return int(c.(*atomic.Int32).Add(1))
}
