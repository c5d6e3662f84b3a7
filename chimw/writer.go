package chimw

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
)

type phase uint8

const (
	phaseOpen     phase = iota // nothing written yet
	phaseSent                  // session saved, response under way
	phaseFailed                // save failed, the error handler answered
	phaseHijacked              // the handler took the connection
)

// errAnswered is what writes return after a failed save: the error
// handler has answered the request, and the handler's output is dropped.
var errAnswered = errors.New("chimw: the session could not be saved; the request was answered with an error")

// writer is the http.ResponseWriter handlers get: it saves the session
// before the response header goes out. It has the optional methods of the
// standard library's writer (http.Flusher, http.Hijacker, io.ReaderFrom,
// http.Pusher, and Unwrap for http.ResponseController); those that send the
// header save the session first.
type writer struct {
	w     http.ResponseWriter
	st    *state
	phase phase
}

// commit saves the session if nothing was written yet and reports whether
// the handler's output may go out.
func (w *writer) commit() bool {
	if w.phase != phaseOpen {
		return w.phase == phaseSent
	}
	h := w.w.Header()
	if err := w.st.commit(h); err != nil {
		w.phase = phaseFailed
		clearHeader(h)
		w.st.m.onError(w.w, w.st.req, err)
		return false
	}
	w.phase = phaseSent
	return true
}

func (w *writer) Header() http.Header { return w.w.Header() }

func (w *writer) WriteHeader(code int) {
	if w.phase == phaseOpen && code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// An informational response (103 Early Hints) goes out with the
		// header as it is; the session is saved with the final one.
		w.w.WriteHeader(code)
		return
	}
	if w.commit() {
		w.w.WriteHeader(code)
	}
}

func (w *writer) Write(p []byte) (int, error) {
	if !w.commit() {
		return 0, errAnswered
	}
	return w.w.Write(p)
}

// WriteString keeps io.WriteString from copying strings.
func (w *writer) WriteString(s string) (int, error) {
	if !w.commit() {
		return 0, errAnswered
	}
	return io.WriteString(w.w, s)
}

// ReadFrom lets io.Copy use the underlying writer's ReadFrom (sendfile).
func (w *writer) ReadFrom(src io.Reader) (int64, error) {
	if !w.commit() {
		return 0, errAnswered
	}
	if rf, ok := w.w.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{w.w}, src)
}

// Flush saves the session and flushes, as http.Flusher.
func (w *writer) Flush() { _ = w.FlushError() }

// FlushError saves the session and flushes, reporting errors; it is what
// http.ResponseController.Flush calls.
func (w *writer) FlushError() error {
	if !w.commit() {
		return errAnswered
	}
	return http.NewResponseController(w.w).Flush()
}

// Hijack saves the session as a write would, then hands over the
// connection. The Set-Cookie and Vary headers the save put in Header() are
// not sent by the server after a hijack: a handler that hijacks (a
// WebSocket upgrade) must send them itself, or leave the session alone.
// A session changed after Hijack is reported as ErrChangedAfterWrite.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.commit() {
		return nil, nil, errAnswered
	}
	c, rw, err := http.NewResponseController(w.w).Hijack()
	if err == nil {
		w.phase = phaseHijacked
	}
	return c, rw, err
}

// Push passes an HTTP/2 server push on to the underlying writer; it sends
// no header of this response, so it does not save the session.
func (w *writer) Push(target string, opts *http.PushOptions) error {
	if p, ok := w.w.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.w }
