package chimw

import (
	"net/http"
	"slices"

	"github.com/flaskbridge/flaskbridge/py"
)

// FlashesKey is the session key of Flask's flashed messages.
const FlashesKey = "_flashes"

// DefaultCategory is flask.flash's default category.
const DefaultCategory = "message"

// Flashed is a flashed message and its category, one item of the
// "_flashes" list. Markup is set for a markupsafe.Markup message (HTML
// that the template shows as it is).
type Flashed struct {
	Category string
	Message  string
	Markup   bool
}

// Flash flashes a message for the next request, as flask.flash(message,
// category) does: it appends the tuple (category, message) to the session's
// "_flashes" list. An empty category is Flask's default, "message".
func Flash(r *http.Request, message, category string) error {
	return flash(r, message, category)
}

// FlashMarkup flashes a markupsafe.Markup message: HTML that Jinja shows
// without escaping. Flask-Session 0.7+ cannot store Markup (msgspec refuses
// it): with such a store the save fails, as it does in Python, unless the
// manager was made with flasksession.Options.MarkupAsStr.
func FlashMarkup(r *http.Request, html, category string) error {
	return flash(r, py.Markup(html), category)
}

func flash(r *http.Request, message py.Value, category string) error {
	st := stateOf(r.Context())
	if st == nil {
		return ErrNoSession
	}
	s := st.session()
	if category == "" {
		category = DefaultCategory
	}
	st.mu.Lock() // one read-modify-write at a time in the request
	defer st.mu.Unlock()
	var items []py.Value
	if v, ok := s.Get(FlashesKey); ok {
		if l, ok := v.(*py.List); ok {
			items = slices.Clip(l.Items)
		}
	}
	items = append(items, py.Tuple{category, message})
	return s.Set(FlashesKey, &py.List{Items: items})
}

// Flashes pulls the flashed messages out of the session and returns them,
// as flask.get_flashed_messages(with_categories=True,
// category_filter=categories) does: the first call of a request removes
// "_flashes" from the session, and every call of the request sees the same
// messages, those of the given categories only when categories are given.
// An entry that is not a (category, message) pair of strings is skipped.
func Flashes(r *http.Request, categories ...string) []Flashed {
	st := stateOf(r.Context())
	if st == nil {
		return nil
	}
	s := st.session()
	st.mu.Lock()
	if !st.flashesRead {
		st.flashesRead = true
		if s.Has(FlashesKey) {
			v, _ := s.Pop(FlashesKey)
			st.flashes = flashedOf(v)
		}
	}
	all := st.flashes
	st.mu.Unlock()
	if len(categories) == 0 {
		return slices.Clone(all)
	}
	var out []Flashed
	for _, f := range all {
		if slices.Contains(categories, f.Category) {
			out = append(out, f)
		}
	}
	return out
}

// flashedOf reads a "_flashes" value: a list of tuples (cookie and pickle
// sessions) or of lists (msgspec turns tuples into lists).
func flashedOf(v py.Value) []Flashed {
	var items []py.Value
	switch x := v.(type) {
	case *py.List:
		items = x.Items
	case py.Tuple:
		items = x
	}
	out := make([]Flashed, 0, len(items))
	for _, it := range items {
		var pair []py.Value
		switch x := it.(type) {
		case py.Tuple:
			pair = x
		case *py.List:
			pair = x.Items
		}
		if len(pair) < 2 {
			continue
		}
		cat, ok := str(pair[0])
		if !ok {
			continue
		}
		f := Flashed{Category: cat}
		switch m := pair[1].(type) {
		case string:
			f.Message = m
		case py.Markup:
			f.Message, f.Markup = string(m), true
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}

func str(v py.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case py.Markup:
		return string(x), true
	}
	return "", false
}
