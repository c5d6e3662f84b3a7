package py

import (
	"math"
	"math/big"
	"math/bits"
)

// This file works out the order in which CPython 3.11 iterates a set, so
// that Repr can print a set as CPython would print the set that pickle.loads
// (or set(list), or set.add one item after the other) builds from the items
// in the order a Set keeps them.
//
// That order follows from the items' hashes alone, for the types whose hash
// is the same in every process: numbers (int, bool, float, Decimal), the
// empty str and bytes, tuples and frozensets of such items, timedelta,
// timezone, aware datetime and time with a fixed-offset timezone, and UUID.
// Non-empty str and bytes hash differently in every process, None, NaN and
// unknown objects by their address, so a set holding any of them has no
// order to reproduce.

const (
	// hashBits and hashModulus define CPython's numeric hash: an int, float
	// or Decimal hashes to its value modulo the prime 2**61 - 1.
	hashBits    = 61
	hashModulus = 1<<hashBits - 1
	// hashInf is hash(float('inf')).
	hashInf    = 314159
	hashNegInf = 1<<64 - hashInf
	// hashTenInverse is 10**-1 modulo hashModulus, for Decimal exponents below 0.
	hashTenInverse = 2075258708292324556

	// The multipliers of tuple hashing (CPython's xxHash-like tuplehash).
	tupleHashPrime1 = 11400714785074694791
	tupleHashPrime2 = 14029467366897019727
	tupleHashPrime5 = 2870177450012600261

	// setMinSize is the size of a new set's table; setLinearProbes the
	// number of neighbouring slots a probe tries before jumping, and
	// setPerturbShift how far the hash bits that choose the jump shift at
	// each jump.
	setMinSize      = 8
	setLinearProbes = 9
	setPerturbShift = 5

	// maxOrderedSet bounds the sets whose order is worked out, far below
	// what positions in int32 allow.
	maxOrderedSet = 1 << 26
)

// hashState carries what hashing needs across one Repr call: the frozensets
// being hashed (a frozenset that holds itself has no hash) and the hashes
// of frozensets already done.
type hashState struct {
	stack []*Set
	done  map[*Set]uint64
}

// setTable returns CPython's hash table for a set built by adding items one
// after the other, when all of them have a hash that is the same in every
// process: slot i holds 1 + the position in items of the item there, or 0
// when empty. It returns nil when the order is unknown or trivial.
func (p *printer) setTable(items []Value) []int32 {
	if len(items) < 2 || len(items) > maxOrderedSet {
		return nil
	}
	// Hash the first item before allocating: a set of str stops here.
	h, ok := p.hash(items[0])
	if !ok {
		return nil
	}
	var small [setMinSize]uint64
	hashes := small[:0]
	if len(items) > len(small) {
		hashes = make([]uint64, 0, len(items))
	}
	hashes = append(hashes, h)
	for _, it := range items[1:] {
		h, ok := p.hash(it)
		if !ok {
			return nil
		}
		hashes = append(hashes, h)
	}
	return setTable(hashes)
}

// setTable runs CPython's set insertion for items with the given hashes,
// all of them distinct items, and returns the final table, which holds 1 +
// the position of each item in its slot.
//
// A new set has 8 slots. An item goes into the first empty slot of its
// probe sequence: slot hash&mask and, when they exist, the 9 slots after
// it; then the next start i*5+1+perturb (perturb starting as the hash and
// shifted right by 5 at each jump). Once filled slots times 5 reach mask
// times 3, the table grows to the smallest power of two above 4 times the
// items (2 times past 50000 items), and the items move over in table order.
func setTable(hashes []uint64) []int32 {
	// The tables, one after the other, come from one allocation.
	total := uint64(setMinSize)
	for used, size := uint64(1), uint64(setMinSize); used <= uint64(len(hashes)); used++ {
		if used*5 >= (size-1)*3 {
			size = grownSize(used)
			total += size
		}
	}
	buf := make([]int32, total)
	table, buf := buf[:setMinSize], buf[setMinSize:]
	mask := uint64(setMinSize - 1)
	for i, h := range hashes {
		tableInsert(table, mask, h, int32(i+1))
		used := uint64(i + 1)
		if used*5 < mask*3 {
			continue
		}
		size := grownSize(used)
		var grown []int32
		grown, buf = buf[:size], buf[size:]
		for _, e := range table {
			if e != 0 {
				tableInsert(grown, size-1, hashes[e-1], e)
			}
		}
		table, mask = grown, size-1
	}
	return table
}

// grownSize is the size of the table a set of used items grows to.
func grownSize(used uint64) uint64 {
	minUsed := used * 4
	if used > 50000 {
		minUsed = used * 2
	}
	size := uint64(setMinSize)
	for size <= minUsed {
		size <<= 1
	}
	return size
}

// tableInsert puts entry into the first free slot of the probe sequence of
// hash h. With no deleted slots and no equal items, this is where both
// set.add and the move to a larger table put an item.
func tableInsert(table []int32, mask, h uint64, entry int32) {
	i := h & mask
	perturb := h
	for {
		if table[i] == 0 {
			table[i] = entry
			return
		}
		if i+setLinearProbes <= mask {
			for j := i + 1; j <= i+setLinearProbes; j++ {
				if table[j] == 0 {
					table[j] = entry
					return
				}
			}
		}
		perturb >>= setPerturbShift
		i = (i*5 + 1 + perturb) & mask
	}
}

// hash returns CPython 3.11's hash(v), as the bits of the signed value,
// when it is the same in every process.
func (p *printer) hash(v Value) (uint64, bool) {
	switch x := v.(type) {
	case int64:
		return hashInt64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case float64:
		return hashFloat(x)
	case string:
		return 0, x == ""
	case Markup:
		return 0, x == ""
	case Bytes:
		return 0, len(x) == 0
	case Tuple:
		return p.hashTuple(x)
	case *Set:
		return p.hashFrozenSet(x)
	case *big.Int:
		if x == nil {
			return 0, false
		}
		return hashBig(x), true
	case Decimal:
		return hashDecimal(x)
	case TimeDelta:
		return hashDelta(int64(x.Days), int64(x.Seconds), int64(x.Microseconds)), true
	case TimeZone:
		// A timezone hashes as its offset.
		return hashDelta(int64(x.Offset.Days), int64(x.Offset.Seconds), int64(x.Offset.Microseconds)), true
	case DateTime:
		z, ok := x.TZ.(TimeZone)
		if !ok {
			// Naive datetimes hash their bytes, salted per process.
			return 0, false
		}
		// An aware datetime hashes as timedelta(ordinal, seconds, us) - offset.
		days := int64(ordinal(x.Year, x.Month, x.Day))
		secs := int64(x.Hour)*3600 + int64(x.Minute)*60 + int64(x.Second)
		return hashMicros(days*secondsPerDay*microsPerSecond + secs*microsPerSecond + int64(x.Microsecond) - z.offsetMicros()), true
	case Time:
		z, ok := x.TZ.(TimeZone)
		if !ok {
			return 0, false
		}
		// An aware time hashes as timedelta(0, seconds, us) - offset.
		secs := int64(x.Hour)*3600 + int64(x.Minute)*60 + int64(x.Second)
		return hashMicros(secs*microsPerSecond + int64(x.Microsecond) - z.offsetMicros()), true
	case UUID:
		// uuid.UUID hashes as its int.
		hi := uint64(0)
		lo := uint64(0)
		for _, c := range x.Bytes[:8] {
			hi = hi<<8 | uint64(c)
		}
		for _, c := range x.Bytes[8:] {
			lo = lo<<8 | uint64(c)
		}
		return reduceHash(addModP(mulModP(modP(hi), 8), modP(lo)), false), true
	case int:
		return hashInt64(int64(x)), true
	case int32:
		return hashInt64(int64(x)), true
	case int16:
		return hashInt64(int64(x)), true
	case int8:
		return hashInt64(int64(x)), true
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint:
		return modP(uint64(x)), true
	case uint64:
		return modP(x), true
	case float32:
		return hashFloat(float64(x))
	}
	return 0, false
}

// hashTuple is CPython's tuplehash: an xxHash-like mix of the item hashes.
func (p *printer) hashTuple(t Tuple) (uint64, bool) {
	acc := uint64(tupleHashPrime5)
	for _, it := range t {
		lane, ok := p.hash(it)
		if !ok {
			return 0, false
		}
		acc += lane * tupleHashPrime2
		acc = bits.RotateLeft64(acc, 31)
		acc *= tupleHashPrime1
	}
	acc += uint64(len(t)) ^ (tupleHashPrime5 ^ 3527539)
	if acc == math.MaxUint64 {
		return 1546275796, true
	}
	return acc, true
}

// hashTuple3 is hashTuple of a tuple of three ints.
func hashTuple3(a, b, c int64) uint64 {
	acc := uint64(tupleHashPrime5)
	for _, n := range [3]int64{a, b, c} {
		acc += hashInt64(n) * tupleHashPrime2
		acc = bits.RotateLeft64(acc, 31)
		acc *= tupleHashPrime1
	}
	acc += 3 ^ (tupleHashPrime5 ^ 3527539)
	if acc == math.MaxUint64 {
		return 1546275796
	}
	return acc
}

// hashDelta is the hash of a timedelta in normal form: that of the tuple
// (days, seconds, microseconds).
func hashDelta(days, seconds, micros int64) uint64 { return hashTuple3(days, seconds, micros) }

// hashMicros is the hash of the timedelta of us microseconds.
func hashMicros(us int64) uint64 {
	const perDay = secondsPerDay * microsPerSecond
	days, rest := us/perDay, us%perDay
	if rest < 0 {
		days--
		rest += perDay
	}
	return hashDelta(days, rest/microsPerSecond, rest%microsPerSecond)
}

// hashFrozenSet is CPython's frozenset hash: the item hashes, each
// shuffled, combined with xor (so the order does not matter), then mixed
// with the size. A mutable set has no hash.
func (p *printer) hashFrozenSet(s *Set) (uint64, bool) {
	if !s.Frozen {
		return 0, false
	}
	if h, ok := p.hashes.done[s]; ok {
		return h, true
	}
	for _, a := range p.hashes.stack {
		if a == s {
			return 0, false
		}
	}
	p.hashes.stack = append(p.hashes.stack, s)
	var acc uint64
	ok := true
	for _, it := range s.items {
		h, itemOK := p.hash(it)
		if !itemOK {
			ok = false
			break
		}
		acc ^= (h ^ 89869747 ^ h<<16) * 3644798167
	}
	p.hashes.stack = p.hashes.stack[:len(p.hashes.stack)-1]
	if !ok {
		return 0, false
	}
	acc ^= (uint64(len(s.items)) + 1) * 1927868237
	acc ^= acc>>11 ^ acc>>25
	acc = acc*69069 + 907133923
	if acc == math.MaxUint64 {
		acc = 590923713
	}
	if p.hashes.done == nil {
		p.hashes.done = make(map[*Set]uint64)
	}
	p.hashes.done[s] = acc
	return acc, true
}

// hashInt64 is the hash of an int: its value modulo 2**61-1, with its
// sign; -1 becomes -2, since -1 means an error in CPython.
func hashInt64(x int64) uint64 {
	a := uint64(x)
	if x < 0 {
		a = -a
	}
	return reduceHash(modP(a), x < 0)
}

// hashBig is hashInt64 for an int of any size.
func hashBig(x *big.Int) uint64 {
	// A word is worth 2**UintSize, which is 8 (2**64) or 2**32 modulo
	// 2**61-1.
	base := uint64(1) << 32
	if bits.UintSize == 64 {
		base = 8
	}
	words := x.Bits()
	var r uint64
	for i := len(words) - 1; i >= 0; i-- {
		r = addModP(mulModP(r, base), modP(uint64(words[i])))
	}
	return reduceHash(r, x.Sign() < 0)
}

// hashFloat is the hash of a float: its exact value modulo 2**61-1, which
// for an integral float is the hash of the int. NaN hashes by address.
func hashFloat(f float64) (uint64, bool) {
	switch {
	case math.IsNaN(f):
		return 0, false
	case math.IsInf(f, 1):
		return hashInf, true
	case math.IsInf(f, -1):
		return hashNegInf, true
	}
	b := math.Float64bits(f)
	mant := b & (1<<52 - 1)
	exp := int64(b>>52) & 0x7ff
	if exp == 0 {
		exp = 1 // subnormal
	} else {
		mant |= 1 << 52
	}
	// |f| = mant * 2**(exp-1075), and 2**61 is 1 modulo 2**61-1, so the
	// power of two is a rotation of the 61-bit mantissa.
	e := (exp - 1075) % hashBits
	if e < 0 {
		e += hashBits
	}
	h := mant
	if e > 0 {
		h = (mant<<e)&hashModulus | mant>>(hashBits-e)
	}
	return reduceHash(h, b>>63 != 0), true
}

// hashDecimal is the hash of a Decimal: like a float, its exact value
// modulo 2**61-1. NaN hashes by address and sNaN has no hash.
func hashDecimal(d Decimal) (uint64, bool) {
	switch d.kind {
	case decInf:
		if d.neg {
			return hashNegInf, true
		}
		return hashInf, true
	case decFinite:
	default:
		return 0, false
	}
	var c uint64
	for i := 0; i < len(d.coeff); i++ {
		c = addModP(mulModP(c, 10), uint64(d.coeff[i]-'0'))
	}
	var scale uint64
	if d.exp >= 0 {
		scale = powModP(10, uint64(d.exp))
	} else {
		scale = powModP(hashTenInverse, uint64(-d.exp))
	}
	return reduceHash(mulModP(c, scale), d.neg), true
}

// reduceHash applies the sign to a value modulo 2**61-1 and maps -1 to -2.
func reduceHash(a uint64, neg bool) uint64 {
	if neg {
		a = -a
	}
	if a == math.MaxUint64 {
		a--
	}
	return a
}

// modP reduces x modulo 2**61-1.
func modP(x uint64) uint64 {
	x = x&hashModulus + x>>hashBits
	if x >= hashModulus {
		x -= hashModulus
	}
	return x
}

// addModP adds a and b, both below 2**61-1, modulo 2**61-1.
func addModP(a, b uint64) uint64 { return modP(a + b) }

// mulModP multiplies a and b, both below 2**61-1, modulo 2**61-1.
func mulModP(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return modP(lo&hashModulus + (hi<<(64-hashBits) | lo>>hashBits))
}

// powModP is b**e modulo 2**61-1, for b below 2**61-1.
func powModP(b, e uint64) uint64 {
	r := uint64(1)
	for e > 0 {
		if e&1 != 0 {
			r = mulModP(r, b)
		}
		b = mulModP(b, b)
		e >>= 1
	}
	return r
}

// ordinal is date(year, month, day).toordinal(): day 1 is 0001-01-01.
func ordinal(year, month, day int) int {
	y := year - 1
	days := y*365 + y/4 - y/100 + y/400
	cum := [13]int{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}
	if month >= 1 && month <= 12 {
		days += cum[month]
	}
	if month > 2 && (year%4 == 0 && (year%100 != 0 || year%400 == 0)) {
		days++
	}
	return days + day
}
