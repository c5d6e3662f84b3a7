package perf

import (
	"bytes"
	"errors"
	"fmt"

	ogorek "github.com/kisielk/og-rek"
	gopickle "github.com/nlpodyssey/gopickle/pickle"
)

// Errors of Peer.Prepare: the library cannot load the payload, or cannot
// encode the value it loaded.
var (
	ErrCannotLoad   = errors.New("cannot load")
	ErrCannotEncode = errors.New("cannot encode what it loaded")
)

// A Peer is another Go pickle library timed on the benchmark payloads.
type Peer struct {
	Name   string
	Module string // its module path
	// Prepare returns the timed calls for p, or why the library cannot
	// time it (the pickle does not load, or its value does not encode).
	Prepare func(p *Payload) (*Prepared, error)
}

// Prepared holds the calls of one peer on one payload; Encode is nil for
// a library that does not encode.
type Prepared struct {
	Decode, Encode func() error
}

// Check reports whether the peer decodes p, and encodes it when it has
// an encoder.
func (peer Peer) Check(p *Payload) error {
	prep, err := peer.Prepare(p)
	if err != nil {
		return err
	}
	if err := prep.Decode(); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if prep.Encode != nil {
		if err := prep.Encode(); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
	}
	return nil
}

// Peers are the libraries timed, in the order of the report.
var Peers = []Peer{
	{Name: "gopickle", Module: "github.com/nlpodyssey/gopickle", Prepare: prepareGopickle},
	{Name: "og-rek", Module: "github.com/kisielk/og-rek", Prepare: prepareOgrek},
}

// PeerNamed returns the peer called name.
func PeerNamed(name string) Peer {
	for _, p := range Peers {
		if p.Name == name {
			return p
		}
	}
	panic("perf: no peer " + name)
}

// gopickleLoads is gopickle's Loads, its panics turned into errors.
func gopickleLoads(s string) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return gopickle.Loads(s)
}

func prepareGopickle(p *Payload) (*Prepared, error) {
	s := string(p.Pickle) // gopickle reads a string: converted once, outside the timing
	if _, err := gopickleLoads(s); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCannotLoad, err)
	}
	return &Prepared{Decode: func() error { _, err := gopickleLoads(s); return err }}, nil
}

// prepareOgrek uses og-rek's defaults for decoding (dicts as Go maps) and
// protocol 4 for encoding, the protocol of the payloads; it encodes the
// value it decoded.
func prepareOgrek(p *Payload) (*Prepared, error) {
	var src bytes.Reader
	decode := func() (any, error) {
		src.Reset(p.Pickle)
		return ogorek.NewDecoder(&src).Decode()
	}
	v, err := decode()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCannotLoad, err)
	}
	var out bytes.Buffer
	cfg := &ogorek.EncoderConfig{Protocol: 4}
	encode := func() error {
		out.Reset()
		return ogorek.NewEncoderWithConfig(&out, cfg).Encode(v)
	}
	if err := encode(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCannotEncode, err)
	}
	return &Prepared{
		Decode: func() error { _, err := decode(); return err },
		Encode: encode,
	}, nil
}
