package perf

// The other Go pickle libraries on the same pickles: gopickle decodes
// only; og-rek decodes and encodes, and cannot load everything a Flask
// session holds (see Peers).

import (
	"testing"
)

func TestPeers(t *testing.T) {
	for _, p := range loadAll(t) {
		for _, peer := range Peers {
			if err := peer.Check(p); err != nil {
				t.Logf("%s %s: %v", peer.Name, p.Name, err)
			}
		}
	}
}

func benchPeer(b *testing.B, name string, encode bool) {
	peer := PeerNamed(name)
	eachPayload(b, func(b *testing.B, p *Payload) {
		prep, err := peer.Prepare(p)
		if err != nil {
			b.Skip(err)
		}
		run := prep.Decode
		if encode {
			run = prep.Encode
		}
		if run == nil {
			b.Skip("no encoder")
		}
		measure(b, run)
	})
}

func BenchmarkGopickleDecode(b *testing.B) { benchPeer(b, "gopickle", false) }
func BenchmarkOgrekDecode(b *testing.B)    { benchPeer(b, "og-rek", false) }
func BenchmarkOgrekEncode(b *testing.B)    { benchPeer(b, "og-rek", true) }
