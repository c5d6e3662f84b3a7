package pickle

import (
	"slices"

	"github.com/flaskbridge/flaskbridge/py"
)

// appendStrRun decodes, at a MARK (already read), a run of str items and
// the APPENDS that ends it, when the stack's top is a list: the form of a
// list of str in protocol 4, each SHORT_BINUNICODE with its MEMOIZE, or a
// BINGET of a str read before. The items go straight into the list,
// without the stack: no stack writes, no copy into the list, no stack to
// clear after (each of these a write barrier per item while the garbage
// collector marks). It returns false, having changed nothing, when the
// input is not of that form or anything in it calls for an error or the
// general path; the caller then goes on with the MARK as usual.
func (d *decoder) appendStrRun() bool {
	n := len(d.stack)
	if n == 0 || n <= d.fence() || len(d.marks) >= d.lim.maxStack || d.identify != nil || d.pending != nil || d.memoCount != len(d.memo) {
		return false
	}
	l, ok := d.stack[n-1].(*py.List)
	if !ok {
		return false
	}
	// First pass: find the run and check it.
	data := d.data
	p, count, memos := d.pos, 0, 0
scan:
	for p < len(data) {
		switch data[p] {
		case opShortBinUnicode:
			if p+1 >= len(data) {
				return false
			}
			end := p + 2 + int(data[p+1])
			if end > len(data) || !validWTF8(bstr(data[p+2:end])) {
				return false
			}
			p = end
			count++
			if p < len(data) && data[p] == opMemoize {
				p++
				memos++
			}
		case opBinGet:
			if p+1 >= len(data) {
				return false
			}
			if idx := int(data[p+1]); idx >= len(d.memo) || d.memo[idx].kind != memoStr {
				return false
			}
			p += 2
			count++
		default:
			break scan
		}
	}
	if count == 0 || p >= len(data) || data[p] != opAppends ||
		n+count > d.lim.maxStack || d.memoCount+memos > d.lim.maxMemo ||
		d.checkLen(len(l.Items)+count) != nil || d.grow(n-1, 0) != nil {
		return false
	}
	// Second pass: build the items.
	items := l.Items
	if cap(items)-len(items) < count {
		if len(items) == 0 && count <= 64 {
			items = []py.Value(d.box.items(count))[:0]
		} else {
			// Grown as append grows it: a list built from many runs
			// (pickle writes one per 1000 items) is copied a bounded
			// number of times, not once per run.
			items = slices.Grow(items, count)
		}
	}
	k := len(items)
	items = items[:k+count]
	memo := slices.Grow(d.memo, memos)
	for q := d.pos; q < p; k++ {
		if data[q] == opBinGet {
			e := memo[data[q+1]]
			items[k] = d.box.strAt(e.at)
			q += 2
			continue
		}
		end := q + 2 + int(data[q+1])
		v, at := d.box.str(data, q+2, end)
		items[k] = v
		q = end
		if q < p && data[q] == opMemoize {
			q++
			if at >= 0 {
				memo = append(memo, memoEntry{kind: memoStr, at: at})
			} else {
				memo = append(memo, d.memoEntryFor(v, 0))
			}
		}
	}
	d.memo = memo
	d.memoCount += memos
	l.Items = items
	d.pos = p + 1
	d.binary = true
	return true
}
