package msgspec

import (
	"fmt"

	"github.com/flaskbridge/flaskbridge/py"
)

// The datetime range of Python, as Unix seconds: 0001-01-01T00:00:00Z and
// 10000-01-01T00:00:00Z.
const (
	minEpochSeconds = -62135596800
	maxEpochSeconds = 253402300800
)

// daysFromCivil returns the number of days from 1970-01-01 to the date of
// the proleptic Gregorian calendar.
func daysFromCivil(y, m, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		yy++
	}
	return int(yy), m, d
}

// offsetOf returns the UTC offset of an aware value's tzinfo: a
// py.TimeZone's offset, or an error for a tzinfo class whose offset this
// model cannot compute.
func offsetOf(tz py.TZInfo) (py.TimeDelta, error) {
	if z, ok := tz.(py.TimeZone); ok {
		return z.Offset, nil
	}
	return py.TimeDelta{}, fmt.Errorf("%w: tzinfo of an unknown class (%w)", ErrUnsupported, py.ErrUnknownTZ)
}

// epochUTC returns the instant an aware datetime names as Unix seconds and
// nanoseconds, as msgspec computes it after dt.astimezone(timezone.utc).
func epochUTC(dt py.DateTime) (secs int64, nanos uint32, err error) {
	off, err := offsetOf(dt.TZ)
	if err != nil {
		return 0, 0, err
	}
	days := daysFromCivil(dt.Year, dt.Month, dt.Day)
	us := (days*86400+int64(dt.Hour)*3600+int64(dt.Minute)*60+int64(dt.Second))*1_000_000 + int64(dt.Microsecond)
	us -= (int64(off.Days)*86400+int64(off.Seconds))*1_000_000 + int64(off.Microseconds)
	secs, rem := us/1_000_000, us%1_000_000
	if rem < 0 {
		secs--
		rem += 1_000_000
	}
	if secs < minEpochSeconds || secs >= maxEpochSeconds {
		return 0, 0, fmt.Errorf("%w: the datetime in UTC is outside years 1..9999 (Python raises OverflowError)", ErrRange)
	}
	return secs, uint32(rem) * 1000, nil
}

// checkDateTime reports a datetime Python could not hold.
func checkDateTime(dt py.DateTime) error {
	if err := dt.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrRange, err)
	}
	return nil
}

func appendDigits2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10%10), byte('0'+v%10))
}

func appendDigits4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

func appendDigits6(b []byte, v int) []byte {
	return append(b, byte('0'+v/100000%10), byte('0'+v/10000%10), byte('0'+v/1000%10),
		byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// appendDate writes YYYY-MM-DD.
func appendDate(b []byte, y, m, d int) []byte {
	b = appendDigits4(b, y)
	b = append(b, '-')
	b = appendDigits2(b, m)
	b = append(b, '-')
	return appendDigits2(b, d)
}

// appendClock writes HH:MM:SS, and .ffffff when there are microseconds,
// then the UTC offset of an aware value.
func appendClock(b []byte, h, m, s, us int, tz py.TZInfo) ([]byte, error) {
	b = appendDigits2(b, h)
	b = append(b, ':')
	b = appendDigits2(b, m)
	b = append(b, ':')
	b = appendDigits2(b, s)
	if us != 0 {
		b = append(b, '.')
		b = appendDigits6(b, us)
	}
	if tz == nil {
		return b, nil
	}
	off, err := offsetOf(tz)
	if err != nil {
		return b, err
	}
	return appendOffset(b, off), nil
}

// appendOffset writes an RFC 3339 offset as msgspec does: Z for a zero
// offset, else +HH:MM or -HH:MM. The microseconds of the offset are
// ignored, and seconds are rounded to the nearest minute (half down).
func appendOffset(b []byte, off py.TimeDelta) []byte {
	secs := off.Seconds
	if secs == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off.Days == -1 {
		sign = '-'
		secs = 86400 - secs
	}
	h, m := secs/3600, secs/60%60
	if secs-(h*3600+m*60) > 30 {
		m++
		if m == 60 {
			m = 0
			h++
			if h == 24 {
				h = 0
			}
		}
	}
	if h == 0 && m == 0 {
		return append(b, 'Z')
	}
	b = append(b, sign)
	b = appendDigits2(b, h)
	b = append(b, ':')
	return appendDigits2(b, m)
}

// appendDateTimeText writes a datetime as msgspec does for a naive one in
// msgpack and for any one in JSON: YYYY-MM-DDTHH:MM:SS[.ffffff][offset].
func appendDateTimeText(b []byte, dt py.DateTime) ([]byte, error) {
	b = appendDate(b, dt.Year, dt.Month, dt.Day)
	b = append(b, 'T')
	return appendClock(b, dt.Hour, dt.Minute, dt.Second, dt.Microsecond, dt.TZ)
}

// appendTimeDelta writes a timedelta as msgspec does: an ISO 8601 duration
// of days and seconds, such as P1DT2.5S, -PT0.000001S or P0D.
func appendTimeDelta(b []byte, td py.TimeDelta) []byte {
	days, secs, us := td.Days, td.Seconds, td.Microseconds
	if days < 0 {
		b = append(b, '-')
		days = -days
		if secs != 0 || us != 0 {
			days--
			if us != 0 {
				us = 1_000_000 - us
				secs++
			}
			secs = 86400 - secs
		}
	}
	b = append(b, 'P')
	if days != 0 {
		b = appendUint(b, uint64(days))
		b = append(b, 'D')
	}
	switch {
	case secs != 0 || us != 0:
		b = append(b, 'T')
		b = appendUint(b, uint64(secs))
		if us != 0 {
			b = append(b, '.')
			b = appendDigits6(b, us)
			for b[len(b)-1] == '0' {
				b = b[:len(b)-1]
			}
		}
		b = append(b, 'S')
	case days == 0:
		b = append(b, '0', 'D')
	}
	return b
}

func checkTimeDelta(td py.TimeDelta) error {
	if td.Seconds < 0 || td.Seconds >= 86400 || td.Microseconds < 0 || td.Microseconds >= 1_000_000 ||
		td.Days < -999_999_999 || td.Days > 999_999_999 {
		return fmt.Errorf("%w: timedelta not in normal form or out of range", ErrRange)
	}
	return nil
}

func appendUint(b []byte, v uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	buf[i] = byte('0' + v)
	return append(b, buf[i:]...)
}

// appendUUID writes the canonical 36-character form.
func appendUUID(b []byte, u py.UUID) []byte {
	const hexDigits = "0123456789abcdef"
	for i, c := range u.Bytes {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}
