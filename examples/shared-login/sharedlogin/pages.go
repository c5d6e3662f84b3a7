package sharedlogin

import (
	"strconv"
)

// The Go routes' pages are written by the functions below rather than by
// html/template. Executing a template goes through reflection for every
// field and every escaper call; on GET /profile that was a quarter of the
// Go front's CPU time per request (see docs/performance.md). The pages are
// small and fixed, so each is a function that appends its HTML, with every
// value escaped by escapeHTML exactly as html/template escapes a string in
// element text and in a quoted attribute: TestPagesMatchHTMLTemplate
// renders the same pages with html/template and compares the bytes.

// htmlPage is a page being written.
type htmlPage []byte

// raw appends HTML as it is.
func (b *htmlPage) raw(s string) { *b = append(*b, s...) }

// text appends s escaped for element text or a double-quoted attribute
// value.
func (b *htmlPage) text(s string) { *b = escapeHTML(*b, s) }

// escapeHTML appends s to dst with the bytes html/template's escapers
// replace in element text, RCDATA and quoted attribute values replaced as
// they replace them: NUL, ", &, ', +, < and >. Those are ASCII bytes, which
// never occur inside a multi-byte UTF-8 sequence, so the rest (invalid
// UTF-8 included, which html/template also passes on) is copied as it is.
func escapeHTML(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case 0:
			rep = "\uFFFD"
		case '"':
			rep = "&#34;"
		case '&':
			rep = "&amp;"
		case '\'':
			rep = "&#39;"
		case '+':
			rep = "&#43;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, rep...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// head writes the top of every page: the document head, the navigation
// and the flashed messages. A flashed markupsafe.Markup message is HTML,
// shown as it is, as Jinja shows it.
func (b *htmlPage) head(p *page) {
	b.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	b.text(p.Title)
	b.raw(" · shared login</title>\n" +
		"<link rel=\"stylesheet\" href=\"/static/style.css\">\n" +
		"</head>\n" +
		"<body class=\"served-by-go\">\n" +
		"<header>\n" +
		"  <nav>\n" +
		"    <a href=\"/\">Home</a>\n" +
		"    <a href=\"/profile\">Profile</a>\n" +
		"    <a href=\"/notes/new\">New note</a>\n" +
		"  </nav>\n" +
		"  <span class=\"badge go\">Go</span>\n" +
		"</header>\n" +
		"<main>\n")
	if len(p.Flashes) > 0 {
		b.raw("<ul id=\"flashes\">")
		for _, f := range p.Flashes {
			b.raw("<li class=\"flash ")
			b.text(f.Category)
			b.raw("\" data-category=\"")
			b.text(f.Category)
			b.raw("\">")
			if f.Markup {
				b.raw(f.Message)
			} else {
				b.text(f.Message)
			}
			b.raw("</li>")
		}
		b.raw("</ul>")
	}
	b.raw("\n")
}

// foot writes the end of every page.
func (b *htmlPage) foot(p *page) {
	b.raw("</main>\n<footer data-served-by=\"go\">Served by the Go front (chi + flaskbridge) · sessions: <span id=\"store\">")
	b.text(p.Store)
	b.raw("</span></footer>\n</body>\n</html>\n")
}

// document writes a whole page of about size bytes: the head, what body
// appends, the foot.
func document(p *page, size int, body func(b htmlPage) htmlPage) []byte {
	b := make(htmlPage, 0, size)
	b.head(p)
	b.raw("\n")
	b = body(b)
	b.foot(p)
	b.raw("\n")
	return b
}

// csrfForm writes a form that posts to action with the CSRF token, and its
// button.
func (b *htmlPage) csrfForm(action, token, buttonID, label string) {
	b.raw("<form method=\"post\" action=\"")
	b.raw(action)
	b.raw("\">\n  <input type=\"hidden\" name=\"csrf_token\" value=\"")
	b.text(token)
	b.raw("\">\n  <button id=\"")
	b.raw(buttonID)
	b.raw("\" type=\"submit\">")
	b.raw(label)
	b.raw("</button>\n</form>\n")
}

// profilePage is GET /profile's page.
func profilePage(p *page) []byte {
	return document(p, 2048, func(b htmlPage) htmlPage {
		b.raw("<h1>Profile</h1>\n<p id=\"user\" data-user=\"")
		b.text(p.UserID)
		b.raw("\">Logged in as <strong>")
		b.text(p.Name)
		b.raw("</strong> (")
		b.text(p.UserID)
		b.raw(")")
		if p.Fresh {
			b.raw(", fresh login")
		}
		b.raw(".</p>\n" +
			"<p>This page is served by Go. It reads the session the Flask app wrote when you logged in.</p>\n" +
			"<p>Notes in your session: <span id=\"note-count\">")
		b = strconv.AppendInt(b, int64(len(p.Notes)), 10)
		b.raw("</span>.</p>\n")
		b.csrfForm("/hello", p.CSRF, "hello", "Flash a greeting (Go)")
		b.csrfForm("/logout", p.CSRF, "logout", "Log out (Go)")
		return b
	})
}

// errorPage is the page of a refused request.
func errorPage(p *page) []byte {
	return document(p, 1024, func(b htmlPage) htmlPage {
		b.raw("<h1>")
		b.text(p.Title)
		b.raw("</h1>\n<p id=\"error\">")
		b.text(p.Error)
		b.raw("</p>\n")
		return b
	})
}
