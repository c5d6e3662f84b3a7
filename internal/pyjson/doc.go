// Package pyjson reads and writes JSON text exactly as CPython's json module
// does with the settings Flask uses (sort_keys=True, ensure_ascii=True), over
// the values of package py.
//
// Encoding writes what json.dumps writes: keys sorted in Python's order
// (str keys by code point; int, float and bool keys numerically and then
// turned into strings; a mix of the two is a TypeError in Python and an
// error here), every non-ASCII character as a \uXXXX escape (a surrogate
// pair above U+FFFF, a lone surrogate as itself), floats as Python's repr
// (1e+16, 1e-05, NaN, Infinity), ints exact at any size up to CPython's
// 4300-digit conversion limit.
//
// Decoding follows json.loads: NaN, Infinity and -Infinity are accepted,
// ints are exact, a duplicate key keeps its first position and its last
// value, \ud800-style escapes of lone surrogates are kept (as their 3-byte
// generalised UTF-8 form, see package py), and anything else that
// json.loads refuses is refused, with the byte offset of the problem.
package pyjson
