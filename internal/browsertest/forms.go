package browsertest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// Fill clears the text field that matches the CSS selector and types text
// into it with key events, as a person would. A date, time, colour or range
// input, whose typing depends on the locale, gets its value set with input and
// change events instead. It fails when the field ends up holding anything else
// (a maxlength, say).
func (p *Page) Fill(selector, text string) {
	p.t.Helper()
	sel := chromedp.CSS(selector)
	step(p, fmt.Sprintf("Fill(%q, %q)", selector, text), action(chromedp.Steps(
		chromedp.WaitVisible(sel),
		jsCheck(fmt.Sprintf(`(el => {
			if (!el || !('value' in el) || el.tagName === 'SELECT') return 'not a text field: ' + (el ? el.outerHTML.slice(0, 120) : 'no element');
			el.focus();
			el.value = '';
			el.dispatchEvent(new Event('input', {bubbles: true}));
			return '';
		})(document.querySelector(%s))`, jsString(selector))),
		chromedp.SendKeys(sel, text, chromedp.NodeVisible),
		jsCheck(fmt.Sprintf(`((el, want) => {
			if (el.value === want) return '';
			if (['date', 'time', 'datetime-local', 'month', 'week', 'color', 'range'].includes(el.type)) {
				el.value = want;
				el.dispatchEvent(new Event('input', {bubbles: true}));
				el.dispatchEvent(new Event('change', {bubbles: true}));
				if (el.value === want) return '';
			}
			return 'the field holds ' + JSON.stringify(el.value) + ' after typing';
		})(document.querySelector(%s), %s)`, jsString(selector), jsString(text))),
	)))
}

// Select chooses, in the <select> that matches the CSS selector, the option
// whose value is value (or else whose visible label is value), and fires the
// input and change events. It fails listing the options when none matches.
func (p *Page) Select(selector, value string) {
	p.t.Helper()
	step(p, fmt.Sprintf("Select(%q, %q)", selector, value), action(chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(selector)),
		jsCheck(fmt.Sprintf(`((el, want) => {
			if (!(el instanceof HTMLSelectElement)) return 'not a <select>: ' + el.outerHTML.slice(0, 120);
			const opts = [...el.options];
			const o = opts.find(o => o.value === want) || opts.find(o => o.label.trim() === want);
			if (!o) return 'no option ' + JSON.stringify(want) + '; the options are ' +
				opts.map(o => JSON.stringify(o.value) + ' (' + o.label.trim() + ')').join(', ');
			if (o.disabled) return 'the option ' + JSON.stringify(want) + ' is disabled';
			el.focus();
			el.value = o.value;
			el.dispatchEvent(new Event('input', {bubbles: true}));
			el.dispatchEvent(new Event('change', {bubbles: true}));
			return '';
		})(document.querySelector(%s), %s)`, jsString(selector), jsString(value))),
	)))
}

// Submit submits a form and waits until the page that it loads has loaded,
// and returns that page's HTTP status. The selector names the form, a field
// in it, or its submit button, which is then clicked (so that its name and
// value are sent). It fails at once, naming the fields, when the browser's own
// validation would stop the form.
func (p *Page) Submit(selector string) int {
	p.t.Helper()
	name := fmt.Sprintf("Submit(%q)", selector)
	how, ok := step(p, name, func(ctx context.Context) (string, error) {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(selector))); err != nil {
			return "", err
		}
		how, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(el => {
			const form = el instanceof HTMLFormElement ? el : (el.form || el.closest('form'));
			if (!form) return 'error:neither a form nor in a form: ' + el.outerHTML.slice(0, 120);
			if (!form.checkValidity()) {
				const bad = [...form.elements].filter(e => e.willValidate && !e.validity.valid);
				return 'error:the form does not validate: ' + bad.map(e =>
					(e.name || e.id || e.tagName.toLowerCase()) + ': ' + e.validationMessage).join('; ');
			}
			const button = (el instanceof HTMLButtonElement || el instanceof HTMLInputElement) &&
				(el.type === 'submit' || el.type === 'image');
			return button ? 'click' : 'request';
		})(document.querySelector(%s))`, jsString(selector))))
		if msg, isErr := strings.CutPrefix(how, "error:"); isErr {
			return "", errors.New(msg)
		}
		return how, err
	})
	if !ok {
		return 0
	}
	if how == "click" {
		return p.navigation(name, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	}
	return p.navigation(name, jsCheck(fmt.Sprintf(`(el => {
		(el instanceof HTMLFormElement ? el : (el.form || el.closest('form'))).requestSubmit();
		return '';
	})(document.querySelector(%s))`, jsString(selector))))
}

// navigation runs a that loads a new document, waits for its load, and returns
// its HTTP status.
func (p *Page) navigation(name string, a chromedp.Action[chromedp.Void]) int {
	p.t.Helper()
	status, _ := step(p, name, func(ctx context.Context) (int, error) {
		r, err := chromedp.RunResponse(ctx, a)
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no new page loaded: %w", err)
		}
		if err != nil || r == nil {
			return 0, err
		}
		return int(r.Status), nil
	})
	p.lastStatus = status
	return status
}
