package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// Signing a session as Flask does, then reading it back.
func Example_cookie() {
	run([]string{"cookie", "encode", "--secret-key", "dev", "--timestamp", "1715949296"},
		strings.NewReader("{'_user_id': '42', 'cart': (1, 2)}"), os.Stdout, os.Stdout)

	const cookie = "eyJfdXNlcl9pZCI6IjQyIiwiY2FydCI6eyIgdCI6WzEsMl19fQ.ZkdO8A.Opqmq0NM8gxi_dFX7kJ7RpIW-d4"
	run([]string{"cookie", "decode", "--secret-key", "dev", "--now", "1715949296", cookie},
		nil, os.Stdout, os.Stdout)
	run([]string{"cookie", "decode", "--secret-key", "dev", "--now", "1715949296", "--format", "tagged", cookie},
		nil, os.Stdout, os.Stdout)

	// Signed with another key: exit status 1 and one line on stderr.
	code := run([]string{"cookie", "decode", "--secret-key", "prod", "--now", "1715949296", cookie},
		nil, os.Stdout, os.Stdout)
	fmt.Println("exit status", code)
	// Output:
	// eyJfdXNlcl9pZCI6IjQyIiwiY2FydCI6eyIgdCI6WzEsMl19fQ.ZkdO8A.Opqmq0NM8gxi_dFX7kJ7RpIW-d4
	// {'_user_id': '42', 'cart': (1, 2)}
	// {"_user_id":"42","cart":{" t":[1,2]}}
	// flaskbridge cookie decode: invalid cookie: flaskcookie: bad signature: signature "Opqmq0NM8gxi_dFX7kJ7RpIW-d4" does not match
	// exit status 1
}

// A pickle that would run a command when Python loads it prints as data,
// or is refused with --strict.
func Example_convertHostilePickle() {
	// pickle.dumps of an object whose __reduce__ returns
	// (os.system, ('echo pwned',)), at protocol 2.
	p, _ := hex.DecodeString("80026370" + "6f7369780a73797374656d0a7100580a0000006563686f2070776e65647101857102527103" + "2e")
	run([]string{"convert", "--from", "pickle", "--to", "repr"}, strings.NewReader(string(p)), os.Stdout, os.Stdout)
	run([]string{"convert", "--from", "pickle", "--to", "repr", "--strict"}, strings.NewReader(string(p)), os.Stdout, os.Stdout)
	// Output:
	// <reduce posix.system('echo pwned')>
	// flaskbridge convert: invalid pickle: pickle: unknown global refused in strict mode: posix.system (opcode GLOBAL at offset 2)
}

// A pickled session, as Flask-Session 0.6 stores it, converted to the
// msgpack of Flask-Session 0.8.
func Example_convertPickleToMsgpack() {
	// pickle.dumps({'a': [1, 2], 'b': 'x'})
	p := "80049519000000000000007d94288c0161945d94284b014b02658c0162948c017894752e"
	run([]string{"convert", "--from", "pickle", "--to", "msgpack", "--hex"}, strings.NewReader(p), os.Stdout, os.Stdout)
	run([]string{"convert", "--from", "pickle", "--to", "pickle:2", "--hex"}, strings.NewReader(p), os.Stdout, os.Stdout)
	// Output:
	// 82a161920102a162a178
	// 80027d71002858010000006171015d7102284b014b026558010000006271035801000000787104752e
}
