package schedule

import (
	"math"
	"time"

	"knead/internal/civil"
)

// Saturating arithmetic on nanosecond offsets, and calendar arithmetic on
// civil dates without time.Date (which is slow, and called per day).

func subSat(a, b int64) int64 { // b >= 0
	if a < math.MinInt64+b {
		return math.MinInt64
	}
	return a - b
}

func addSat(a, b int64) int64 { // b >= 0
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func validDate(d civil.Date) bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func nextDate(d civil.Date) civil.Date {
	if d.Day < daysIn(d.Year, d.Month) {
		d.Day++
		return d
	}
	d.Day = 1
	if d.Month == time.December {
		return civil.Date{Year: d.Year + 1, Month: time.January, Day: 1}
	}
	d.Month++
	return d
}

// dayNumber counts days from 1970-01-01 (H. Hinnant's days_from_civil) for a
// valid date.
func dayNumber(d civil.Date) int64 {
	y, m := int64(d.Year), int64(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func weekday(d civil.Date) time.Weekday {
	w := (dayNumber(d) + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}
