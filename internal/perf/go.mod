module github.com/flaskbridge/flaskbridge/internal/perf

go 1.26.0

replace github.com/flaskbridge/flaskbridge => ../..

require (
	github.com/flaskbridge/flaskbridge v0.0.0
	github.com/kisielk/og-rek v1.3.0
	github.com/nlpodyssey/gopickle v0.2.0
	golang.org/x/image v0.47.0
)

require (
	github.com/aristanetworks/gomap v0.0.0-20230726210543-f4e41046dced // indirect
	golang.org/x/exp v0.0.0-20230725093048-515e97ebf090 // indirect
)
