package py

import (
	"errors"
	"fmt"
	"time"
)

// ErrRange reports a date, time or duration outside what Python's datetime
// module accepts.
var ErrRange = errors.New("py: value out of range")

const (
	microsPerSecond = 1_000_000
	secondsPerDay   = 86_400
	maxDeltaDays    = 999_999_999
)

// TimeDelta is datetime.timedelta, kept in Python's normal form: Days may be
// negative, 0 <= Seconds < 86400 and 0 <= Microseconds < 1000000.
type TimeDelta struct {
	Days         int
	Seconds      int
	Microseconds int
	id           *Identity
}

// NewTimeDelta normalises days, seconds and microseconds the way
// datetime.timedelta(days, seconds, microseconds) does. It fails when the
// result has more than 999999999 days either way.
func NewTimeDelta(days, seconds, microseconds int64) (TimeDelta, error) {
	// Carry microseconds into seconds and seconds into days with floor
	// division, so that Seconds and Microseconds end up non-negative.
	s, us := floorDivMod(microseconds, microsPerSecond)
	seconds += s
	if (s > 0 && seconds < s) || (s < 0 && seconds > s) {
		return TimeDelta{}, fmt.Errorf("%w: timedelta seconds overflow", ErrRange)
	}
	d, sec := floorDivMod(seconds, secondsPerDay)
	days += d
	if (d > 0 && days < d) || (d < 0 && days > d) || days > maxDeltaDays || days < -maxDeltaDays {
		return TimeDelta{}, fmt.Errorf("%w: timedelta of %d days (limit %d)", ErrRange, days, maxDeltaDays)
	}
	return TimeDelta{Days: int(days), Seconds: int(sec), Microseconds: int(us)}, nil
}

func floorDivMod(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// TimeDeltaOf returns the timedelta for a Go duration, to the microsecond
// (the nanoseconds are truncated toward negative infinity, as Python does
// for a timedelta built from a float).
func TimeDeltaOf(d time.Duration) TimeDelta {
	us := int64(d / time.Microsecond)
	if d < 0 && d%time.Microsecond != 0 {
		us--
	}
	t, _ := NewTimeDelta(0, 0, us) // a Duration is always within range
	return t
}

// Duration returns the timedelta as a Go duration; ok is false when it does
// not fit (a Duration spans about 292 years).
func (t TimeDelta) Duration() (d time.Duration, ok bool) {
	const maxDays = int64(1<<63-1) / int64(24*time.Hour)
	if int64(t.Days) > maxDays || int64(t.Days) < -maxDays {
		return 0, false
	}
	d = time.Duration(t.Days)*24*time.Hour + time.Duration(t.Seconds)*time.Second + time.Duration(t.Microseconds)*time.Microsecond
	return d, true
}

// TotalMicroseconds returns the length of the timedelta in microseconds. It
// always fits: 999999999 days is about 8.64e19 µs, so it returns the value
// split as days and the microseconds within the day.
func (t TimeDelta) totalMicros() (days int64, micros int64) {
	return int64(t.Days), int64(t.Seconds)*microsPerSecond + int64(t.Microseconds)
}

// Equal reports whether t and u are the same length of time.
func (t TimeDelta) Equal(u TimeDelta) bool {
	return t.Days == u.Days && t.Seconds == u.Seconds && t.Microseconds == u.Microseconds
}

// IsZero reports whether the timedelta is empty.
func (t TimeDelta) IsZero() bool { return t.Days == 0 && t.Seconds == 0 && t.Microseconds == 0 }

// TZInfo is a datetime's or time's tzinfo: a TimeZone, or an *Object for a
// tzinfo class this model does not know (zoneinfo.ZoneInfo, pytz), kept as
// data.
type TZInfo interface {
	isTZInfo()
}

// TimeZone is datetime.timezone: a fixed offset from UTC and an optional
// name. The zero TimeZone is datetime.timezone.utc.
type TimeZone struct {
	// Offset is the offset from UTC, strictly between -24h and +24h.
	Offset TimeDelta
	// Name is the name given to datetime.timezone(offset, name); HasName
	// tells whether one was given (it may be the empty string).
	Name    string
	HasName bool
	id      *Identity
}

func (TimeZone) isTZInfo() {}
func (*Object) isTZInfo()  {}

// FixedZone returns datetime.timezone(timedelta(seconds=offsetSeconds)).
func FixedZone(offsetSeconds int) TimeZone {
	td, _ := NewTimeDelta(0, int64(offsetSeconds), 0)
	return TimeZone{Offset: td}
}

// IsUTC reports whether z is the datetime.timezone.utc singleton: offset
// zero and no name.
func (z TimeZone) IsUTC() bool { return z.Offset.IsZero() && !z.HasName }

// Validate reports whether Python accepts the offset.
func (z TimeZone) Validate() error {
	if z.Offset.Days < -1 || z.Offset.Days > 0 || (z.Offset.Days == -1 && z.Offset.Seconds == 0 && z.Offset.Microseconds == 0) {
		return fmt.Errorf("%w: timezone offset must be strictly between -24h and 24h", ErrRange)
	}
	return nil
}

// offsetMicros returns the offset in microseconds.
func (z TimeZone) offsetMicros() int64 {
	d, us := z.Offset.totalMicros()
	return d*secondsPerDay*microsPerSecond + us
}

// Location returns a Go location with the zone's fixed offset (whole
// seconds; Python allows microseconds, which Go locations cannot hold).
func (z TimeZone) Location() *time.Location {
	if z.IsUTC() {
		return time.UTC
	}
	name := z.Name
	if !z.HasName {
		name = z.utcName()
	}
	return time.FixedZone(name, int(z.offsetMicros()/microsPerSecond))
}

// utcName is the name Python's timezone.tzname() gives an unnamed zone.
func (z TimeZone) utcName() string {
	us := z.offsetMicros()
	if us == 0 {
		return "UTC"
	}
	sign := '+'
	if us < 0 {
		sign = '-'
		us = -us
	}
	h := us / (3600 * microsPerSecond)
	m := us / (60 * microsPerSecond) % 60
	s := us / microsPerSecond % 60
	frac := us % microsPerSecond
	switch {
	case frac != 0:
		return fmt.Sprintf("UTC%c%02d:%02d:%02d.%06d", sign, h, m, s, frac)
	case s != 0:
		return fmt.Sprintf("UTC%c%02d:%02d:%02d", sign, h, m, s)
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, h, m)
}

// Equal reports whether z and o are equal as Python compares timezones: by
// offset only.
func (z TimeZone) Equal(o TimeZone) bool { return z.Offset.Equal(o.Offset) }

// Date is datetime.date.
type Date struct {
	Year, Month, Day int
	id               *Identity
}

// NewDate returns the date, checked as datetime.date checks it.
func NewDate(year, month, day int) (Date, error) {
	d := Date{Year: year, Month: month, Day: day}
	return d, d.Validate()
}

// Validate reports whether Python accepts the date.
func (d Date) Validate() error { return checkDate(d.Year, d.Month, d.Day) }

// Equal reports whether d and o are the same date.
func (d Date) Equal(o Date) bool { return d.Year == o.Year && d.Month == o.Month && d.Day == o.Day }

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: int(m), Day: d}
}

func checkDate(year, month, day int) error {
	if year < 1 || year > 9999 {
		return fmt.Errorf("%w: year %d is out of range", ErrRange, year)
	}
	if month < 1 || month > 12 {
		return fmt.Errorf("%w: month must be in 1..12", ErrRange)
	}
	if day < 1 || day > daysIn(year, month) {
		return fmt.Errorf("%w: day is out of range for month", ErrRange)
	}
	return nil
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func checkClock(hour, minute, second, micro, fold int) error {
	switch {
	case hour < 0 || hour > 23:
		return fmt.Errorf("%w: hour must be in 0..23", ErrRange)
	case minute < 0 || minute > 59:
		return fmt.Errorf("%w: minute must be in 0..59", ErrRange)
	case second < 0 || second > 59:
		return fmt.Errorf("%w: second must be in 0..59", ErrRange)
	case micro < 0 || micro > 999999:
		return fmt.Errorf("%w: microsecond must be in 0..999999", ErrRange)
	case fold != 0 && fold != 1:
		return fmt.Errorf("%w: fold must be either 0 or 1", ErrRange)
	}
	return nil
}

func checkTZ(tz TZInfo) error {
	if z, ok := tz.(TimeZone); ok {
		return z.Validate()
	}
	return nil
}

// Time is datetime.time; TZ is nil for a naive time.
type Time struct {
	Hour, Minute, Second, Microsecond int
	// Fold is 0 or 1 (PEP 495).
	Fold int
	TZ   TZInfo
	id   *Identity
}

// Validate reports whether Python accepts the time.
func (t Time) Validate() error {
	if err := checkClock(t.Hour, t.Minute, t.Second, t.Microsecond, t.Fold); err != nil {
		return err
	}
	return checkTZ(t.TZ)
}

// Equal reports whether t and o are equal as Python compares times: naive
// times by their fields, aware ones after subtracting their offsets, and a
// naive time never equals an aware one. Fold is ignored.
func (t Time) Equal(o Time) bool {
	if (t.TZ == nil) != (o.TZ == nil) {
		return false
	}
	a := int64(t.Hour)*3600_000_000 + int64(t.Minute)*60_000_000 + int64(t.Second)*microsPerSecond + int64(t.Microsecond)
	b := int64(o.Hour)*3600_000_000 + int64(o.Minute)*60_000_000 + int64(o.Second)*microsPerSecond + int64(o.Microsecond)
	if t.TZ != nil {
		za, oka := t.TZ.(TimeZone)
		zb, okb := o.TZ.(TimeZone)
		if !oka || !okb {
			return a == b && tzinfoEqual(t.TZ, o.TZ)
		}
		a -= za.offsetMicros()
		b -= zb.offsetMicros()
	}
	return a == b
}

// DateTime is datetime.datetime; TZ is nil for a naive datetime. Naive and
// aware datetimes are kept apart, as Python does (they never compare equal).
type DateTime struct {
	Year, Month, Day                  int
	Hour, Minute, Second, Microsecond int
	// Fold is 0 or 1 (PEP 495).
	Fold int
	TZ   TZInfo
	id   *Identity
}

// Validate reports whether Python accepts the datetime.
func (d DateTime) Validate() error {
	if err := checkDate(d.Year, d.Month, d.Day); err != nil {
		return err
	}
	if err := checkClock(d.Hour, d.Minute, d.Second, d.Microsecond, d.Fold); err != nil {
		return err
	}
	return checkTZ(d.TZ)
}

// Aware reports whether the datetime has a tzinfo.
func (d DateTime) Aware() bool { return d.TZ != nil }

// Date returns the date part.
func (d DateTime) Date() Date { return Date{Year: d.Year, Month: d.Month, Day: d.Day} }

// wall returns the wall clock as a Go time in UTC (offset not applied).
func (d DateTime) wall() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, d.Microsecond*1000, time.UTC)
}

// ErrUnknownTZ reports a tzinfo whose offset this model cannot compute (a
// class kept as an *Object, such as zoneinfo.ZoneInfo).
var ErrUnknownTZ = errors.New("py: tzinfo of an unknown class")

// Time returns the datetime as a Go time. A naive datetime is read as UTC,
// as Flask does; an aware one gets a fixed-offset location. It fails for a
// tzinfo kept as an *Object, whose offset is unknown.
func (d DateTime) Time() (time.Time, error) {
	switch z := d.TZ.(type) {
	case nil:
		return d.wall(), nil
	case TimeZone:
		us := z.offsetMicros()
		return d.wall().Add(-time.Duration(us) * time.Microsecond).In(z.Location()), nil
	}
	return time.Time{}, ErrUnknownTZ
}

// DateTimeOf returns an aware datetime for t: its wall clock in t's location
// and a TimeZone of that fixed offset (datetime.timezone.utc for UTC). The
// nanoseconds are truncated to microseconds.
func DateTimeOf(t time.Time) DateTime {
	_, off := t.Zone()
	d := NaiveDateTimeOf(t)
	d.TZ = FixedZone(off)
	return d
}

// NaiveDateTimeOf returns a naive datetime holding t's wall clock in t's
// location, truncated to microseconds.
func NaiveDateTimeOf(t time.Time) DateTime {
	y, mo, dd := t.Date()
	h, mi, s := t.Clock()
	return DateTime{Year: y, Month: int(mo), Day: dd, Hour: h, Minute: mi, Second: s, Microsecond: t.Nanosecond() / 1000}
}

// Equal reports whether d and o are equal as Python compares datetimes: two
// naive ones by their fields, two aware ones by the instant they name, and a
// naive one never equals an aware one. Fold is ignored.
func (d DateTime) Equal(o DateTime) bool {
	if (d.TZ == nil) != (o.TZ == nil) {
		return false
	}
	if d.TZ == nil {
		return d.sameFields(o)
	}
	za, oka := d.TZ.(TimeZone)
	zb, okb := o.TZ.(TimeZone)
	if !oka || !okb {
		return d.sameFields(o) && tzinfoEqual(d.TZ, o.TZ)
	}
	a := d.wall().Add(-time.Duration(za.offsetMicros()) * time.Microsecond)
	b := o.wall().Add(-time.Duration(zb.offsetMicros()) * time.Microsecond)
	return a.Equal(b)
}

func (d DateTime) sameFields(o DateTime) bool {
	return d.Year == o.Year && d.Month == o.Month && d.Day == o.Day && d.Hour == o.Hour &&
		d.Minute == o.Minute && d.Second == o.Second && d.Microsecond == o.Microsecond
}

// tzinfoEqual compares two tzinfos of which one at least is not a TimeZone:
// the same *Object, or structurally equal objects.
func tzinfoEqual(a, b TZInfo) bool {
	oa, oka := a.(*Object)
	ob, okb := b.(*Object)
	if oka && okb {
		return oa == ob || Equal(oa, ob)
	}
	return false
}
