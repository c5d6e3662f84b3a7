package flaskcookie

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

var (
	dayNames   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthNames = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// appendHTTPDateTime appends werkzeug's http_date(dt): a naive datetime
// taken as UTC, an aware one converted to UTC, microseconds dropped,
// formatted by email.utils.format_datetime(usegmt=True); shortYear writes
// the year as Werkzeug 0.x does (see appendHTTPTime).
func appendHTTPDateTime(dst []byte, dt py.DateTime, shortYear bool) ([]byte, error) {
	if err := dt.Validate(); err != nil {
		return dst, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	t := time.Date(dt.Year, time.Month(dt.Month), dt.Day, dt.Hour, dt.Minute, dt.Second, dt.Microsecond*1000, time.UTC)
	switch z := dt.TZ.(type) {
	case nil:
	case py.TimeZone:
		off := int64(z.Offset.Days)*86_400_000_000 + int64(z.Offset.Seconds)*1_000_000 + int64(z.Offset.Microseconds)
		t = t.Add(-time.Duration(off) * time.Microsecond)
		if y := t.Year(); y < 1 || y > 9999 {
			return dst, fmt.Errorf("%w: date value out of range converting %04d-%02d-%02d to UTC", ErrUnsupported, dt.Year, dt.Month, dt.Day)
		}
	default:
		return dst, fmt.Errorf("%w: datetime with a tzinfo of unknown class %s", ErrUnsupported, py.TypeName(dt.TZ))
	}
	return appendHTTPTime(dst, t, shortYear), nil
}

// appendHTTPDate appends http_date(date): midnight UTC of the date.
func appendHTTPDate(dst []byte, d py.Date, shortYear bool) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return dst, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return appendHTTPTime(dst, d.Time(), shortYear), nil
}

// appendHTTPTime writes t (in UTC, year 1 to 9999) as
// "Wed, 21 Oct 2015 07:28:00 GMT"; with shortYear, a year below 1000
// without the leading zeros, as Werkzeug 0.x's _dump_date (str(tm_year)).
func appendHTTPTime(dst []byte, t time.Time, shortYear bool) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = append(dst, dayNames[t.Weekday()]...)
	dst = append(dst, ',', ' ', byte('0'+d/10), byte('0'+d%10), ' ')
	dst = append(dst, monthNames[mo-1]...)
	if shortYear && y < 1000 {
		dst = strconv.AppendInt(append(dst, ' '), int64(y), 10)
		dst = append(dst, ' ')
	} else {
		dst = append(dst, ' ', byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), ' ')
	}
	dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(dst, " GMT"...)
}

// errOverflow is the detail of a date whose numbers overflow what Python's
// datetime and timedelta take: OverflowError, which parse_date lets
// through.
var errOverflow = errors.New("date value overflows")

// parseHTTPDate is werkzeug.http.parse_date for a str: an aware datetime
// (UTC when the text names no zone), None when the text does not parse or
// names an impossible date, and an error where Python raises OverflowError.
func parseHTTPDate(s string) (py.Value, error) {
	if v, ok := parseCanonicalHTTPDate(s); ok {
		return v, nil
	}
	p, ok := parsedateTZ(s)
	if !ok {
		return nil, nil
	}
	var tz py.TimeZone
	if p.hasTZ && p.tz != 0 {
		// datetime.timezone(datetime.timedelta(seconds=tz)), evaluated
		// before the datetime itself.
		days := floorDiv(p.tz, 86400)
		if days > 999_999_999 || days < -999_999_999 {
			return nil, fmt.Errorf("%w: timedelta of %d days", errOverflow, days)
		}
		if p.tz <= -86400 || p.tz >= 86400 {
			return nil, nil // ValueError: offset must be strictly between -24h and 24h
		}
		tz = py.FixedZone(int(p.tz))
	}
	for _, n := range p.fields {
		if n < -1<<31 || n > 1<<31-1 {
			return nil, fmt.Errorf("%w: %d does not fit a C int", errOverflow, n)
		}
	}
	dt := py.DateTime{Year: int(p.fields[0]), Month: int(p.fields[1]), Day: int(p.fields[2]),
		Hour: int(p.fields[3]), Minute: int(p.fields[4]), Second: int(p.fields[5]), TZ: tz}
	if dt.Validate() != nil {
		return nil, nil
	}
	return dt, nil
}

// parseHTTPDate1 is Werkzeug 1.0's parse_date for a str: the date in UTC
// as a naive datetime (the zone's offset subtracted), None when the text
// does not parse or the date does not fit a datetime (it catches the
// ValueError and OverflowError that parse_date of Werkzeug 2 and later
// lets through).
func parseHTTPDate1(s string) py.Value {
	if v, ok := parseCanonicalHTTPDate(s); ok {
		if dt, ok := v.(py.DateTime); ok {
			dt.TZ = nil // "GMT": the offset is 0
			return dt
		}
		return nil
	}
	p, ok := parsedateTZ(s)
	if !ok {
		return nil
	}
	// The email module has read a year below 100 already, so Werkzeug's
	// own two-digit reading finds none.
	var f [6]int
	for i, n := range p.fields {
		if n < -1<<31 || n > 1<<31-1 {
			return nil
		}
		f[i] = int(n)
	}
	dt := py.DateTime{Year: f[0], Month: f[1], Day: f[2], Hour: f[3], Minute: f[4], Second: f[5]}
	if dt.Validate() != nil {
		return nil
	}
	if p.tz == 0 {
		return dt
	}
	// datetime - timedelta(seconds=tz), within years 1 to 9999. An offset
	// wider than that range is out of it whatever the date, and is
	// refused first so that the subtraction cannot overflow.
	const first, last = -62135596800, 253402300799 // 0001-01-01, 9999-12-31 23:59:59 UTC
	if p.tz > last-first || p.tz < first-last {
		return nil
	}
	u := time.Date(dt.Year, time.Month(dt.Month), dt.Day, dt.Hour, dt.Minute, dt.Second, 0, time.UTC).Unix() - p.tz
	if u < first || u > last {
		return nil
	}
	t := time.Unix(u, 0).UTC()
	return py.DateTime{Year: t.Year(), Month: int(t.Month()), Day: t.Day(), Hour: t.Hour(), Minute: t.Minute(), Second: t.Second()}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// parseCanonicalHTTPDate reads the form Flask writes,
// "Www, DD Mon YYYY HH:MM:SS GMT", without the general parser.
func parseCanonicalHTTPDate(s string) (py.Value, bool) {
	if len(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
		s[19] != ':' || s[22] != ':' || s[25] != ' ' || s[26:] != "GMT" {
		return nil, false
	}
	for i := 0; i < 3; i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return nil, false
		}
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	mon := -1
	for i, m := range monthNames {
		if strings.EqualFold(s[8:11], m) {
			mon = i + 1
		}
	}
	d, ok1 := num(5, 7)
	y, ok2 := num(12, 16)
	h, ok3 := num(17, 19)
	mi, ok4 := num(20, 22)
	sec, ok5 := num(23, 25)
	if mon < 0 || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return nil, false
	}
	y = twoDigitYear(y)
	dt := py.DateTime{Year: y, Month: mon, Day: d, Hour: h, Minute: mi, Second: sec, TZ: py.TimeZone{}}
	if dt.Validate() != nil {
		return nil, true
	}
	return dt, true
}

// twoDigitYear is email's reading of a year below 100: 69-99 are 19xx and
// the others 20xx.
func twoDigitYear(y int) int {
	if y < 100 {
		if y > 68 {
			return y + 1900
		}
		return y + 2000
	}
	return y
}

type parsedDate struct {
	fields [6]int64 // year, month, day, hour, minute, second
	tz     int64    // offset in seconds
	hasTZ  bool
}

var (
	emailMonths = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
		"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	emailDays  = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	emailZones = map[string]int64{"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
		"AST": -400, "ADT": -300, "EST": -500, "EDT": -400, "CST": -600, "CDT": -500,
		"MST": -700, "MDT": -600, "PST": -800, "PDT": -700}
)

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// parsedateTZ follows email._parseaddr._parsedate_tz (CPython 3.11), the
// parser behind email.utils.parsedate_to_datetime.
func parsedateTZ(s string) (parsedDate, bool) {
	var p parsedDate
	data := pySplit(s)
	if len(data) == 0 {
		return p, false
	}
	if strings.HasSuffix(data[0], ",") || indexOf(emailDays, pyLower(data[0])) >= 0 {
		data = data[1:]
	} else if i := strings.LastIndexByte(data[0], ','); i >= 0 {
		data[0] = data[0][i+1:]
	}
	if len(data) == 3 {
		if stuff := strings.Split(data[0], "-"); len(stuff) == 3 {
			data = append(stuff, data[1:]...)
		}
	}
	if len(data) == 4 {
		s := data[3]
		i := strings.IndexByte(s, '+')
		if i == -1 {
			i = strings.IndexByte(s, '-')
		}
		if i > 0 {
			data = append(data[:3:3], s[:i], s[i:])
		} else {
			data = append(data, "")
		}
	}
	if len(data) < 5 {
		return p, false
	}
	dd, mm, yy, tm, tz := data[0], data[1], data[2], data[3], data[4]
	if dd == "" || mm == "" || yy == "" {
		return p, false
	}
	mm = pyLower(mm)
	mi := indexOf(emailMonths, mm)
	if mi < 0 {
		dd, mm = mm, pyLower(dd)
		if mi = indexOf(emailMonths, mm); mi < 0 {
			return p, false
		}
	}
	month := int64(mi + 1)
	if month > 12 {
		month -= 12
	}
	dd = strings.TrimSuffix(dd, ",")
	if i := strings.IndexByte(yy, ':'); i > 0 {
		yy, tm = tm, yy
	}
	if strings.HasSuffix(yy, ",") {
		yy = yy[:len(yy)-1]
		if yy == "" {
			return p, false
		}
	}
	if r, _ := firstRune(yy); !pyIsDigit(r) {
		yy, tz = tz, yy
	}
	tm = strings.TrimSuffix(tm, ",")
	var thh, tmm, tss string
	parts := strings.Split(tm, ":")
	switch {
	case len(parts) == 2:
		thh, tmm, tss = parts[0], parts[1], "0"
	case len(parts) == 3:
		thh, tmm, tss = parts[0], parts[1], parts[2]
	case len(parts) == 1 && strings.Contains(parts[0], "."):
		parts = strings.Split(parts[0], ".")
		switch len(parts) {
		case 2:
			thh, tmm, tss = parts[0], parts[1], "0"
		case 3:
			thh, tmm, tss = parts[0], parts[1], parts[2]
		default:
			return p, false
		}
	default:
		return p, false
	}
	var vals [5]int64
	for i, text := range [5]string{yy, dd, thh, tmm, tss} {
		n, ok := pyParseInt(text, 10)
		if !ok {
			return p, false
		}
		vals[i] = clampInt64(n)
	}
	year := vals[0]
	if year < 100 {
		year = int64(twoDigitYear(int(year)))
	}
	p.fields = [6]int64{year, month, vals[1], vals[2], vals[3], vals[4]}
	tz = pyUpper(tz)
	var off int64
	if z, ok := emailZones[tz]; ok {
		off, p.hasTZ = z, true
	} else if n, ok := pyParseInt(tz, 10); ok {
		off, p.hasTZ = clampInt64(n), true
		if off == 0 && strings.HasPrefix(tz, "-") {
			p.hasTZ = false
		}
	}
	if p.hasTZ && off != 0 {
		sign := int64(1)
		if off < 0 {
			sign, off = -1, -off
		}
		if off > 1e15 {
			off = 1e15 // far beyond timedelta's range either way
		}
		off = sign * ((off/100)*3600 + (off%100)*60)
	}
	p.tz = off
	return p, true
}

// clampInt64 returns n, or a value beyond every range checked later when n
// does not fit an int64.
func clampInt64(n *big.Int) int64 {
	if n.IsInt64() {
		return n.Int64()
	}
	if n.Sign() < 0 {
		return -1 << 62
	}
	return 1 << 62
}
