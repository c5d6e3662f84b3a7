package storetest_test

import (
	"fmt"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/py"
)

// Sample is the session every store test writes from Go: the values the
// format holds, here msgspec's JSON.
func ExampleSample() {
	fmt.Println(py.Repr(storetest.Sample(flasksession.FormatJSON)))
	// Output:
	// {'_permanent': True, 'user_id': 42, 'name': 'Zoë ☃ 𝄞', 'ratio': 0.1, 'admin': False, 'none': None, 'items': [1, 'two', 3.5], 'nested': {'a': {'b': [-7]}}, '_flashes': [['message', 'Saved']]}
}
