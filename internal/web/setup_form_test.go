package web

import (
	"strings"
	"testing"
)

func TestSetupParseRanges(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"", "", ""},
		{"closed", "", ""},
		{"09:00-17:00", "09:00-17:00", ""},
		{"9-13; 14:00 – 19:30", "09:00-13:00, 14:00-19:30", ""},
		{"14:00-19:00, 9:00 to 13:00", "09:00-13:00, 14:00-19:00", ""},
		{"00:00-24:00", "00:00-24:00", ""},
		{"9-25", "", "“25” is not a time of day"},
		{"9:60-10", "", "“9:60” is not a time of day"},
		{"17:00-09:00", "", "17:00-09:00 ends before it starts"},
		{"10-10", "", "10:00-10:00 ends as it starts"},
		{"09:00", "", "“09:00” is not a range"},
		{"09:00-13:00, 12:00-15:00", "", "12:00-15:00 overlaps 09:00-13:00"},
		{"nine-five", "", "“nine” is not a time of day"},
	} {
		rs, err := parseRanges(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseRanges(%q): error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || rangesValue(rs) != c.want {
			t.Errorf("parseRanges(%q) = %q, %v; want %q", c.in, rangesValue(rs), err, c.want)
		}
	}
}

func TestSetupParseMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		err  string
	}{
		{"95.00", 9500, ""}, {"95", 9500, ""}, {"95.5", 9550, ""}, {"0.05", 5, ""}, {"1000000.00", 100_000_000, ""},
		{"95.001", 0, "more than two decimals"}, {"12.345", 0, "more than two decimals"}, {"", 0, "Give an amount"},
		{"abc", 0, "is not an amount"}, {"-5", 0, "is not an amount"}, {"9,50", 0, "is not an amount"},
		{"$95", 0, "is not an amount"}, {"1000000.01", 0, "the most knead takes"},
	} {
		got, err := parseMoney(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseMoney(%q): error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseMoney(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if back, err := parseMoney(moneyValue(got)); err != nil || back != got {
			t.Errorf("moneyValue(%d) = %q, which reads back as %d, %v", got, moneyValue(got), back, err)
		}
	}
}
