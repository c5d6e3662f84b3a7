package tamper_test

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/tamper"
)

func TestSignatureChangesDecodedBytes(t *testing.T) {
	for n := 1; n <= 40; n++ {
		for _, fill := range []byte{0x00, 0x04, 0xff} {
			b := make([]byte, n)
			for i := range b {
				b[i] = fill
			}
			s := base64.RawURLEncoding.EncodeToString(b)
			if len(s) < 3 {
				continue
			}
			got, err := base64.RawURLEncoding.DecodeString(tamper.Signature("x." + s)[2:])
			if err == nil && string(got) == string(b) {
				t.Errorf("%q: tampered copy decodes to the same bytes", s)
			}
		}
	}
}

func ExampleSignature() {
	fmt.Println(tamper.Signature("abc.AAAA"))
	fmt.Println(tamper.Signature("abc.wxyz"))
	// Output:
	// abc.ABAA
	// abc.wAyz
}
