package filestore_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// The directory layout of an app on cachelib 0.13 (MD5 file names, struct
// headers): the file of a key, and a value stored and read back.
func Example() {
	dir, _ := os.MkdirTemp("", "flask_session")
	defer os.RemoveAll(dir)
	s, err := filestore.New(dir, filestore.Options{Cachelib: "0.13.0"})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.FileName("session:abc"))

	ctx := context.Background()
	body, _ := pickle.MarshalProtocol(py.DictOf("user_id", int64(42)), s.PickleProtocol())
	if err := s.Save(ctx, "session:abc", body, time.Hour); err != nil {
		panic(err)
	}
	data, found, _ := s.Load(ctx, "session:abc")
	v, _ := pickle.Unmarshal(data)
	fmt.Println(found, py.Repr(v))
	// Output:
	// 32607b0dcb9d5a58fbe913b473137833
	// true {'user_id': 42}
}
