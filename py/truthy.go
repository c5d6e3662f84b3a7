package py

import "math/big"

// Truthy reports Python's bool(v): false for None, False, zero numbers
// (Decimal zeros of any sign and exponent included), empty str, bytes,
// bytearray and containers, and the zero timedelta; true for anything else
// (a NaN, a date or time, an opaque Object). A nil pointer (*big.Int,
// *List, ...), which stands for no Python value, is false, as None is.
func Truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case *big.Int:
		return x != nil && x.Sign() != 0
	case float64:
		return x != 0 // NaN too: it is not equal to 0
	case string:
		return x != ""
	case Markup:
		return x != ""
	case Bytes:
		return len(x) != 0
	case *ByteArray:
		return x != nil && len(x.Data) != 0
	case *List:
		return x != nil && len(x.Items) != 0
	case Tuple:
		return len(x) != 0
	case *Dict:
		return x.Len() != 0
	case *OrderedDict:
		return x != nil && x.Len() != 0
	case *Set:
		return x.Len() != 0
	case TimeDelta:
		return !x.IsZero()
	case Decimal:
		return !x.IsZero()
	}
	return true
}
