package api

import (
	"sync"
	"time"
)

// slotCache keeps encoded availability answers. An entry serves a request
// only while the clinic's schedule version is the one it was computed at
// and the clock has not passed its ValidUntil, so a cached answer is always
// the answer the engine would give now: bookings and catalog edits made by
// any knead process change the version in the database.
type slotCache struct {
	mu       sync.Mutex
	entries  map[string]slotEntry
	bytes    int
	maxBytes int
}

type slotEntry struct {
	version    int64
	validUntil time.Time
	body       []byte
}

func newSlotCache(maxBytes int) *slotCache {
	return &slotCache{entries: map[string]slotEntry{}, maxBytes: maxBytes}
}

func (c *slotCache) get(key string, version int64, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != version || now.After(e.validUntil) {
		return nil, false
	}
	return e.body, true
}

func (c *slotCache) put(key string, e slotEntry) {
	if len(e.body) > c.maxBytes/16 {
		return // one huge answer must not push out everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.bytes -= len(old.body)
	}
	// Evict arbitrary entries until the new one fits: simple, bounded, and
	// good enough for answers that go stale within minutes anyway.
	for k, old := range c.entries {
		if c.bytes+len(e.body) <= c.maxBytes {
			break
		}
		delete(c.entries, k)
		c.bytes -= len(old.body)
	}
	c.entries[key] = e
	c.bytes += len(e.body)
}
