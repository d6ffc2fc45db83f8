// Package loadgen drives HTTP load at a server on this machine: a fixed
// number of connections, each sending requests back to back for a bounded
// time and count, and reports throughput and latency percentiles. It refuses
// any target that is not a loopback address.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Config says what load to send.
type Config struct {
	Conns    int           // concurrent connections
	Duration time.Duration // how long to send for (after Warmup)
	Warmup   time.Duration
	MaxReqs  int // stop after this many requests in all (0: 10 million)
	// Request makes the i-th request of connection c.
	Request func(c, i int) (*http.Request, error)
	// OK says whether a response counts as a success (default: 2xx).
	OK func(status int) bool
}

// Result is what a run measured.
type Result struct {
	Requests  int
	Errors    int // transport errors and responses OK refused
	Elapsed   time.Duration
	RPS       float64
	P50, P90  time.Duration
	P99, Max  time.Duration
	ByStatus  map[int]int
	FirstFail string
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %v: %.0f req/s, p50 %v, p90 %v, p99 %v, max %v, errors %d %v",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS, r.P50, r.P90, r.P99, r.Max, r.Errors, r.ByStatus)
}

// CheckLoopback returns an error unless rawURL names a loopback address.
func CheckLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("loadgen only targets loopback addresses, not %q", host)
	}
	return nil
}

// Run sends the load and measures it.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Conns <= 0 || cfg.Duration <= 0 || cfg.Request == nil {
		return Result{}, errors.New("loadgen: Conns, Duration and Request are required")
	}
	if cfg.MaxReqs <= 0 {
		cfg.MaxReqs = 10_000_000
	}
	if cfg.OK == nil {
		cfg.OK = func(s int) bool { return s >= 200 && s < 300 }
	}
	probe, err := cfg.Request(0, 0)
	if err != nil {
		return Result{}, err
	}
	if err := CheckLoopback(probe.URL.String()); err != nil {
		return Result{}, err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	warmEnd := time.Now().Add(cfg.Warmup)
	end := warmEnd.Add(cfg.Duration)
	type connResult struct {
		lat      []time.Duration
		errors   int
		byStatus map[int]int
		fail     string
	}
	results := make([]connResult, cfg.Conns)
	var sent sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for c := range cfg.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[c]
			res.byStatus = map[int]int{}
			for i := 0; ; i++ {
				now := time.Now()
				if now.After(end) || ctx.Err() != nil {
					return
				}
				sent.Lock()
				if total >= cfg.MaxReqs {
					sent.Unlock()
					return
				}
				total++
				sent.Unlock()
				req, err := cfg.Request(c, i)
				if err != nil {
					res.errors++
					res.fail = err.Error()
					return
				}
				req = req.WithContext(ctx)
				t0 := time.Now()
				resp, err := client.Do(req)
				var status int
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				lat := time.Since(t0)
				if t0.Before(warmEnd) {
					continue
				}
				res.byStatus[status]++
				if err != nil || !cfg.OK(status) {
					res.errors++
					if res.fail == "" {
						if err != nil {
							res.fail = err.Error()
						} else {
							res.fail = fmt.Sprintf("status %d from %s %s", status, req.Method, req.URL.Path)
						}
					}
				}
				res.lat = append(res.lat, lat)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(warmEnd)
	if elapsed > cfg.Duration {
		elapsed = cfg.Duration
	}
	out := Result{ByStatus: map[int]int{}, Elapsed: elapsed}
	var all []time.Duration
	for _, r := range results {
		all = append(all, r.lat...)
		out.Errors += r.errors
		for s, n := range r.byStatus {
			out.ByStatus[s] += n
		}
		if out.FirstFail == "" {
			out.FirstFail = r.fail
		}
	}
	out.Requests = len(all)
	if len(all) == 0 {
		return out, errors.New("loadgen: no request completed")
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	out.P50, out.P90, out.P99, out.Max = pct(0.50), pct(0.90), pct(0.99), all[len(all)-1]
	out.RPS = float64(out.Requests) / elapsed.Seconds()
	return out, nil
}
