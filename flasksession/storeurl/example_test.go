package storeurl_test

import (
	"context"
	"fmt"
	"os"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
	"github.com/flaskbridge/flaskbridge/py"
)

// Opening the session directory of a Flask app that runs cachelib 0.13,
// and reading a session through a Manager.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "flask_session")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	o, err := storeurl.Open(ctx, "file://"+dir+"?cachelib=0.13.0&key_prefix=myapp:", storeurl.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer o.Close()
	m, _ := flasksession.New(o.Store, flasksession.Options{KeyPrefix: o.Options.KeyPrefix})
	m.Write(ctx, "abc", py.DictOf("_user_id", "42"))
	d, _, _, _ := m.Read(ctx, "abc")
	fmt.Println(o.Options.Type, m.Key("abc"), py.Repr(d))

	_, err = storeurl.Open(ctx, "redis://:hunter2@127.0.0.1:6379/0?pool_sise=4", storeurl.Options{})
	fmt.Println(err)
	// Output:
	// filesystem myapp:abc {'_user_id': '42'}
	// storeurl: bad store URL: redis://:xxxxx@127.0.0.1:6379/0?pool_sise=4: redis: unexpected option: pool_sise
}

func ExampleRedact() {
	fmt.Println(storeurl.Redact("redis+sentinel://:pw@10.0.0.1:26379,10.0.0.2:26379/mymaster/0?sentinel_password=pw2"))
	// Output:
	// redis+sentinel://:xxxxx@10.0.0.1:26379,10.0.0.2:26379/mymaster/0?sentinel_password=xxxxx
}
