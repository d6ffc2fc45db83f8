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
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// AxeVersion is the axe-core version that scripts/test.sh installs; the two
// must agree.
const AxeVersion = "4.14.1"

// axeTimeout is the least time that one axe run gets: it checks the whole page
// and is slower than a step.
const axeTimeout = 30 * time.Second

// Violation is one axe-core rule that a page breaks.
type Violation struct {
	ID      string   `json:"id"`     // the rule, such as "image-alt"
	Impact  string   `json:"impact"` // "minor", "moderate", "serious" or "critical"
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Count   int      `json:"count"`   // how many elements break it
	Targets []string `json:"targets"` // the selectors of the first three
}

func (v Violation) String() string {
	more := ""
	if v.Count > len(v.Targets) {
		more = fmt.Sprintf(" and %d more", v.Count-len(v.Targets))
	}
	return fmt.Sprintf("%s (%s): %s: %s%s [%s]", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "), more, v.HelpURL)
}

// Axe checks the document in the page with axe-core and fails t, listing each
// one, when it has any serious or critical violation. It logs the ids of the
// minor and moderate ones.
//
// The axe-core script is $KNEAD_AXE_JS, else node_modules/axe-core/axe.min.js
// in the repository, else in the cache folder that scripts/test.sh installs it
// into. It is evaluated through the DevTools protocol, which the page's
// Content-Security-Policy does not restrict, so a page with script-src 'self'
// is checked as it is.
func (p *Page) Axe(t testing.TB) {
	t.Helper()
	q := p.with(t)
	q.timeout = max(p.timeout, axeTimeout)
	all, ok := step(q, "Axe", q.axeViolations)
	if !ok {
		return
	}
	var bad []string
	var minor []string
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v.String())
		} else {
			minor = append(minor, v.ID+" ("+v.Impact+")")
		}
	}
	if len(minor) > 0 {
		t.Logf("axe: minor or moderate violations on the %s page: %s", p.v.Name, strings.Join(minor, ", "))
	}
	if len(bad) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	url := p.lastURL
	if u, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		url = u
	}
	msg := fmt.Sprintf("axe: %d serious or critical violations on the %s page %s:\n\t%s",
		len(bad), p.v.Name, url, strings.Join(bad, "\n\t"))
	if shot, err := q.saveScreenshot(ctx, fmt.Sprintf("failure-%02d-%s-axe.png", nextShot(t), p.v.Name)); err == nil {
		msg += "\n\tscreenshot: " + shot
	}
	t.Error(msg)
}

// axeViolations injects axe-core into the document if it is not there yet,
// runs it, and returns every violation.
func (p *Page) axeViolations(ctx context.Context) ([]Violation, error) {
	src, err := axeScript()
	if err != nil {
		return nil, err
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		// Runtime.evaluate of the source, not a <script> element: the
		// page's CSP would block the element, and it does not apply to
		// DevTools evaluation. The trailing undefined keeps the value of
		// the script from being sent back.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	var vs []Violation
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.map(v => ({
			id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
			targets: v.nodes.slice(0, 3).map(n => n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)).join(' ')),
		})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	if err := json.Unmarshal(raw, &vs); err != nil {
		return nil, fmt.Errorf("reading the axe-core results: %w", err)
	}
	return vs, nil
}

// axe holds the axe-core source once it is read.
var axe struct {
	mu   sync.Mutex
	path string
	src  string
}

func axeScript() (string, error) {
	path, err := axePath()
	if err != nil {
		return "", err
	}
	axe.mu.Lock()
	defer axe.mu.Unlock()
	if axe.path != path {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		axe.path, axe.src = path, string(b)
	}
	return axe.src, nil
}

// axePath finds axe.min.js.
func axePath() (string, error) {
	install := "install it with scripts/test.sh, or with `npm install --prefix ~/.cache/knead/npm axe-core@" +
		AxeVersion + "`, or set KNEAD_AXE_JS to an axe.min.js"
	if p := os.Getenv("KNEAD_AXE_JS"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("KNEAD_AXE_JS: %v; %s", err, install)
		}
		return p, nil
	}
	const rel = "node_modules/axe-core/axe.min.js"
	var tried []string
	if wd, err := os.Getwd(); err == nil {
		if root, err := moduleRoot(wd); err == nil {
			tried = append(tried, filepath.Join(root, rel))
		}
	}
	if dir, err := os.UserCacheDir(); err == nil {
		tried = append(tried, filepath.Join(dir, "knead", "npm", rel))
	}
	for _, p := range tried {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if len(tried) == 0 {
		return "", errors.New("axe-core not found (no repository root, no cache folder): " + install)
	}
	return "", fmt.Errorf("axe-core not found (KNEAD_AXE_JS is unset; no %s): %s", strings.Join(tried, ", no "), install)
}
